import { digestOf } from '../../core/hash.js';
import type { StorageDtype } from '../batch-codec.js';
import { STORE_FORMAT_VERSION } from '../manifest.js';

export interface FeatureSetIdentity {
  modelDigest: string;
  point: string;
  pooling: string;
  preprocessingDigest: string;
  /** the dataset's lineage (what it is), so a grown dataset keeps its feature sets and appends */
  datasetDigest: string;
  /** float16 storage is its own feature set; float32 (the default) adds nothing to the identity */
  dtype?: StorageDtype;
}

/** A feature set's content address (docs/architecture.md: computed at most once, ever). */
export function featureSetKey(identity: FeatureSetIdentity): string {
  const { dtype, ...rest } = identity;
  return digestOf(
    { ...rest, ...(dtype === 'float16' ? { dtype } : {}), formatVersion: STORE_FORMAT_VERSION },
    20,
  );
}
