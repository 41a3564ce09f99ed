import { renameSync, writeFileSync } from 'node:fs';

/** Writes a file so readers see the old or the new content, never a part (temp file + rename). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

/** Pretty JSON, atomically (JSON.stringify writes NaN as null). */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
