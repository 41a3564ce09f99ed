/**
 * Start-up time of the commands a user or a script runs most (issue 12, item 6): `--help`,
 * `--version`, `results`, `store ls` and a usage error, each as whole CLI processes, hyperfine-like:
 * warm-up runs, then many runs of every command interleaved (so a load spike hits all alike), the
 * median of each, and its ratio to `node -e 0` measured in the same run. Target: ≤ 150 ms each.
 * Run: npm run build && node dist/bench/startup.js [--quick] [--runs N]
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/core/paths.js';
import { RunStore } from '../src/store/run-store.js';
import { recordResult, round, scratch } from './extract-common.js';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, runs: { type: 'string' } },
});
const runs = Number(values.runs ?? (values.quick ? 10 : 40));
const TARGET_MS = 150;

const bin = join(packageRoot(), 'bin', 'layerlab.js');
const home = scratch('layerlab-bench-startup-');
// a home with some history: 20 finished runs and, unless quick, one feature store
for (let i = 0; i < 20; i++)
  RunStore.create(join(home, 'runs'), `run-20261201-0000${String(i).padStart(2, '0')}-beef`, {
    command: 'train',
    model: 'builtin:shapes-cnn',
    data: 'builtin:shapes',
    store: join(home, 'stores', 'none'),
  }).finish('done');
if (!values.quick) {
  const made = spawnSync(
    process.execPath,
    [bin, '--home', home, 'extract', 'builtin:shapes-cnn', 'builtin:shapes', '--layers', 'last:1', '-q'],
    { stdio: 'ignore' },
  );
  if (made.status !== 0) throw new Error(`making the bench store failed (exit ${made.status})`);
}

interface Case {
  name: string;
  args: string[];
  /** the exit code it must end with (a usage error exits 2) */
  exit: number;
}
const cli = (name: string, args: string[], exit = 0): Case => ({
  name,
  args: [bin, '--home', home, ...args],
  exit,
});
const cases: Case[] = [
  { name: 'node -e 0', args: ['-e', '0'], exit: 0 },
  cli('layerlab --help', ['--help']),
  cli('layerlab --version', ['--version']),
  cli('layerlab results', ['results']),
  cli(`layerlab store ls${values.quick ? ' (no stores)' : ' (1 store)'}`, ['store', 'ls']),
  cli('layerlab extract (usage error)', ['extract'], 2),
  cli('layerlab train --epochs 0 (usage error)', ['train', '--store', home, '--epochs', '0'], 2),
];

function timeOnce(c: Case): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, c.args, { stdio: 'ignore', env: { ...process.env, CI: '1' } });
  const ms = performance.now() - started;
  if (run.status !== c.exit) throw new Error(`${c.name}: exit ${run.status}, expected ${c.exit}`);
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

for (const c of cases) for (let i = 0; i < 3; i++) timeOnce(c); // warm the file cache
const samples = cases.map(() => [] as number[]);
for (let r = 0; r < runs; r++) cases.forEach((c, i) => samples[i]!.push(timeOnce(c)));
rmSync(home, { recursive: true, force: true });

const baseline = median(samples[0]!);
const rows = cases.map((c, i) => {
  const ms = median(samples[i]!);
  return {
    command: c.name,
    medianMs: round(ms, 1),
    minMs: round(Math.min(...samples[i]!), 1),
    ratio: round(ms / baseline, 2),
    withinTarget: c.name === 'node -e 0' ? true : ms <= TARGET_MS,
  };
});

console.log(`start-up, ${runs} runs each, interleaved; median and min wall time of the whole process\n`);
console.log(
  `${'command'.padEnd(42)} ${'median ms'.padStart(10)} ${'min ms'.padStart(8)} ${'ratio'.padStart(7)}`,
);
for (const r of rows)
  console.log(
    `${r.command.padEnd(42)} ${r.medianMs.toFixed(1).padStart(10)} ${r.minMs.toFixed(1).padStart(8)} ${r.ratio.toFixed(2).padStart(7)}${r.withinTarget ? '' : `  (over ${TARGET_MS} ms)`}`,
  );
console.log('');
recordResult('startup', { runs, quick: values.quick, targetMs: `≤ ${TARGET_MS} ms`, commands: rows });
