import type { CapturePoint } from '../../backbone/capture-point.js';
import type { FeatureStore } from '../../store/feature-store.js';
import type { FeatureSetManifest } from '../../store/manifest.js';
import { canCut } from '../onnx-stage.js';
import type { PlanMode, Strategy } from '../plan.js';
import { wantedSet, type WantedSet } from '../wanted-sets.js';
import type { ExtractRun } from './extract-run.js';
import type { PassSetup } from './pre-plan.js';

/** The store's feature sets by key, and which wanted ones are missing (not complete) or stored. */
export interface StoredSets {
  sets: Map<string, FeatureSetManifest>;
  missing: WantedSet[];
  reused: Set<string>;
}

export function storedSets(run: ExtractRun, store: FeatureStore): StoredSets {
  const sets = new Map(store.featureSets().map((s) => [s.key, s]));
  const missing = run.wanted.filter((w) => sets.get(w.key)?.complete !== true);
  const reused = new Set(run.wanted.filter((w) => !missing.includes(w)).map((w) => w.key));
  return { sets, missing, reused };
}

/** Where a resumed extraction picks up: the stored batch size, the recorded strategy, a stored boundary. */
export interface ResumePoint {
  batchSize: number | undefined;
  strategy: Strategy;
  /** a point's raw float32 set: the requested one, a stored one, or a temporary one */
  boundaryOf: (point: CapturePoint) => WantedSet;
  /** the stored boundary a staged plan starts from, so stages already done are not run again */
  anchor: WantedSet | undefined;
}

/**
 * A set begun by an earlier run keeps its batch size and plan, so it resumes byte-identical; a begun
 * set of another batch size than the others is recomputed (removed from the store and from `sets`).
 */
export function resumePoint(
  run: ExtractRun,
  store: FeatureStore,
  setup: PassSetup,
  { sets, missing }: StoredSets,
): ResumePoint {
  const { options } = run;
  const { backbone } = options;
  const begun = missing.map((w) => sets.get(w.key)).filter((s): s is FeatureSetManifest => s !== undefined);
  const batchSize = begun[0]?.batchSize ?? options.batchSize;
  for (const set of begun.filter((s) => s.batchSize !== batchSize)) {
    options.sink({
      type: 'log',
      level: 'warn',
      message: `${set.layer}: stored with batch size ${set.batchSize}; recomputing it`,
    });
    store.deleteFeatureSet(set.key);
    sets.delete(set.key);
  }
  const recorded = begun.find((s) => s.plan)?.plan as PlanMode | undefined;
  const strategy = options.strategy && options.strategy !== 'auto' ? options.strategy : (recorded ?? 'auto');
  const boundaryOf = (point: CapturePoint): WantedSet => {
    const raw = wantedSet(backbone.points, point, 'none', 'float32', run.identity);
    const existing = sets.get(raw.key);
    const requested = run.wanted.some((w) => w.key === raw.key);
    return requested || (existing && !existing.temporary) ? raw : { ...raw, temporary: true };
  };
  const anchor =
    strategy !== 'one-pass' && strategy !== 'lazy' && setup.parts
      ? findAnchor(missing[0]!, backbone.points, sets, boundaryOf, setup.parts)
      : undefined;
  return { batchSize, strategy, boundaryOf, anchor };
}

/** Rows of a feature set already stored (0 for a set not begun). */
export function coveredRows(store: FeatureStore, set: FeatureSetManifest | undefined): number {
  if (!set) return 0;
  let rows = 0;
  for (let batch = 0; batch < set.batches; batch++) rows += store.batchRows(set.key, batch);
  return rows;
}

/**
 * The latest complete raw boundary before the first set to compute that a stage can start from:
 * after a killed staged extraction, the stages already done are not run again.
 */
function findAnchor(
  first: WantedSet,
  all: readonly CapturePoint[],
  sets: ReadonlyMap<string, FeatureSetManifest>,
  boundaryOf: (point: CapturePoint) => WantedSet,
  parts: NonNullable<PassSetup['parts']>,
): WantedSet | undefined {
  const candidates = [...sets.values()]
    .filter(
      (s) =>
        s.complete &&
        s.pooling === 'none' &&
        s.dtype === 'float32' &&
        (s.pointIndex ?? -1) < first.pointIndex,
    )
    .sort((a, b) => (b.pointIndex ?? 0) - (a.pointIndex ?? 0));
  for (const set of candidates) {
    const point = all.find((p) => p.name === set.point);
    if (point && canCut(parts, point.name, first.point.name)) return boundaryOf(point);
  }
  return undefined;
}
