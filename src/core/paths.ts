import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where layerlab keeps stores and runs: `--home`, else `LAYERLAB_HOME`,
 * else `${XDG_CACHE_HOME:-~/.cache}/layerlab` (docs/contract.md, "Home").
 */
export function resolveHome(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(flag);
  if (env.LAYERLAB_HOME) return resolve(env.LAYERLAB_HOME);
  const cache = env.XDG_CACHE_HOME ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return resolve(cache, 'layerlab');
}

export interface HomeLayout {
  root: string;
  stores: string;
  runs: string;
}

export function homeLayout(root: string): HomeLayout {
  return { root, stores: join(root, 'stores'), runs: join(root, 'runs') };
}

/** The installed package's root folder (holds package.json and models/), from src or dist alike. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'models'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('layerlab package root not found');
}
