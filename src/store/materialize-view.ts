import { digestOf } from '../core/hash.js';
import type { FeatureStore } from './feature-store.js';
import type { FeatureSetManifest } from './manifest.js';
import { resolveView } from './feature-view.js';

/**
 * Stores a derived view (`sum(last:4)`, `concat(last:2)`, …) as a feature set of its own, computed
 * batch by batch from the stored vectors (never by running the model), so the trainer reads it like
 * any layer. Its key is the view and the keys it combines: the same view of the same sets is stored
 * once. Returns the complete set.
 */
export function materializeView(store: FeatureStore, name: string): FeatureSetManifest {
  const view = resolveView(store, name);
  const sources = view.sets.map((s) => s.key);
  const key = digestOf({ view: name, sources }, 20);
  const existing = store.featureSet(key);
  if (existing?.complete) return existing;
  const records = Math.min(...view.sets.map((s) => s.records));
  const batchSize = view.sets[0]!.batchSize;
  const batches = Math.ceil(records / batchSize);
  const last = view.sets.at(-1)!;
  store.beginFeatureSet({
    key,
    layer: view.name,
    point: view.name,
    pooling: last.pooling,
    dims: view.dims,
    dtype: 'float32',
    records,
    batchSize,
    batches,
    complete: false,
    createdAt: new Date().toISOString(),
    // Right after the layer it ends at, so selections in graph order list it there.
    ...(last.pointIndex === undefined ? {} : { pointIndex: last.pointIndex + 0.5 }),
    derivedFrom: sources,
  });
  for (let batch = store.storedBatches(key); batch < batches; batch++) {
    const start = batch * batchSize;
    const rows = Math.min(batchSize, records - start);
    const values = view.readRows(Array.from({ length: rows }, (_, i) => start + i));
    store.writeBatch(batch, [{ key, values, rows, dims: view.dims }]);
  }
  store.completeFeatureSet(key);
  return store.featureSet(key)!;
}
