/**
 * Triage's per-row arithmetic, before and after the blocked kernels (issue 17's fixed-cost gap): the
 * Gram update Σ z zᵀ (`addRows`, also the ridge head's) and the random projection (`projectRows`),
 * each against the row-by-row loop it replaced, kept here as the reference. Both must give the same
 * bits (the blocked forms add the same products in the same order); the ratio is the speed-up on one
 * 2,048-row chunk, the size triage reads at a time, best of several repetitions in one run.
 *
 *   npm run build && node dist/bench/triage-kernels.js [--quick]
 */
import { parseArgs } from 'node:util';
import { Rng } from '../src/core/random.js';
import { addRows, emptyMoments, type Moments } from '../src/triage/moments.js';
import { projectRows, randomProjection, type Projection } from '../src/triage/project.js';
import { CHUNK_ROWS } from '../src/triage/read-moments.js';
import { writeResults } from './harness/results-file.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const quick = values.quick;
const repetitions = quick ? 3 : 8;

/** The row-by-row Gram update triage used before (upper triangle; sums and class sums as addRows). */
function referenceAddRows(m: Moments, z: Float64Array, y: ArrayLike<number>, count: number): void {
  const d = m.dims;
  for (let r = 0; r < count; r++) {
    const base = r * d;
    const label = y[r]!;
    let norm2 = 0;
    for (let i = 0; i < d; i++) {
      const zi = z[base + i]!;
      if (zi === 0) continue;
      norm2 += zi * zi;
      m.sum[i] = m.sum[i]! + zi;
      m.classSums[label * d + i] = m.classSums[label * d + i]! + zi;
      const row = i * d;
      for (let j = i; j < d; j++) m.gram[row + j] = m.gram[row + j]! + zi * z[base + j]!;
    }
    m.fourth += norm2 * norm2;
    m.classCounts[label] = m.classCounts[label]! + 1;
    m.count++;
  }
}

/** The row-times-matrix projection triage used before, accumulating into the output row. */
function referenceProject(p: Projection, x: Float64Array, count: number): Float64Array {
  const out = new Float64Array(count * p.to);
  for (let r = 0; r < count; r++) {
    const at = r * p.to;
    for (let i = 0; i < p.from; i++) {
      const xi = x[r * p.from + i]!;
      if (xi === 0) continue;
      const row = i * p.to;
      for (let j = 0; j < p.to; j++) out[at + j] = out[at + j]! + xi * p.matrix![row + j]!;
    }
  }
  return out;
}

/** Best-of-N milliseconds of `work`. */
function best(work: () => void): number {
  let fastest = Infinity;
  for (let k = 0; k < repetitions; k++) {
    const started = performance.now();
    work();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

const same = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => v === b[i]);

const rng = Rng.derive(1, 'bench/triage-kernels');
const rows = CHUNK_ROWS;
const classes = 10;
const labels = Int32Array.from({ length: rows }, (_, i) => i % classes);
const cases = (
  quick
    ? [[256, 128]]
    : [
        [64, 64],
        [128, 128],
        [256, 128],
        [512, 128],
        [768, 128],
      ]
) as [number, number][];
const results = cases.map(([width, dims]) => {
  const x = Float64Array.from({ length: rows * width }, () => rng.normal());
  const projection = randomProjection(width, dims, 1);
  const z = projection.matrix ? projectRows(projection, x, rows) : x;
  const projectionBits = !projection.matrix || same(referenceProject(projection, x, rows), z);
  const before = emptyMoments(dims, classes, false);
  const after = emptyMoments(dims, classes, false);
  referenceAddRows(before, z, labels, rows);
  addRows(after, z, labels, rows);
  const gramBits =
    same(before.gram, after.gram) &&
    same(before.classSums, after.classSums) &&
    before.fourth === after.fourth;
  const gramReference = best(() => referenceAddRows(emptyMoments(dims, classes, false), z, labels, rows));
  const gramBlocked = best(() => addRows(emptyMoments(dims, classes, false), z, labels, rows));
  const projected = projection.matrix
    ? {
        referenceMs: best(() => referenceProject(projection, x, rows)),
        blockedMs: best(() => projectRows(projection, x, rows)),
      }
    : undefined;
  return {
    width,
    dims,
    rows,
    identicalBits: projectionBits && gramBits,
    gram: { referenceMs: gramReference, blockedMs: gramBlocked, speedupRatio: gramReference / gramBlocked },
    ...(projected
      ? { projection: { ...projected, speedupRatio: projected.referenceMs / projected.blockedMs } }
      : {}),
  };
});

console.log(`one chunk of ${rows} rows, best of ${repetitions}; reference = the row-by-row loop`);
console.log(
  'width → dims   Gram ref ms  blocked ms  speed-up   projection ref ms  blocked ms  speed-up   same bits',
);
for (const r of results)
  console.log(
    `${`${r.width} → ${r.dims}`.padEnd(13)}${r.gram.referenceMs.toFixed(1).padStart(12)}${r.gram.blockedMs.toFixed(1).padStart(12)}${`${r.gram.speedupRatio.toFixed(2)}×`.padStart(10)}   ${
      r.projection
        ? `${r.projection.referenceMs.toFixed(1).padStart(17)}${r.projection.blockedMs.toFixed(1).padStart(12)}${`${r.projection.speedupRatio.toFixed(2)}×`.padStart(10)}`
        : '                (no projection)     '
    }   ${r.identicalBits ? 'yes' : 'NO'}`,
  );
const path = writeResults('triage-kernels', quick, { repetitions, results });
console.log(`written to ${path}`);
if (results.some((r) => !r.identicalBits)) {
  console.error('a blocked kernel changed the bits of its result');
  process.exitCode = 1;
}
