import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { z } from 'zod';
import { LayerlabError } from '../../core/errors.js';
import type { StateTensor } from '../heads/group-state.js';

/**
 * The binary layout of checkpoints: "LLC1", a uint32 header length, a JSON header (the caller's
 * fields plus the tensor names and shapes), zero padding to a 4-byte boundary, then the float32
 * tensors in header order, little-endian.
 */
const MAGIC = 0x3143_4c4c; // "LLC1" little-endian
/** On little-endian hosts (all ONNX Runtime platforms in practice) tensors are copied as bytes. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** The header's index of the tensors that follow it. */
export const tensorIndexSchema = z.looseObject({
  tensors: z.array(z.looseObject({ name: z.string(), dims: z.array(z.number().int().nonnegative()) })),
});
type TensorIndex = z.output<typeof tensorIndexSchema>;

export function encodeTensorFile(header: object, tensors: Record<string, StateTensor>): Uint8Array {
  const names = Object.keys(tensors);
  const full = { ...header, tensors: names.map((name) => ({ name, dims: tensors[name]!.dims })) };
  const json = new TextEncoder().encode(JSON.stringify(full));
  const dataStart = Math.ceil((8 + json.length) / 4) * 4;
  const floats = names.reduce((n, name) => n + tensors[name]!.data.length, 0);
  const out = new Uint8Array(dataStart + floats * 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, json.length, true);
  out.set(json, 8);
  let offset = dataStart;
  for (const name of names) {
    const data = tensors[name]!.data;
    if (LITTLE_ENDIAN) out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    else for (let i = 0; i < data.length; i++) view.setFloat32(offset + 4 * i, data[i]!, true);
    offset += data.byteLength;
  }
  return out;
}

/** Decodes a checkpoint; throws an Error saying what is wrong when the bytes are not a whole one. */
export function decodeTensorFile<H extends object>(
  bytes: Uint8Array,
): { header: H & TensorIndex; tensors: Record<string, StateTensor> } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8 || view.getUint32(0, true) !== MAGIC) throw new Error('not a layerlab checkpoint');
  const length = view.getUint32(4, true);
  if (bytes.byteLength < 8 + length) throw new Error('its header is cut short');
  let header: H & TensorIndex;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as H & TensorIndex;
  } catch {
    throw new Error('its header is not valid JSON');
  }
  if (!tensorIndexSchema.safeParse(header).success) throw new Error('its header has no tensor index');
  let offset = Math.ceil((8 + length) / 4) * 4;
  const floats = header.tensors.reduce((n, t) => n + t.dims.reduce((a, b) => a * b, 1), 0);
  if (bytes.byteLength < offset + floats * 4) throw new Error('its tensors are cut short');
  const tensors: Record<string, StateTensor> = {};
  for (const { name, dims } of header.tensors) {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    if (LITTLE_ENDIAN) new Uint8Array(data.buffer).set(bytes.subarray(offset, offset + data.byteLength));
    else for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(offset + 4 * i, true);
    offset += data.byteLength;
    tensors[name] = { dims, data };
  }
  return { header, tensors };
}

/**
 * A checkpoint file, validated: undefined when it does not exist, a BAD_DATA error naming the file
 * and `fix` when it is cut short, not a checkpoint, or its header breaks `schema` (which states what
 * readers rely on; the rest of the header is returned as written).
 */
export function readTensorFile<H extends object>(
  path: string,
  schema: z.ZodType,
  fix: string,
): { header: H & TensorIndex; tensors: Record<string, StateTensor> } | undefined {
  if (!existsSync(path)) return undefined;
  const damaged = (why: string) => new LayerlabError('BAD_DATA', `${path} is damaged (${why}); ${fix}`);
  const bytes = readFileSync(path);
  let file: { header: H & TensorIndex; tensors: Record<string, StateTensor> };
  try {
    file = decodeTensorFile<H>(bytes);
  } catch (error) {
    throw damaged((error as Error).message);
  }
  const parsed = schema.safeParse(file.header);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw damaged(`header ${issue.path.join('.') || 'content'}: ${issue.message}`);
  }
  return file;
}

/**
 * A checkpoint's JSON header, read without its tensors: the first 8 bytes give the header's
 * length, then only the header is read. Undefined for anything that is not a readable checkpoint
 * (the UI lists what it can read while the trainer replaces files).
 */
export function readTensorFileHeader(path: string): Record<string, unknown> | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const prefix = Buffer.alloc(8);
    if (readSync(fd, prefix, 0, 8, 0) < 8 || prefix.readUInt32LE(0) !== MAGIC) return undefined;
    const length = prefix.readUInt32LE(4);
    const json = Buffer.alloc(length);
    if (readSync(fd, json, 0, length, 8) < length) return undefined;
    const header = JSON.parse(json.toString('utf8')) as unknown;
    return typeof header === 'object' && header !== null ? (header as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
