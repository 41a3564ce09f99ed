import type { FeatureStore } from '../store/feature-store.js';
import { addCounts, addGrams, emptyMoments, type Moments } from './moments.js';
import { passKernel, type PassKernel } from './pass-kernel.js';
import { projectRows, type Projection } from './project.js';
import { CHUNK_ROWS, type Scaling, type ScalingSums } from './read-moments.js';

/**
 * A part's rows in runs that one stored batch holds: `[batch, from, to)` positions of `rows`. The
 * passes take the rows in the order given (a split's rows ascend, so each batch is one run and is
 * read once), which is the order their sums are added in.
 */
function* byBatch(rows: Int32Array, batchSize: number): Generator<[number, number, number]> {
  for (let from = 0; from < rows.length;) {
    const batch = Math.floor(rows[from]! / batchSize);
    let to = from + 1;
    while (to < rows.length && Math.floor(rows[to]! / batchSize) === batch) to++;
    yield [batch, from, to];
    from = to;
  }
}

/**
 * The kernel's memory cut into regions for one pass (byte offsets, 8-aligned), grown to fit before
 * any view is made: growing the memory detaches the views made before.
 */
class Regions {
  private end = 0;
  constructor(private readonly kernel: PassKernel) {}

  take(values: number, bytesPerValue: 4 | 8): number {
    const at = Math.ceil(this.end / 8) * 8;
    this.end = at + values * bytesPerValue;
    return at;
  }

  /** grows the memory to hold every region taken; views are safe to make after this */
  ready(): ArrayBuffer {
    const short = this.end - this.kernel.memory.buffer.byteLength;
    if (short > 0) this.kernel.memory.grow(Math.ceil(short / 65_536));
    return this.kernel.memory.buffer;
  }
}

/** The batch region and the picked rows' index region every pass starts with. */
function batchRegions(regions: Regions, batchSize: number, dims: number) {
  return { x: regions.take(batchSize * dims, 4), picked: regions.take(batchSize, 4) };
}

/**
 * The scaling pass over one part: per feature Σ (x − shift) and Σ (x − shift)², in float64, the
 * rows in order. Each batch holding part rows is read once, whole, into the kernel's memory.
 */
export function partScalingSums(
  store: FeatureStore,
  key: string,
  rows: Int32Array,
  shift: Float64Array,
): ScalingSums {
  const { dims, batchSize } = manifestOf(store, key);
  const kernel = passKernel();
  const regions = new Regions(kernel);
  const { x, picked } = batchRegions(regions, batchSize, dims);
  const [shiftAt, sumAt, squaresAt] = [0, 1, 2].map(() => regions.take(dims, 8)) as [number, number, number];
  const buffer = regions.ready();
  const batchView = new Float32Array(buffer, x, batchSize * dims);
  const pickedView = new Int32Array(buffer, picked, batchSize);
  new Float64Array(buffer, shiftAt, dims).set(shift);
  new Float64Array(buffer, sumAt, 2 * dims).fill(0);
  for (const [batch, from, to] of byBatch(rows, batchSize)) {
    store.readBatchInto(key, batch, batchView);
    for (let p = from; p < to; p++) pickedView[p - from] = rows[p]! - batch * batchSize;
    kernel.sums(x, picked, to - from, dims, shiftAt, sumAt, squaresAt);
  }
  return {
    sum: new Float64Array(buffer, sumAt, dims).slice(),
    squares: new Float64Array(buffer, squaresAt, dims).slice(),
  };
}

/**
 * The moments pass over one part: its rows scaled, projected and added to fresh moments with their
 * labels, CHUNK_ROWS at a time. Unfinished (upper triangles only): parts are added up first
 * (`addMoments`), then finished.
 */
export function partMoments(
  store: FeatureStore,
  key: string,
  rows: Int32Array,
  labels: ArrayLike<number>,
  classes: number,
  transform: { scaling: Scaling; projection: Projection },
  withClassGrams: boolean,
): Moments {
  const { dims, batchSize } = manifestOf(store, key);
  const { projection, scaling } = transform;
  const to = projection.to;
  const kernel = passKernel();
  const regions = new Regions(kernel);
  const { x, picked } = batchRegions(regions, batchSize, dims);
  const [meanAt, stdAt] = [regions.take(dims, 8), regions.take(dims, 8)];
  const scaledAt = regions.take(CHUNK_ROWS * dims, 8);
  const projectedAt = projection.matrix ? regions.take(CHUNK_ROWS * to, 8) : scaledAt;
  const labelsAt = regions.take(CHUNK_ROWS, 4);
  const [sumAt, classSumsAt, fourthAt] = [
    regions.take(to, 8),
    regions.take(classes * to, 8),
    regions.take(1, 8),
  ];
  const buffer = regions.ready();
  const batchView = new Float32Array(buffer, x, batchSize * dims);
  const pickedView = new Int32Array(buffer, picked, batchSize);
  new Float64Array(buffer, meanAt, dims).set(scaling.mean);
  new Float64Array(buffer, stdAt, dims).set(scaling.std);
  const scaled = new Float64Array(buffer, scaledAt, CHUNK_ROWS * dims);
  const projected = new Float64Array(buffer, projectedAt, CHUNK_ROWS * to);
  const chunkLabels = new Int32Array(buffer, labelsAt, CHUNK_ROWS);
  new Float64Array(buffer, sumAt, to + classes * to + 1).fill(0);

  const m = emptyMoments(to, classes, withClassGrams);
  let filled = 0;
  const addChunk = () => {
    if (projection.matrix) projectRows(projection, scaled, filled, projected);
    addGrams(m, projected, chunkLabels, filled);
    kernel.rowSums(projectedAt, labelsAt, filled, to, sumAt, classSumsAt, fourthAt);
    addCounts(m, chunkLabels, filled);
    filled = 0;
  };
  for (const [batch, from, end] of byBatch(rows, batchSize)) {
    store.readBatchInto(key, batch, batchView);
    for (let start = from; start < end;) {
      const count = Math.min(end - start, CHUNK_ROWS - filled);
      for (let p = 0; p < count; p++) {
        const row = rows[start + p]!;
        pickedView[p] = row - batch * batchSize;
        chunkLabels[filled + p] = labels[row]!;
      }
      kernel.scale(x, picked, count, dims, meanAt, stdAt, scaledAt + filled * dims * 8);
      filled += count;
      start += count;
      if (filled === CHUNK_ROWS) addChunk();
    }
  }
  if (filled > 0) addChunk();
  m.sum.set(new Float64Array(buffer, sumAt, to));
  m.classSums.set(new Float64Array(buffer, classSumsAt, classes * to));
  m.fourth = new Float64Array(buffer, fourthAt, 1)[0]!;
  return m;
}

function manifestOf(store: FeatureStore, key: string): { dims: number; batchSize: number } {
  const manifest = store.featureSet(key);
  if (!manifest) throw new Error(`triage: no feature set ${key} in the store`);
  return { dims: manifest.dims, batchSize: manifest.batchSize };
}
