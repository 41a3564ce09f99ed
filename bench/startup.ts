/**
 * Start-up time of the commands a user or a script runs most (issue 12, item 6): `--help`,
 * `--version`, `results`, `store ls` (with its store's listing, and without it: read from LMDB) and
 * a usage error (and `store info`, which bin's front hands over to the full CLI), each as whole CLI processes, hyperfine-like: warm-up runs, then many runs of every command interleaved (so a load spike hits all alike), the
 * median of each, and its ratio to `node -e 0` measured in the same run. Target: ≤ 150 ms each.
 * `--baseline BIN` adds the same commands run by another build's bin/layerlab.js (e.g. a checkout of
 * the commit before a change), so a before/after ratio comes from the same run too.
 * Run: npm run build && node dist/bench/startup.js [--quick] [--runs N] [--baseline BIN]
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/core/paths.js';
import { RunStore } from '../src/store/run-store.js';
import { recordResult, round, scratch } from './extract-common.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    baseline: { type: 'string' },
  },
});
const runs = Number(values.runs ?? (values.quick ? 10 : 40));
const TARGET_MS = 150;

const bin = join(packageRoot(), 'bin', 'layerlab.js');
const home = scratch('layerlab-bench-startup-');
const unlisted = scratch('layerlab-bench-startup-unlisted-');
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
  // the same store as an older layerlab left it, without the listing `store ls` reads instead of LMDB
  cpSync(join(home, 'stores'), join(unlisted, 'stores'), { recursive: true });
  for (const store of readdirSync(join(unlisted, 'stores')))
    rmSync(join(unlisted, 'stores', store, 'listing.json'), { force: true });
}

interface Case {
  name: string;
  args: string[];
  /** the exit code it must end with (a usage error exits 2); -1: any */
  exit: number;
}
const commands = (entry: string, label: string): Case[] => {
  const cli = (name: string, args: string[], exit = 0): Case => ({
    name: `${label}${name}`,
    args: [entry, '--home', home, ...args],
    exit,
  });
  return [
    cli('layerlab --help', ['--help']),
    // a build from before --version existed refuses it as a usage error
    cli('layerlab --version', ['--version'], entry === bin ? 0 : -1),
    cli('layerlab results', ['results']),
    cli(`layerlab store ls${values.quick ? ' (no stores)' : ' (1 store)'}`, ['store', 'ls']),
    ...(values.quick
      ? []
      : [
          {
            name: `${label}layerlab store ls (1 store, no listing)`,
            args: [entry, '--home', unlisted, 'store', 'ls'],
            exit: 0,
          },
          // an action the front hands over to the full CLI (it reads LMDB): what the front costs it
          cli('layerlab store info (LMDB, handed over)', [
            'store',
            'info',
            readdirSync(join(home, 'stores'))[0]!,
          ]),
        ]),
    cli('layerlab extract (usage error)', ['extract'], 2),
    cli('layerlab train --epochs 0 (usage error)', ['train', '--store', home, '--epochs', '0'], 2),
  ];
};
const cases: Case[] = [
  { name: 'node -e 0', args: ['-e', '0'], exit: 0 },
  ...commands(bin, ''),
  ...(values.baseline ? commands(values.baseline, 'baseline: ') : []),
];

function timeOnce(c: Case): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, c.args, { stdio: 'ignore', env: { ...process.env, CI: '1' } });
  const ms = performance.now() - started;
  if (c.exit >= 0 && run.status !== c.exit)
    throw new Error(`${c.name}: exit ${run.status}, expected ${c.exit}`);
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
rmSync(unlisted, { recursive: true, force: true });

const baseline = median(samples[0]!);
const rows = cases.map((c, i) => {
  const ms = median(samples[i]!);
  return {
    command: c.name,
    medianMs: round(ms, 1),
    minMs: round(Math.min(...samples[i]!), 1),
    ratio: round(ms / baseline, 2),
    withinTarget: c.name === 'node -e 0' || c.name.startsWith('baseline') ? true : ms <= TARGET_MS,
  };
});

console.log(`start-up, ${runs} runs each, interleaved; median and min wall time of the whole process\n`);
console.log(
  `${'command'.padEnd(52)} ${'median ms'.padStart(10)} ${'min ms'.padStart(8)} ${'ratio'.padStart(7)}`,
);
for (const r of rows)
  console.log(
    `${r.command.padEnd(52)} ${r.medianMs.toFixed(1).padStart(10)} ${r.minMs.toFixed(1).padStart(8)} ${r.ratio.toFixed(2).padStart(7)}${r.withinTarget ? '' : `  (over ${TARGET_MS} ms)`}`,
  );
console.log('');
recordResult('startup', { runs, quick: values.quick, targetMs: `≤ ${TARGET_MS} ms`, commands: rows });
