import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { withEnvGate, withEnvGateAsync } from './env-gate.js';

/** One store's LMDB environment and its two databases: what every part of the store reads and writes. */
export interface StoreEnv {
  readonly dir: string;
  readonly readOnly: boolean;
  env: RootDatabase;
  meta: Database<string, string>;
  data: Database<Uint8Array, string>;
}

export const featuresFile = (dir: string) => join(dir, 'features.mdb');

/** Environments this thread has open, closed through the gate when the process exits with them open. */
const openEnvs = new Set<StoreEnv>();
let closesOnExit = false;

/** Opens a store's environment, taking turns with other processes' opens and closes (env-gate.ts). */
export function openEnv(dir: string, readOnly: boolean): StoreEnv {
  const store = withEnvGate(dir, () => {
    const env = open({ path: featuresFile(dir), maxDbs: 4, readOnly, compression: false });
    try {
      // a read-only openDB is the first read: it takes a reader slot, which needs LMDB's mutex
      const meta = env.openDB<string, string>({ name: 'meta', encoding: 'string' });
      const data = env.openDB<Uint8Array, string>({ name: 'data', encoding: 'binary' });
      return { dir, readOnly, env, meta, data };
    } catch (error) {
      void env.close();
      throw error;
    }
  });
  openEnvs.add(store);
  if (!closesOnExit) {
    closesOnExit = true;
    // Left open, LMDB's own exit hook would close it outside the gate. A reader's close is
    // synchronous; a writer's pending commits cannot finish at exit anyway.
    process.on('exit', () => {
      for (const open of openEnvs) {
        try {
          withEnvGate(open.dir, () => void open.env.close());
        } catch {
          // exiting regardless: LMDB's own hook closes it
        }
      }
    });
  }
  return store;
}

/**
 * Closes a store's environment through the gate: a reader's at once (the store may be removed right
 * after), a writer's once its commits are flushed, so the gate is held only while LMDB lets go.
 */
export function closeEnv(store: StoreEnv): Promise<void> {
  if (!openEnvs.delete(store)) return Promise.resolve();
  if (store.readOnly) {
    withEnvGate(store.dir, () => void store.env.close());
    return Promise.resolve();
  }
  return store.env.flushed.then(() => withEnvGateAsync(store.dir, () => store.env.close()));
}
