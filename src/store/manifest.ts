import type { Dim } from '../core/onnx/index.js';
import type { GroupRule, SplitRule } from '../data/data-source.js';
import type { StorageDtype } from './batch-codec.js';

/**
 * Bumped when the on-disk layout changes; part of every feature set's identity.
 * 2: record table with per-record content hashes and canonical order (appendable stores).
 */
export const STORE_FORMAT_VERSION = 2;

export interface StoreManifest {
  formatVersion: number;
  id: string;
  createdAt: string;
  /** when the record table last changed (records appended, labels or split re-read) */
  updatedAt?: string;
  model: { ref: string; digest: string };
  dataset: {
    ref: string;
    /** content digest of the records the table holds */
    digest: string;
    records: number;
    /** the label map: class id -> label as written */
    classNames: string[];
    /** what the data is (reader and location), stable as the dataset grows */
    lineage?: string;
    split?: SplitRule;
    /** the records' groups (the groups table beside the record table): where from, how many */
    groups?: StoreGroupsSummary;
  };
  preprocessing: Record<string, unknown>;
  preprocessingDigest: string;
  libraryVersions: Record<string, string>;
}

export interface StoreGroupsSummary {
  rule: GroupRule;
  /** distinct groups */
  groups: number;
  /** records that have a group (the others have none) */
  records: number;
}

export interface FeatureSetManifest {
  /** content address: hash of (model, capture point, pooling, preprocessing, dataset, format version) */
  key: string;
  /** the feature view name as results show it, e.g. `block2/relu` or `block2/relu@max` */
  layer: string;
  point: string;
  pooling: string;
  dims: number;
  dtype: StorageDtype;
  /** rows the set holds when complete: the record table's size when it was begun or last extended */
  records: number;
  batchSize: number;
  batches: number;
  complete: boolean;
  createdAt: string;
  completedAt?: string;
  /** the capture point's shape (batch axis `N`): how a staged plan feeds stored rows to the next stage */
  shape?: Dim[];
  /** the point's position among the model's capture points, so views can take "the last K" */
  pointIndex?: number;
  /** the dataset content digest the rows cover, set at completion */
  datasetDigest?: string;
  /** a staged plan's boundary tensor that nobody asked for: removed once the next stage is stored */
  temporary?: boolean;
  /** how it is being computed (`one-pass`, `staged`, `lazy`): a resumed extraction keeps the plan */
  plan?: string;
  /** a derived view (`sum(last:4)`) stored for training: the keys of the sets it combines */
  derivedFrom?: string[];
}

/** Bytes a feature set's batches take (16-byte header per batch, then the values). */
export function featureSetBytes(
  set: Pick<FeatureSetManifest, 'records' | 'dims' | 'dtype' | 'batches'>,
): number {
  return set.batches * 16 + set.records * set.dims * (set.dtype === 'float16' ? 2 : 4);
}
