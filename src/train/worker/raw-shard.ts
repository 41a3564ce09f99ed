import { FeatureStore } from '../../store/feature-store.js';
import type { ShardLayout, SharedTrainRows } from './worker-protocol.js';

/** One feature set's rows of a shard as stored, per split. */
export interface RawSplits {
  train: Float32Array;
  val: Float32Array;
  test: Float32Array;
}

/**
 * A shard's rows as stored, before the train split's standardization is known, and the labels of
 * every record. With `shareTrain`, the train rows sit on shared memory, so the trainer computes the
 * standardization from every worker's train rows (`standardizationFromShards`) without reading the
 * store a second time.
 */
export interface RawShard {
  layout: ShardLayout;
  labels: Int32Array;
  sets: Map<string, RawSplits>;
  shared: boolean;
}

export function readRawShard(layout: ShardLayout, shareTrain: boolean): RawShard {
  const store = FeatureStore.open(layout.storeDir, { write: false });
  try {
    const { labels } = store.records();
    const sets = new Map<string, RawSplits>();
    for (const { key, dims } of layout.featureSets) {
      const train = layout.rows.train;
      const into = shareTrain
        ? new Float32Array(new SharedArrayBuffer(train.length * dims * Float32Array.BYTES_PER_ELEMENT))
        : undefined;
      sets.set(key, {
        train: store.readRows(key, train, into),
        val: store.readRows(key, layout.rows.val),
        test: store.readRows(key, layout.rows.test),
      });
    }
    return { layout, labels, sets, shared: shareTrain };
  } finally {
    store.close();
  }
}

/** The shared train rows the trainer reads (views on the shard's own memory, not copies). */
export function sharedTrainRows(raw: RawShard): SharedTrainRows[] {
  return [...raw.sets].map(([key, splits]) => ({ key, values: splits.train }));
}
