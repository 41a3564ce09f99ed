import type { TrainTriage } from '../../core/result.js';
import { DEFAULT_TRIAGE_METHOD, type TriageMethod } from '../../triage/methods.js';
import { scoreFeatureSets } from '../../triage/score-feature-sets.js';
import type { SelectedFeatureSet } from './select-feature-sets.js';

export interface TriageRequest {
  /** how many of the best-scored feature sets to train */
  keep: number;
  /** @default DEFAULT_TRIAGE_METHOD */
  method?: TriageMethod;
}

/**
 * `train --triage K` and a sweep's `triage: {keep: K}`: scores the selected feature sets in closed
 * form and keeps the top K for training (in their original order); the summary lists every set with
 * its score, rank and whether it was kept, for the result, the run folder and the report. A set
 * whose stored values equal a better-ranked one's (`sameAs`) is not trained again: the K kept sets
 * are K different ones.
 */
export function triageFeatureSets(
  storeDir: string,
  sets: readonly SelectedFeatureSet[],
  request: TriageRequest,
): { kept: SelectedFeatureSet[]; summary: TrainTriage } {
  const method = request.method ?? DEFAULT_TRIAGE_METHOD;
  const scored = scoreFeatureSets(storeDir, sets, { method });
  const distinct = scored.layers.filter((l) => l.sameAs === undefined);
  const keptKeys = new Set(distinct.slice(0, request.keep).map((l) => l.key));
  return {
    kept: sets.filter((s) => keptKeys.has(s.key)),
    summary: {
      method,
      keep: request.keep,
      seconds: scored.seconds,
      layers: scored.layers.map((l) => ({
        layer: l.layer,
        score: Number.isFinite(l.score) ? l.score : null,
        rank: l.rank,
        kept: keptKeys.has(l.key),
        ...(l.sameAs === undefined ? {} : { sameAs: l.sameAs }),
      })),
    },
  };
}

/** One line for the event log, the plain output and the TUI's log: what was kept, what was left out. */
export function triageMessage(summary: TrainTriage): string {
  const score = (s: number | null) => (s === null ? 'NaN' : s.toPrecision(4));
  const kept = summary.layers.filter((l) => l.kept).map((l) => `${l.layer} (${score(l.score)})`);
  const out = summary.layers
    .filter((l) => !l.kept)
    .map((l) => `${l.layer} (${l.sameAs === undefined ? score(l.score) : `same features as ${l.sameAs}`})`);
  return `triage by ${summary.method} in ${summary.seconds.toFixed(2)} s: training ${kept.join(', ')}${
    out.length > 0 ? `; triaged out ${out.join(', ')}` : ''
  }`;
}
