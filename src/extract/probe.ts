import type { Backbone, PreprocessSpec } from '../backbone/backbone.js';
import type { Pooling } from '../backbone/capture-point.js';
import { readIndices, type DataSource, type ReadOptions } from '../data/data-source.js';
import type { PlanTiming } from './plan.js';
import type { WantedSet } from './wanted-sets.js';

/** Records timed by the probe: enough to amortize per-call overhead, few enough to be instant. */
const PROBE_RECORDS = 64;
/** Store throughput assumed for forecasts (a conservative local SSD figure; LMDB appends sequentially). */
const STORE_BYTES_PER_SECOND = 200e6;

/**
 * Batch-time estimates for the planner's time forecast: reads and decodes a few records, then runs
 * them through one capture of the sets: a first run warms ORT up, the faster of two more is kept.
 * A probe batch smaller than the planned one overstates per-record cost a little: the safe side.
 */
export async function probeTiming(options: {
  backbone: Backbone;
  dataset: DataSource;
  sets: readonly WantedSet[];
  pooling: Pooling;
  preprocess: PreprocessSpec;
  threads: number;
  read: ReadOptions;
}): Promise<PlanTiming> {
  const count = Math.min(PROBE_RECORDS, options.dataset.size);
  const indices = Array.from({ length: count }, (_, i) => i);
  await readIndices(options.dataset, indices.slice(0, 2), options.read); // warms the reader up
  const t0 = performance.now();
  const records = await readIndices(options.dataset, indices, options.read);
  const decoded = performance.now();
  const session = await options.backbone.openCapture(
    options.sets.map((s) => s.point),
    options.pooling,
    { threads: options.threads, preprocess: options.preprocess },
  );
  try {
    await session.run(records); // ORT sizes its arena for the batch shape on the first run
    let best = Infinity;
    for (let run = 0; run < 2; run++) {
      const t1 = performance.now();
      await session.run(records);
      best = Math.min(best, performance.now() - t1);
    }
    return {
      decodeSecondsPerRecord: (decoded - t0) / 1000 / Math.max(count, 1),
      modelSecondsPerRecord: best / 1000 / Math.max(count, 1),
      storeBytesPerSecond: STORE_BYTES_PER_SECOND,
    };
  } finally {
    await session.release();
  }
}
