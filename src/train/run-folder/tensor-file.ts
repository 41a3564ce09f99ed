import type { StateTensor } from '../heads/group-state.js';

/**
 * The binary layout of checkpoints: "LLC1", a uint32 header length, a JSON header (the caller's
 * fields plus the tensor names and shapes), zero padding to a 4-byte boundary, then the float32
 * tensors in header order, little-endian.
 */
const MAGIC = 0x3143_4c4c; // "LLC1" little-endian
/** On little-endian hosts (all ONNX Runtime platforms in practice) tensors are copied as bytes. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

interface TensorIndex {
  tensors: { name: string; dims: number[] }[];
}

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

export function decodeTensorFile<H extends object>(
  bytes: Uint8Array,
): { header: H & TensorIndex; tensors: Record<string, StateTensor> } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8 || view.getUint32(0, true) !== MAGIC) throw new Error('not a layerlab checkpoint');
  const length = view.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as H & TensorIndex;
  let offset = Math.ceil((8 + length) / 4) * 4;
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
