import { createHash } from 'node:crypto';
import type { ChainableCommander, Redis } from 'ioredis';
import type { GroupState } from '../train/heads/group-state.js';
import { decodeTensorFile, encodeTensorFile } from '../train/run-folder/tensor-file.js';
import { QUEUE_PREFIX } from './host-record.js';

/**
 * How binary data rides in BullMQ jobs and replies, which are JSON: typed arrays as base64 of their
 * little-endian bytes (bit for bit), and group state in the checkpoint layout (run-folder/tensor-file).
 * A blob larger than its inline limit (`INLINE_MAX_BYTES` unless told) goes through Redis as raw
 * bytes, under its content hash, and the job carries only the hash: a host fetches it, a retry of
 * the same unit reuses it. A training unit's group state always goes this way, in its session and
 * group's scope (`stateScope`), so that its coordinator can delete it once it is consumed: base64
 * inside JSON jobs cost Redis and both ends a copy, a parse and a third more bytes per hop.
 */
export const INLINE_MAX_BYTES = 1024 * 1024;
const BLOB_TTL_S = 24 * 3600;

export type BlobRef = { inline: string } | { sha256: string; scope?: string };

/** the scope of a training session's group states: `SESSION:GROUP` */
export const stateScope = (session: string, group: number): string => `${session}:${group}`;
const SCOPE = /^[0-9a-z-]{1,64}:[0-9]{1,9}$/;

const blobKey = (sha256: string, scope?: string) =>
  scope === undefined ? `${QUEUE_PREFIX}:blob:${sha256}` : `${QUEUE_PREFIX}:state:${scope}:${sha256}`;

/** The Redis key a by-reference blob lives under; undefined for an inline one. */
export function blobKeyOf(ref: BlobRef): string | undefined {
  if ('inline' in ref) return undefined;
  if (!/^[0-9a-f]{64}$/.test(ref.sha256)) throw new Error('a blob reference must be a sha256 digest');
  if (ref.scope !== undefined && !SCOPE.test(ref.scope))
    throw new Error('a state scope must be SESSION:GROUP');
  return blobKey(ref.sha256, ref.scope);
}

export interface PutOptions {
  /** stores it under this scope (stateScope) rather than the shared blob space */
  scope?: string;
  /** the largest blob carried inline, as base64 @default INLINE_MAX_BYTES */
  inlineMax?: number;
}

function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/** base64 → a fresh, aligned copy (a decoded Buffer may sit at any offset of Node's pool) */
function decode64(text: string): Uint8Array {
  const buffer = Buffer.from(text, 'base64');
  const out = new Uint8Array(buffer.byteLength);
  out.set(buffer);
  return out;
}

export const f64ToWire = (values: Float64Array): string => bytesOf(values).toString('base64');
export const f64FromWire = (text: string): Float64Array => new Float64Array(decode64(text).buffer);
export const f32ToWire = (values: Float32Array): string => bytesOf(values).toString('base64');
export const f32FromWire = (text: string): Float32Array => new Float32Array(decode64(text).buffer);
export const i32ToWire = (values: Int32Array): string => bytesOf(values).toString('base64');
export const i32FromWire = (text: string): Int32Array => new Int32Array(decode64(text).buffer);

/** A blob hashed and ready to store: its reference, and where (`key`) unless it rides inline. */
export interface PreparedBlob {
  ref: BlobRef;
  key?: string;
  bytes: Uint8Array;
}

/** Hashes a blob once, for its reference, without storing it (`storeBlob`, or in a transaction). */
export function prepareBlob(bytes: Uint8Array, options: PutOptions = {}): PreparedBlob {
  if (bytes.byteLength <= (options.inlineMax ?? INLINE_MAX_BYTES))
    return { ref: { inline: bytesOf(bytes).toString('base64') }, bytes };
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const ref: BlobRef = options.scope === undefined ? { sha256 } : { sha256, scope: options.scope };
  return { ref, key: blobKeyOf(ref)!, bytes };
}

/** Queues the SET of a prepared blob on a transaction or pipeline (nothing for an inline one). */
export function queueBlob(commands: ChainableCommander, blob: PreparedBlob): ChainableCommander {
  return blob.key ? commands.set(blob.key, bytesOf(blob.bytes), 'EX', BLOB_TTL_S) : commands;
}

export async function putBlob(redis: Redis, bytes: Uint8Array, options: PutOptions = {}): Promise<BlobRef> {
  const blob = prepareBlob(bytes, options);
  if (blob.key) await redis.set(blob.key, bytesOf(blob.bytes), 'EX', BLOB_TTL_S);
  return blob.ref;
}

/**
 * A blob's bytes, checked against its hash. By reference: a view of the bytes as Redis returned them
 * (not copied: `decodeTensorFile` copies each tensor out anyway), so it may sit at any offset of its
 * buffer; copy it before reading it as anything but bytes.
 */
export async function getBlob(redis: Redis, ref: BlobRef): Promise<Uint8Array> {
  if ('inline' in ref) return decode64(ref.inline);
  const buffer = await redis.getBuffer(blobKeyOf(ref)!);
  if (!buffer) throw new Error(`blob ${ref.sha256.slice(0, 12)} is no longer in Redis (expired or flushed)`);
  if (createHash('sha256').update(buffer).digest('hex') !== ref.sha256)
    throw new Error(`blob ${ref.sha256.slice(0, 12)} does not match its hash`);
  return buffer;
}

export const prepareState = (state: GroupState, options?: PutOptions): PreparedBlob =>
  prepareBlob(encodeTensorFile({}, state), options);

export const putState = (redis: Redis, state: GroupState, options?: PutOptions): Promise<BlobRef> =>
  putBlob(redis, encodeTensorFile({}, state), options);

export const getState = async (redis: Redis, ref: BlobRef): Promise<GroupState> =>
  decodeTensorFile(await getBlob(redis, ref)).tensors;
