import type { StorageDtype } from './batch-codec.js';

/** Bumped when the on-disk layout changes; part of every feature set's identity. */
export const STORE_FORMAT_VERSION = 1;

export interface StoreManifest {
  formatVersion: number;
  id: string;
  createdAt: string;
  model: { ref: string; digest: string };
  dataset: { ref: string; digest: string; records: number; classNames: string[] };
  preprocessing: Record<string, unknown>;
  preprocessingDigest: string;
  libraryVersions: Record<string, string>;
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
  records: number;
  batchSize: number;
  batches: number;
  complete: boolean;
  createdAt: string;
  completedAt?: string;
}
