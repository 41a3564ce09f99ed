import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes a file so readers see the old or the new content, never a part (temp file + rename). When
 * it fails (a full disk, `path` is a folder) the temp file is removed: nothing half-written stays.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Pretty JSON, atomically (JSON.stringify writes NaN as null). */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
