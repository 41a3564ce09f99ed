import { closeSync, openSync, readSync } from 'node:fs';

/** "LLC1" little-endian: the checkpoint files' magic number (src/train/run-folder/tensor-file.ts). */
const MAGIC = 0x3143_4c4c;

/**
 * A checkpoint's JSON header, read without its tensors: the first 8 bytes give the header's
 * length, then only the header is read. Undefined for anything that is not a readable checkpoint.
 */
export function readCheckpointHeader(path: string): Record<string, unknown> | undefined {
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
