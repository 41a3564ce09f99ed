/**
 * Where a MOP epoch's time goes (issue 12, item 14): one training job with N workers, its units laid
 * on a per-worker timeline from the run's own events (a unit ends when its outcome reaches the
 * coordinator and began `seconds` earlier on its worker). Per epoch it prints the wall time, each
 * worker's compute (sum of its units' own seconds), the idle time between and after its units, the
 * time from the last unit to the epoch event (validation and the boundary's writes), and a text chart.
 * Fractions of the steady epochs (after the first) are recorded in bench/results/mop-timeline.json.
 * Run: npm run build && node dist/bench/mop-timeline.js [--layers 1,8] [--workers 2] [--epochs 3]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { train } from '../src/train/mop/train.js';
import { createBenchStore, linearHeads, recordResult } from './train-bench-store.js';
import { round } from './train-timing.js';

const { values } = parseArgs({
  options: {
    layers: { type: 'string', default: '1,8' },
    workers: { type: 'string', default: '2' },
    epochs: { type: 'string', default: '3' },
    records: { type: 'string', default: '20000' },
    heads: { type: 'string', default: '8' },
  },
});
const WORKERS = Number(values.workers);
const EPOCHS = Number(values.epochs);

interface Span {
  epoch: number;
  group: number;
  shard: number;
  worker: number;
  start: number;
  end: number;
}

/** The main thread's own CPU seconds so far (Linux: its task's utime + stime, in clock ticks). */
function mainThreadCpu(): number {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** One run's units per worker, epoch ends and the coordinator's CPU at each epoch end (ms from train.start). */
async function timeline(layers: number) {
  const store = createBenchStore({ records: Number(values.records), dims: 512, classes: 10, sets: layers });
  const runDir = mkdtempSync(join(tmpdir(), 'layerlab-bench-timeline-'));
  const spans: Span[] = [];
  const epochEnds: number[] = [0];
  const mainCpu: number[] = [];
  let t0 = 0;
  try {
    await train(
      {
        storeDir: store.dir,
        featureSets: store.featureSets,
        heads: linearHeads(Number(values.heads), 256),
        epochs: EPOCHS,
        workers: WORKERS,
        seed: 1,
      },
      {
        runDir,
        sink: (event) => {
          const now = performance.now();
          if (event.type === 'train.start') [t0, mainCpu[0]] = [now, mainThreadCpu()];
          if (event.type === 'train.unit')
            spans.push({ ...event, start: now - event.seconds * 1000 - t0, end: now - t0 });
          if (event.type === 'train.epoch') {
            epochEnds[event.epoch] = now - t0;
            mainCpu[event.epoch] = mainThreadCpu();
          }
        },
      },
    );
  } finally {
    rmSync(runDir, { recursive: true, force: true });
    store.remove();
  }
  return { spans, epochEnds, mainCpu };
}

const ms = (x: number) => `${x.toFixed(0)} ms`;
const results = [];
console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (cores: ${availableParallelism()})`,
);
for (const layers of values.layers.split(',').map(Number)) {
  console.log(`\n${layers} layer(s) × ${values.heads} heads, ${WORKERS} workers`);
  const { spans, epochEnds, mainCpu } = await timeline(layers);
  // steady epochs (after the first): where the wall time went, summed
  const steady = {
    wall: 0,
    units: 0,
    validation: 0,
    compute: 0,
    betweenUnits: 0,
    tail: 0,
    coordinatorCpu: 0,
    barrier: 0,
    boundaries: [] as number[],
  };
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    const units = spans.filter((s) => s.epoch === epoch);
    const begin = epochEnds[epoch - 1]!;
    const end = epochEnds[epoch]!;
    const lastUnit = Math.max(...units.map((u) => u.end));
    const cpu = (mainCpu[epoch]! - mainCpu[epoch - 1]!) * 1000;
    // the epoch barrier as the workers see it: no unit runs from the previous epoch's last unit to
    // this epoch's first (the last group's validation, the boundary, planning, the first hop)
    const previous = spans.filter((s) => s.epoch === epoch - 1);
    const barrier =
      previous.length > 0
        ? Math.min(...units.map((u) => u.start)) - Math.max(...previous.map((u) => u.end))
        : Number.NaN;
    // of which the coordinator's part after the last validation: from the previous epoch's event
    // (validation in, results recorded) to this epoch's first unit starting (the boundary, the
    // grouping and planning, the first hop)
    const boundary = epoch > 1 ? Math.min(...units.map((u) => u.start)) - begin : Number.NaN;
    console.log(
      `epoch ${epoch}: ${ms(end - begin)} (units ${ms(lastUnit - begin)}, then validation and boundary ${ms(end - lastUnit)}); ` +
        `the coordinator's own CPU ${ms(cpu)}` +
        (Number.isNaN(barrier)
          ? ''
          : `; no unit ran for ${ms(barrier)} between the epochs, ${boundary.toFixed(1)} ms of it after the last epoch's event`),
    );
    const width = 80;
    const scale = width / (end - begin);
    for (let w = 0; w < WORKERS; w++) {
      const mine = units.filter((u) => u.worker === w).sort((a, b) => a.start - b.start);
      const busy = mine.reduce((n, u) => n + u.end - u.start, 0);
      const gaps = mine.map((u, i) => u.start - (i === 0 ? begin : mine[i - 1]!.end));
      const after = lastUnit - (mine.at(-1)?.end ?? begin);
      console.log(
        `  worker ${w}: ${mine.length} units, compute ${ms(busy)} (${((busy / (lastUnit - begin)) * 100).toFixed(0)}% of the units' span), ` +
          `gaps before its units ${gaps.map((g) => g.toFixed(0)).join(' ')} ms, idle after ${ms(after)}`,
      );
      const line = Array.from({ length: width }, () => '.');
      for (const u of mine)
        for (let c = Math.floor((u.start - begin) * scale); c < Math.ceil((u.end - begin) * scale); c++)
          if (c >= 0 && c < width) line[c] = String.fromCharCode(65 + (u.group % 26));
      console.log(`    |${line.join('')}|`);
      if (epoch > 1) {
        steady.compute += busy / WORKERS;
        steady.betweenUnits += gaps.reduce((a, b) => a + b, 0) / WORKERS;
        steady.tail += after / WORKERS;
      }
    }
    if (epoch > 1) {
      steady.wall += end - begin;
      steady.units += lastUnit - begin;
      steady.validation += end - lastUnit;
      steady.coordinatorCpu += cpu;
      steady.barrier += barrier;
      steady.boundaries.push(boundary);
    }
  }
  const share = (x: number) => round(x / steady.wall, 3);
  const result = {
    layers,
    workers: WORKERS,
    steadyMs: Math.round(steady.wall),
    // per worker, mean over workers: fractions of the steady epochs' wall time
    computeFraction: share(steady.compute),
    beforeUnitsFraction: share(steady.betweenUnits),
    idleAfterLastUnitFraction: share(steady.tail),
    validationAndBoundaryFraction: share(steady.validation),
    coordinatorCpuFraction: share(steady.coordinatorCpu),
    // from each steady epoch's first unit back to the previous epoch's last: no worker trained
    barrierFraction: share(steady.barrier),
    // the median over steady epochs of the time from an epoch's event to the next one's first unit
    boundaryMedianMs: round(
      [...steady.boundaries].sort((a, b) => a - b)[Math.floor(steady.boundaries.length / 2)]!,
    ),
  };
  results.push(result);
  console.log(
    `steady epochs: workers compute ${(result.computeFraction * 100).toFixed(1)}% of the wall time; waiting before ` +
      `their units (dispatch, state transfer, epoch start, a group still on the other worker) ` +
      `${(result.beforeUnitsFraction * 100).toFixed(1)}%, idle after their last unit ` +
      `${(result.idleAfterLastUnitFraction * 100).toFixed(1)}%, validation and boundary ` +
      `${(result.validationAndBoundaryFraction * 100).toFixed(1)}%; the coordinator's CPU ` +
      `${(result.coordinatorCpuFraction * 100).toFixed(1)}% of one core; between epochs no unit ran for ` +
      `${(result.barrierFraction * 100).toFixed(1)}% (from an epoch's event to the next epoch's first unit: ` +
      `median ${result.boundaryMedianMs.toFixed(1)} ms)`,
  );
}
recordResult('mop-timeline', {
  machine: { cores: availableParallelism(), loadAverage: loadavg() },
  setup: { records: Number(values.records), dims: 512, heads: Number(values.heads), epochs: EPOCHS },
  layers: results,
});
