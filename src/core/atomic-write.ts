import { closeSync, fdatasyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';

/**
 * Writes a file so readers see the old or the new content, never a part (temp file + rename). When
 * it fails (a full disk, `path` is a folder) the temp file is removed: nothing half-written stays.
 * The data reaches the disk (fdatasync) before the rename: after a power loss or a kernel crash, the
 * file under the new name is never an empty or partial one (ext4 and others may commit the rename
 * before the data otherwise). A crash of layerlab alone loses nothing either way.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(temp, 'w');
    try {
      writeFileSync(fd, data); // every byte: a plain write() may take only part
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
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

/**
 * `writeFileAtomic` off the calling thread (libuv's pool): the same temp file, fdatasync and rename,
 * so a reader or a crash sees the old or the new content. Callers that write one path more than
 * once must wait for each write before the next (they share the temp file name).
 */
export async function writeFileAtomicAsync(path: string, data: Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
