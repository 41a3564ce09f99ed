import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import type { GroupState } from './group-state.js';

/**
 * A group's state after a unit: "LLC1", a uint32 header length, a JSON header naming the tensors,
 * zero padding to a 4-byte boundary, then the float32 tensors in header order (little-endian).
 * Written atomically, so a crash leaves the previous unit's checkpoint intact.
 */
export interface CheckpointHeader {
  group: number;
  /** 1-based epoch and the number of units the group finished in it */
  epoch: number;
  units: number;
  models: string[];
  tensors: { name: string; dims: number[] }[];
}

const MAGIC = 0x3143_4c4c; // "LLC1" little-endian

export const checkpointPath = (runDir: string, group: number): string =>
  join(runDir, 'checkpoints', `group-${group}.ckpt`);

export function encodeCheckpoint(header: Omit<CheckpointHeader, 'tensors'>, state: GroupState): Uint8Array {
  const names = Object.keys(state);
  const full: CheckpointHeader = {
    ...header,
    tensors: names.map((name) => ({ name, dims: state[name]!.dims })),
  };
  const json = new TextEncoder().encode(JSON.stringify(full));
  const dataStart = Math.ceil((8 + json.length) / 4) * 4;
  const floats = names.reduce((n, name) => n + state[name]!.data.length, 0);
  const out = new Uint8Array(dataStart + floats * 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, json.length, true);
  out.set(json, 8);
  let offset = dataStart;
  for (const name of names) {
    const data = state[name]!.data;
    for (let i = 0; i < data.length; i++, offset += 4) view.setFloat32(offset, data[i]!, true);
  }
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array): { header: CheckpointHeader; state: GroupState } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8 || view.getUint32(0, true) !== MAGIC) throw new Error('not a layerlab checkpoint');
  const length = view.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as CheckpointHeader;
  let offset = Math.ceil((8 + length) / 4) * 4;
  const state: GroupState = {};
  for (const { name, dims } of header.tensors) {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++, offset += 4) data[i] = view.getFloat32(offset, true);
    state[name] = { dims, data };
  }
  return { header, state };
}

export function writeCheckpoint(
  runDir: string,
  header: Omit<CheckpointHeader, 'tensors'>,
  state: GroupState,
): void {
  writeFileAtomic(checkpointPath(runDir, header.group), encodeCheckpoint(header, state));
}

export function readCheckpoint(
  runDir: string,
  group: number,
): { header: CheckpointHeader; state: GroupState } {
  return decodeCheckpoint(readFileSync(checkpointPath(runDir, group)));
}
