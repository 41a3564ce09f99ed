import { digestOf } from '../core/hash.js';
import type { ModelConfig } from '../train/search/search.js';
import { expandSearch } from '../train/search/search.js';
import type { SweepFile } from './sweep-schema.js';
import { headsToSpace } from './heads-to-space.js';

export interface Trial {
  /** stable hash of (parameters, feature set): the same trial has the same id in every plan and run */
  id: string;
  /** the model id the trainer gives it (`m0`, `m1`, … in trial order) */
  model: string;
  layer: string;
  featureSet: string;
  head: ModelConfig['head'];
}

/**
 * The sweep's trials, deterministically: grid (every layer × every combination, capped at run_cap)
 * or seeded random draws (run_cap of them, 10 when unset), duplicates dropped.
 */
export function sweepTrials(
  sweep: SweepFile,
  featureSets: readonly { key: string; layer: string }[],
  /** the feature store's folder name: model, data and preprocessing identity */
  storeId: string,
): Trial[] {
  const configs = expandSearch(headsToSpace(sweep.heads), featureSets, {
    mode: sweep.method,
    seed: sweep.seed,
    ...(sweep.method === 'random' ? { samples: sweep.run_cap ?? 10 } : {}),
  });
  const capped =
    sweep.method === 'grid' && sweep.run_cap !== undefined ? configs.slice(0, sweep.run_cap) : configs;
  return capped.map((c, i) => ({
    // Named by the feature view within its store (not by its key) so `sweep plan` can name trials
    // whose feature sets are not stored yet.
    id: `t-${digestOf({ store: storeId, layer: c.layer, head: c.head }, 12)}`,
    model: `m${i}`,
    layer: c.layer,
    featureSet: c.featureSet,
    head: c.head,
  }));
}
