import { FeatureStore } from '../../store/feature-store.js';
import type { ShardLayout, TrainRows } from './worker-protocol.js';

/** One feature set's rows of a shard as stored, per split. */
export interface RawSplits {
  train: Float32Array;
  val: Float32Array;
  test: Float32Array;
}

/**
 * A shard's rows as stored, before the train split's standardization is known, and the labels of
 * every record. Its train rows travel to the trainer and back (`lendTrainRows`, `takeTrainRows`):
 * the trainer computes the standardization from every worker's train rows without reading the store
 * a second time, and nothing is copied (ONNX Runtime refuses shared memory, so they are moved).
 */
export interface RawShard {
  layout: ShardLayout;
  labels: Int32Array;
  sets: Map<string, RawSplits>;
}

/**
 * Reads a shard's rows; train rows of a feature set given in `train` (read already, by a cluster
 * host's statistics pass) are taken as they are, when they are the right size.
 */
export function readRawShard(layout: ShardLayout, train: readonly TrainRows[] = []): RawShard {
  const store = FeatureStore.open(layout.storeDir, { write: false });
  try {
    const { labels } = store.records();
    const sets = new Map<string, RawSplits>();
    for (const { key, dims } of layout.featureSets) {
      const given = train.find((t) => t.key === key)?.values;
      sets.set(key, {
        train:
          given?.length === layout.rows.train.length * dims ? given : store.readRows(key, layout.rows.train),
        val: store.readRows(key, layout.rows.val),
        test: store.readRows(key, layout.rows.test),
      });
    }
    return { layout, labels, sets };
  } finally {
    store.close();
  }
}

/** The train rows to move to the trainer (`trainRowBuffers` to transfer). */
export function lendTrainRows(raw: RawShard): TrainRows[] {
  return [...raw.sets].map(([key, splits]) => ({ key, values: splits.train }));
}

/** Puts train rows moved back from the trainer in place of the ones lent. */
export function takeTrainRows(raw: RawShard, train: readonly TrainRows[]): void {
  for (const { key, values } of train) {
    const splits = raw.sets.get(key);
    if (!splits) throw new Error(`shard ${raw.layout.shard} did not read feature set ${key}`);
    splits.train = values;
  }
}
