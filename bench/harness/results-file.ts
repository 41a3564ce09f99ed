import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths.js';
import { describeMachine } from './machine.js';

/** bench/results in the source tree (beside bench/*.ts, not under dist/), or its quick/ sub-folder. */
export function resultsDir(quick: boolean): string {
  const dir = join(packageRoot(), 'bench', 'results', ...(quick ? ['quick'] : []));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes `<name>.json` with the machine description (unless `body` brings its own) and the time it was recorded. */
export function writeResults(name: string, quick: boolean, body: object): string {
  const path = join(resultsDir(quick), `${name}.json`);
  const doc = { machine: describeMachine(), ...body, recordedAt: new Date().toISOString() };
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
  return path;
}
