import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';

/** One store's LMDB environment and its two databases: what every part of the store reads and writes. */
export interface StoreEnv {
  readonly dir: string;
  env: RootDatabase;
  meta: Database<string, string>;
  data: Database<Uint8Array, string>;
}

export const featuresFile = (dir: string) => join(dir, 'features.mdb');

export function openEnv(dir: string, readOnly: boolean): StoreEnv {
  const env = open({ path: featuresFile(dir), maxDbs: 4, readOnly, compression: false });
  const meta = env.openDB<string, string>({ name: 'meta', encoding: 'string' });
  const data = env.openDB<Uint8Array, string>({ name: 'data', encoding: 'binary' });
  return { dir, env, meta, data };
}
