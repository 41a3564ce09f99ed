import { existsSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LayerlabError } from '../core/errors.js';
import { filesystemKind } from '../core/filesystem-types.js';

/**
 * Refuses a store on a network filesystem: LMDB needs coherent mmap and POSIX locks, which NFS, SMB
 * and their kind do not give (LMDB's own docs: never on a remote filesystem). Checks the nearest
 * folder that exists, since the store may be about to be created.
 */
export function refuseNetworkFilesystem(
  dir: string,
  statfs: (path: string) => { type: number } = statfsSync,
): void {
  let probe = resolve(dir);
  while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
  let type: number;
  try {
    type = statfs(probe).type;
  } catch {
    return; // no statfs here (an unusual platform): nothing to go on
  }
  const kind = filesystemKind(type);
  if (kind.network)
    throw new LayerlabError(
      'STORE_NOT_WRITABLE',
      `${dir} is on a network filesystem (${kind.name}); LMDB stores need a local disk: pass --home or --store on one`,
    );
}
