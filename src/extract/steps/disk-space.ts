import { statfsSync } from 'node:fs';
import { LayerlabError } from '../../core/errors.js';
import { formatBytes } from '../../core/format-bytes.js';

/**
 * Fails before the first batch when the forecast store growth (with a margin for LMDB's pages) does
 * not fit the free space: a disk that fills mid-extraction fails later, and less clearly.
 */
export function refuseFullDisk(storeDir: string, storeBytes: number): void {
  const { bavail, bsize } = statfsSync(storeDir);
  const free = bavail * bsize;
  const needed = storeBytes * 1.25 + 2 ** 20;
  if (needed > free) {
    throw new LayerlabError(
      'IO',
      `the store ${storeDir} needs about ${formatBytes(needed)} but ${formatBytes(free)} are free; free disk space or pass --store elsewhere`,
    );
  }
}
