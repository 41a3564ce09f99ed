import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes a folder takes on disk (allocated blocks, so a sparse LMDB map counts what it holds). */
export function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += dirBytes(path);
    else if (entry.isFile()) total += statSync(path).blocks * 512;
  }
  return total;
}
