import { badData, configError } from '../core/errors.js';
import type { PreparedRun } from '../train/mop/prepare-run.js';
import type { ResolvedTrainJob } from '../train/mop/resolve-job.js';
import type { ClusterSession } from './cluster-session.js';
import type { HostRecord } from './host-record.js';
import type { ShardMoments, ShardStatsJob, ShardSummary, TrainSessionSpec } from './train-jobs.js';
import { f32ToWire, f64FromWire, f64ToWire } from './wire.js';

/** How many shards a cluster store has, as the hosts holding them report (`STORE#K`). */
export function clusterShardCount(hosts: readonly HostRecord[], store: string): number {
  let count = 0;
  for (const host of hosts)
    for (const held of host.shards) {
      const [name, shard] = held.split('#');
      if (name === store) count = Math.max(count, Number(shard) + 1);
    }
  return count;
}

const stats = (
  session: ClusterSession,
  shard: number,
  job: Omit<ShardStatsJob, 'session' | 'job' | 'shard' | 'store'>,
) =>
  session.callShard(shard, 'shard-stats', (id): ShardStatsJob => ({
    session: session.id,
    job: id,
    shard,
    store: session.store,
    ...job,
  }));

/** Every shard's summary, in shard order. */
export function shardSummaries(
  session: ClusterSession,
  shards: number,
  keys?: string[],
): Promise<ShardSummary[]> {
  return Promise.all(
    Array.from(
      { length: shards },
      (_, shard) =>
        stats(session, shard, { pass: 'summary', ...(keys ? { keys } : {}) }) as Promise<ShardSummary>,
    ),
  );
}

/** Σ over shards (in shard order) of each shard's partial sums, per feature set. */
async function sumMoments(
  session: ClusterSession,
  shards: number,
  job: Omit<ShardStatsJob, 'session' | 'job' | 'shard' | 'store'>,
  dims: readonly number[],
): Promise<Float64Array[]> {
  const parts = (await Promise.all(
    Array.from({ length: shards }, (_, shard) => stats(session, shard, job)),
  )) as ShardMoments[];
  return dims.map((d, i) => {
    const total = new Float64Array(d);
    for (const part of parts) {
      const values = f64FromWire(part[i]!);
      for (let k = 0; k < d; k++) total[k] = total[k]! + values[k]!;
    }
    return total;
  });
}

/**
 * What `prepareRun` reads from a local store, computed by the hosts where the shards are (no feature
 * row leaves its host): splits' sizes, classes, balanced class weights from per-shard label counts
 * (integers: exact), and the train-split standardization in two passes of per-shard float64 partial
 * sums (x/n, then (x − mean)²/n, the arithmetic of computeStandardization). The sums add in shard
 * order rather than record order, which can move the float64 accumulators by an ulp or so; they are
 * rounded to float32, where that changes a bit only for a sum within about 2⁻²⁹ of a float32
 * rounding boundary, so the statistics equal the one-host run's bit for bit in practice.
 * `rows` holds positions 0…n−1 per split, not record indices: the records live on the hosts.
 */
export async function prepareCluster(
  session: ClusterSession,
  job: ResolvedTrainJob,
  shards: number,
): Promise<{
  prepared: PreparedRun;
  shardRows: number[];
  spec: TrainSessionSpec;
  /** shard 0's summary and the class names the run uses, for the run folder's cluster-store.json */
  first: ShardSummary;
  classNames: string[];
}> {
  const keys = job.featureSets.map((s) => s.key);
  const summaries = await shardSummaries(session, shards, keys);
  for (const summary of summaries)
    for (const { key, layer } of job.featureSets)
      if (!summary.featureSets.find((s) => s.key === key)?.complete)
        throw configError(
          `shard ${summary.shard} of ${session.store} has no complete feature set ${layer}; extract it with \`layerlab extract --cluster\``,
        );
  const sum = (pick: (s: ShardSummary) => number) => summaries.reduce((n, s) => n + pick(s), 0);
  const counts = {
    train: sum((s) => s.counts.train),
    val: sum((s) => s.counts.val),
    test: sum((s) => s.counts.test),
  };
  if (counts.train < 2)
    throw badData(
      `the cluster store ${session.store} has ${counts.train} train records; training needs at least two, of two or more classes`,
    );
  if (counts.val === 0)
    throw badData(
      `the cluster store ${session.store} has no validation records; re-extract it with a validation split`,
    );
  if (summaries.some((s) => s.counts.train === 0))
    throw configError(`a shard of ${session.store} holds no train records; extract it with fewer --shards`);
  const classNames = summaries.reduce<string[]>(
    (a, s) => (s.classNames.length > a.length ? s.classNames : a),
    [],
  );
  const maxLabel = Math.max(...summaries.map((s) => s.maxLabel));
  const classes = Math.max(classNames.length, maxLabel + 1, 2);
  const labelCounts = new Float64Array(classes);
  for (const s of summaries)
    s.trainLabels.forEach((n, label) => (labelCounts[label] = labelCounts[label]! + n));
  if (labelCounts.filter((n) => n > 0).length < 2)
    throw badData(
      `the train split of ${session.store} holds only one class; a classifier needs at least two`,
    );
  // balancedClassWeights' formula, from counts rather than the label list
  const balancedWeights = Float32Array.from(labelCounts, (n) => (n > 0 ? counts.train / (classes * n) : 1));

  const dims = job.featureSets.map(({ key }) => summaries[0]!.featureSets.find((s) => s.key === key)!.dims);
  const mean64 = await sumMoments(session, shards, { pass: 'mean', keys, n: counts.train }, dims);
  const variance = await sumMoments(
    session,
    shards,
    { pass: 'variance', keys, n: counts.train, means: mean64.map(f64ToWire) },
    dims,
  );
  const featureSets = job.featureSets.map(({ key, layer }, i) => ({
    key,
    layer,
    dims: dims[i]!,
    standardization: {
      mean: Float32Array.from(mean64[i]!),
      std: Float32Array.from(variance[i]!, (v) => (v > 1e-12 ? Math.sqrt(v) : 1)),
    },
  }));
  const positions = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
  return {
    prepared: {
      classes,
      balancedWeights,
      rows: { train: positions(counts.train), val: positions(counts.val), test: positions(counts.test) },
      // record ids cut a local store's train split into shards; a cluster store is cut already
      ids: [],
      featureSets,
    },
    shardRows: summaries.map((s) => s.counts.train),
    first: summaries[0]!,
    classNames,
    spec: {
      store: session.store,
      seed: job.seed,
      classes,
      featureSets: featureSets.map((s) => ({
        key: s.key,
        dims: s.dims,
        mean: f32ToWire(s.standardization.mean),
        std: f32ToWire(s.standardization.std),
      })),
    },
  };
}
