import { FeatureStore } from '../store/feature-store.js';
import { shardRows } from './host-shards.js';
import { shardDirIn } from './shard-dir.js';
import type { ShardMoments, ShardStatsJob, ShardSummary } from './train-jobs.js';
import { f64FromWire, f64ToWire } from './wire.js';
import type { TrainRows } from '../train/worker/worker-protocol.js';

/**
 * `shard-stats` on this host's shard (run in a worker thread, shard-stats-thread.ts). The
 * standardization passes mirror computeStandardization (train/heads/standardization.ts) on the
 * shard's rows.
 */
export function shardStatsHere(
  job: ShardStatsJob,
  home: string,
  rows: TrainRowsCache = new TrainRowsCache(),
): ShardSummary | ShardMoments {
  const store = FeatureStore.open(shardDirIn(home, job.store, job.shard), { write: false });
  try {
    if (job.pass === 'summary') return summary(store, job.shard, job.keys);
    return moments(store, job, rows);
  } finally {
    store.close();
  }
}

/**
 * A shard's train rows per feature set, as the `mean` pass read them, kept for the `variance` pass
 * of the same session (the same keys, so the same rows): the two passes then read the store once,
 * as computeStandardization does on one host. Handed over once the variance pass took them
 * (`handOver`): the session's shard worker starts from them instead of reading them a third time.
 */
export class TrainRowsCache {
  private readonly rows = new Map<string, Float32Array>();

  read(store: FeatureStore, keys: readonly string[], key: string, train: Int32Array): Float32Array {
    const id = `${keys.join(',')}|${key}`;
    return this.rows.get(id) ?? store.readRows(key, train);
  }

  keep(keys: readonly string[], key: string, x: Float32Array): void {
    this.rows.set(`${keys.join(',')}|${key}`, x);
  }

  clear(): void {
    this.rows.clear();
  }

  /** The rows kept, as the feature sets' train rows of one run (`keys`), emptying the cache. */
  handOver(keys: readonly string[]): TrainRows[] {
    const prefix = `${keys.join(',')}|`;
    const rows = [...this.rows]
      .filter(([id]) => id.startsWith(prefix))
      .map(([id, values]) => ({ key: id.slice(prefix.length), values }));
    this.rows.clear();
    return rows;
  }
}

/** `keys`: the feature sets a run reads (rows they all cover count); default every complete set */
function summary(store: FeatureStore, shard: number, keys?: string[]): ShardSummary {
  const manifest = store.manifest();
  const featureSets = store.featureSets();
  const { labels } = store.records();
  const rows = shardRows(store, keys ?? featureSets.filter((s) => s.complete).map((s) => s.key));
  const trainLabels: number[] = [];
  for (const r of rows.train) trainLabels[labels[r]!] = (trainLabels[labels[r]!] ?? 0) + 1;
  return {
    shard,
    classNames: manifest?.dataset.classNames ?? [],
    model: manifest?.model.ref ?? '',
    data: manifest?.dataset.ref ?? '',
    maxLabel: labels.reduce((m, l) => Math.max(m, l), 0),
    counts: { train: rows.train.length, val: rows.val.length, test: rows.test.length },
    trainLabels: Array.from(trainLabels, (n) => n ?? 0),
    featureSets,
    ...(manifest ? { manifest } : {}),
  };
}

function moments(store: FeatureStore, job: ShardStatsJob, cache: TrainRowsCache): ShardMoments {
  const keys = job.keys ?? [];
  const n = Math.max(1, job.n ?? 1);
  const { train } = shardRows(store, keys);
  const sums = keys.map((key, i) => {
    const dims = store.featureSet(key)?.dims ?? 0;
    const x = cache.read(store, keys, key, train);
    if (job.pass === 'mean') cache.keep(keys, key, x);
    const sum = new Float64Array(dims);
    if (job.pass === 'mean') {
      for (let r = 0; r < train.length; r++)
        for (let d = 0; d < dims; d++) sum[d] = sum[d]! + x[r * dims + d]! / n;
    } else {
      const mean = f64FromWire(job.means![i]!);
      for (let r = 0; r < train.length; r++)
        for (let d = 0; d < dims; d++) {
          const centered = x[r * dims + d]! - mean[d]!;
          sum[d] = sum[d]! + (centered * centered) / n;
        }
    }
    return f64ToWire(sum);
  });
  return sums;
}
