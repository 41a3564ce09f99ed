import type { PreprocessSpec } from '../backbone/backbone.js';
import { pooledDims, viewName, type CapturePoint, type Pooling } from '../backbone/capture-point.js';
import type { StorageDtype } from '../store/batch-codec.js';
import { featureSetKey } from '../store/feature-store.js';

/** A feature set an extraction asks for: a capture point under a pooling, stored in a dtype. */
export interface WantedSet {
  point: CapturePoint;
  /** position among the backbone's capture points (graph order) */
  pointIndex: number;
  pooling: Pooling;
  /** the feature view name (docs/contract.md) */
  layer: string;
  dims: number;
  key: string;
  dtype: StorageDtype;
  /** a staged boundary nobody asked for, removed once the next stage is stored */
  temporary?: boolean;
}

export interface SetIdentity {
  modelDigest: string;
  preprocessingDigest: string;
  /** the dataset's lineage, so its feature sets survive records being added */
  datasetLineage: string;
  preprocess: PreprocessSpec;
}

/** The feature set of `point` under `pooling` and `dtype`, keyed by its identity. */
export function wantedSet(
  all: readonly CapturePoint[],
  point: CapturePoint,
  pooling: Pooling,
  dtype: StorageDtype,
  identity: SetIdentity,
): WantedSet {
  const sequenceLength = identity.preprocess.kind === 'text' ? identity.preprocess.maxLength : 1;
  return {
    point,
    pointIndex: all.findIndex((p) => p.name === point.name),
    pooling,
    layer: viewName(point.name, pooling),
    dims: pooledDims(point, pooling, sequenceLength),
    key: featureSetKey({
      modelDigest: identity.modelDigest,
      point: point.name,
      pooling,
      preprocessingDigest: identity.preprocessingDigest,
      datasetDigest: identity.datasetLineage,
      dtype,
    }),
    dtype,
  };
}

/** The requested sets in graph order, each point once. */
export function wantedSets(
  all: readonly CapturePoint[],
  points: readonly CapturePoint[],
  pooling: Pooling,
  dtype: StorageDtype,
  identity: SetIdentity,
): WantedSet[] {
  const unique = [...new Map(points.map((p) => [p.name, p])).values()];
  return unique
    .map((point) => wantedSet(all, point, pooling, dtype, identity))
    .sort((a, b) => a.pointIndex - b.pointIndex);
}
