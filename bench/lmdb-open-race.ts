/**
 * Processes opening and closing one store at once (env-gate.ts): without the gate, a process that
 * opens the environment while the last one closes it meets LMDB's destroyed mutexes, and its first
 * read fails with "Invalid argument". Each of `--loops` concurrent loops starts `--runs` processes
 * one after another; each opens the store read-only, reads its manifest and closes it: first all
 * straight through lmdb (`plain`), then all through FeatureStore (`gated`). Prints the failures of
 * each: the gated ones should be 0.
 * Run: npm run build && node dist/bench/lmdb-open-race.js [--loops 8] [--runs 40]
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { recordResult, scratch } from './extract-common.js';

type Mode = 'plain' | 'gated';

/** One process's open, read and close (each mode loads only what it uses, so both start alike). */
async function child(mode: Mode, dir: string): Promise<void> {
  const { STORE_MANIFEST_KEY } = await import('../src/store/feature-store/key-layout.js');
  if (mode === 'plain') {
    const { open } = await import('lmdb');
    const { featuresFile } = await import('../src/store/feature-store/store-env.js');
    const env = open({ path: featuresFile(dir), maxDbs: 4, readOnly: true, compression: false });
    env.openDB<string, string>({ name: 'meta', encoding: 'string' }).get(STORE_MANIFEST_KEY);
    await env.close();
  } else {
    const { FeatureStore } = await import('../src/store/feature-store.js');
    const store = FeatureStore.open(dir, { write: false });
    store.manifest();
    store.close();
  }
}

/** One loop: `runs` processes one after another; resolves with the failures' first lines. */
function loop(mode: Mode, dir: string, runs: number): Promise<string[]> {
  const script = fileURLToPath(import.meta.url);
  const failures: string[] = [];
  const next = (left: number): Promise<string[]> => {
    if (left === 0) return Promise.resolve(failures);
    return new Promise((resolve) => {
      const proc = spawn(process.execPath, [script, '--child', mode, '--store', dir], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      proc.on('close', (code) => {
        if (code !== 0) failures.push(stderr.split('\n').find((l) => /error/i.test(l)) ?? `exit ${code}`);
        resolve(next(left - 1));
      });
    });
  };
  return next(runs);
}

const { values } = parseArgs({
  options: {
    loops: { type: 'string', default: '8' },
    runs: { type: 'string', default: '40' },
    child: { type: 'string' },
    store: { type: 'string' },
  },
});

if (values.child !== undefined) {
  await child(values.child as Mode, values.store!);
} else {
  const loops = Number(values.loops);
  const runs = Number(values.runs);
  const { FeatureStore } = await import('../src/store/feature-store.js');
  const dir = join(scratch('layerlab-bench-open-race-'), 'store');
  const writer = FeatureStore.open(dir, { write: true });
  writer.close();
  await new Promise((resolve) => setTimeout(resolve, 200)); // the writer's close settles

  // one mode after the other: a plain process closing would break a gated one's open
  const summary: Record<string, unknown> = {};
  for (const mode of ['plain', 'gated'] as const) {
    const started = Date.now();
    const failures = (await Promise.all(Array.from({ length: loops }, () => loop(mode, dir, runs)))).flat();
    summary[mode] = {
      processes: loops * runs,
      failures: failures.length,
      messages: [...new Set(failures)],
      seconds: Math.round((Date.now() - started) / 1000),
    };
  }
  recordResult('lmdb-open-race', {
    loops,
    runsPerLoop: runs,
    ...summary,
  });
}
