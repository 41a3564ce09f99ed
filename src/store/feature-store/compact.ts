import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { closeEnv, featuresFile, type StoreEnv } from './store-env.js';

/**
 * Rewrites the LMDB file without its free pages (LMDB's compacting copy) and swaps it in, so the
 * space of removed feature sets goes back to the disk. The caller holds the writer lock throughout;
 * the environment is closed afterwards.
 */
export async function compactEnv(store: StoreEnv): Promise<void> {
  const copy = join(store.dir, `features.compact-${process.pid}.mdb`);
  try {
    await store.env.backup(copy, true);
    await closeEnv(store);
    renameSync(copy, featuresFile(store.dir));
    rmSync(`${copy}-lock`, { force: true });
  } catch (error) {
    rmSync(copy, { force: true });
    throw error;
  }
}
