import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { GroupState } from '../train/heads/group-state.js';
import { decodeTensorFile, encodeTensorFile } from '../train/run-folder/tensor-file.js';
import { QUEUE_PREFIX } from './host-record.js';

/**
 * How binary data rides in BullMQ jobs and replies, which are JSON: typed arrays as base64 of their
 * little-endian bytes (bit for bit), and group state in the checkpoint layout (run-folder/tensor-file).
 * A state larger than `INLINE_MAX_BYTES` goes through Redis once, under its content hash, and the job
 * carries only the hash: a host fetches it, a retry of the same unit reuses it.
 */
export const INLINE_MAX_BYTES = 1024 * 1024;
const BLOB_TTL_S = 24 * 3600;

export type BlobRef = { inline: string } | { sha256: string };

const blobKey = (sha256: string) => `${QUEUE_PREFIX}:blob:${sha256}`;

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

export async function putBlob(redis: Redis, bytes: Uint8Array): Promise<BlobRef> {
  if (bytes.byteLength <= INLINE_MAX_BYTES) return { inline: bytesOf(bytes).toString('base64') };
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await redis.set(blobKey(sha256), bytesOf(bytes), 'EX', BLOB_TTL_S);
  return { sha256 };
}

export async function getBlob(redis: Redis, ref: BlobRef): Promise<Uint8Array> {
  if ('inline' in ref) return decode64(ref.inline);
  if (!/^[0-9a-f]{64}$/.test(ref.sha256)) throw new Error('a blob reference must be a sha256 digest');
  const buffer = await redis.getBuffer(blobKey(ref.sha256));
  if (!buffer) throw new Error(`blob ${ref.sha256.slice(0, 12)} is no longer in Redis (expired or flushed)`);
  const out = new Uint8Array(buffer.byteLength);
  out.set(buffer);
  if (createHash('sha256').update(out).digest('hex') !== ref.sha256)
    throw new Error(`blob ${ref.sha256.slice(0, 12)} does not match its hash`);
  return out;
}

export const putState = (redis: Redis, state: GroupState): Promise<BlobRef> =>
  putBlob(redis, encodeTensorFile({}, state));

export const getState = async (redis: Redis, ref: BlobRef): Promise<GroupState> =>
  decodeTensorFile(await getBlob(redis, ref)).tensors;
