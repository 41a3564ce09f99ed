import { digestOf } from '../../core/hash.js';
import type { SkippedRecord } from '../../data/data-source.js';
import type { StorageDtype } from '../../store/batch-codec.js';
import type { ExtractOptions } from '../extract-options.js';
import { defaultMemoryBudget } from '../memory-budget.js';
import { wantedSets, type SetIdentity, type WantedSet } from '../wanted-sets.js';
import { checkDataset } from './check-dataset.js';

/** What every step of one extraction shares: its options resolved, the sets it wants, what it skipped. */
export interface ExtractRun {
  options: ExtractOptions;
  /** performance.now() at the start, for the result's seconds */
  started: number;
  dtype: StorageDtype;
  budget: number;
  identity: SetIdentity;
  wanted: WantedSet[];
  /** records left out so far: the dataset's unreadable rows, then stored and new decode failures */
  skipped: SkippedRecord[];
}

/** Resolves the options, names the feature sets wanted, and refuses a dataset the model cannot take. */
export function startRun(options: ExtractOptions): ExtractRun {
  const started = performance.now();
  const { backbone, dataset } = options;
  const dtype = options.dtype ?? 'float32';
  const budget = options.memoryBudgetBytes ?? defaultMemoryBudget();
  const identity: SetIdentity = {
    modelDigest: backbone.digest,
    preprocessingDigest: digestOf(options.preprocess),
    datasetLineage: dataset.lineage ?? dataset.digest,
    preprocess: options.preprocess,
  };
  const wanted = wantedSets(backbone.points, options.points, options.pooling, dtype, identity);
  const skipped: SkippedRecord[] = [...(dataset.skipped ?? [])];
  checkDataset(options, skipped);
  return { options, started, dtype, budget, identity, wanted, skipped };
}
