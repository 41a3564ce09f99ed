import { canonicalJson, digestOf } from '../core/hash.js';
import { FeatureStore, type RecordTable, type SkippedRow, type StoreGroups } from '../store/feature-store.js';
import {
  STORE_FORMAT_VERSION,
  type FeatureSetManifest,
  type StoreGroupsSummary,
  type StoreManifest,
} from '../store/manifest.js';
import type { ExtractOptions } from './extract-options.js';
import { libraryVersions } from './library-versions.js';
import type { PlanMode } from './plan.js';
import type { SetIdentity, WantedSet } from './wanted-sets.js';

/** What an extraction needs to know of a store before deciding anything. */
export interface StoreSnapshot {
  manifest?: StoreManifest;
  /** the record table as the dataset gave it, with the dataset digest it was written for */
  records?: { table: RecordTable; digest: string };
  sets: Map<string, FeatureSetManifest>;
  skipped: SkippedRow[];
  /** each stored record's group, when the store has groups */
  groups?: StoreGroups;
}

/** Reads the snapshot from an open store, or opens the store read-only for it (never blocking). */
export function snapshotStore(dir: string, open?: FeatureStore): StoreSnapshot {
  const store = open ?? FeatureStore.open(dir, { write: false });
  try {
    const manifest = store.manifest();
    const table = manifest ? store.records({ markSkipped: false }) : undefined;
    const groups = manifest ? store.groups() : undefined;
    return {
      ...(groups ? { groups } : {}),
      ...(manifest ? { manifest } : {}),
      ...(manifest && table ? { records: { table, digest: manifest.dataset.digest } } : {}),
      sets: new Map(store.featureSets().map((s) => [s.key, s])),
      skipped: store.skipped(),
    };
  } finally {
    if (!open) store.close();
  }
}

/** The store manifest for the dataset as it is now. */
export function storeManifest(
  options: ExtractOptions,
  identity: SetIdentity,
  records: number,
  createdAt?: string,
  groups?: StoreGroupsSummary,
): StoreManifest {
  const { backbone, dataset, storeDir } = options;
  return {
    formatVersion: STORE_FORMAT_VERSION,
    id: storeDir.split(/[\\/]/).pop()!,
    createdAt: createdAt ?? new Date().toISOString(),
    model: { ref: backbone.ref, digest: backbone.digest },
    dataset: {
      ref: dataset.ref,
      digest: dataset.digest,
      records,
      classNames: dataset.classNames,
      lineage: identity.datasetLineage,
      ...(dataset.splitRule ? { split: dataset.splitRule } : {}),
      ...(groups ? { groups } : {}),
    },
    preprocessing: { ...options.preprocess },
    preprocessingDigest: identity.preprocessingDigest,
    libraryVersions: libraryVersions(),
  };
}

/** The parts of a store manifest that describe the dataset's metadata (what re-reading may change). */
export function describeStore(manifest: StoreManifest | undefined): string {
  if (!manifest) return '';
  const { ref, digest, records, classNames, split } = manifest.dataset;
  return digestOf(canonicalJson({ ref, digest, records, classNames, split }));
}

export function featureSetManifest(
  set: WantedSet,
  records: number,
  batchSize: number,
  plan: PlanMode,
): FeatureSetManifest {
  return {
    key: set.key,
    layer: set.layer,
    point: set.point.name,
    pooling: set.pooling,
    dims: set.dims,
    dtype: set.dtype,
    records,
    batchSize,
    batches: Math.ceil(records / batchSize),
    complete: false,
    createdAt: new Date().toISOString(),
    shape: set.point.shape,
    pointIndex: set.pointIndex,
    plan,
    ...(set.temporary ? { temporary: true } : {}),
  };
}
