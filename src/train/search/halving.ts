import type { RankingMetric } from '../../core/result.js';
import { metricOf, type ModelRecord } from '../mop/model-record.js';

export interface HalvingDecision {
  /** models that reached a rung without making its top 1/η: they stop training */
  halt: string[];
  /** halted models that are now in their rung's top 1/η (more models reached it since): they go on */
  promote: string[];
}

/** Rungs in epochs trained: 1, η, η², … below the run's last epoch (which ends everything anyway). */
export function rungs(eta: number, epochs: number): number[] {
  const out: number[] = [];
  for (let r = 1; r < epochs; r *= eta) out.push(r);
  return out;
}

/**
 * Asynchronous successive halving (ASHA, Li et al., MLSys 2020), at an epoch boundary. A model whose
 * epochs trained equal a rung r joins that rung with its validation metric at r; it goes on only if
 * it ranks in the top ⌊n/η⌋ (at least one) of all n models that ever reached the rung, else it is
 * halted. A halted model that later ranks in its rung's top (as models added to the run reach it) is
 * promoted. Models that a person stopped are ranked but never moved. Pure.
 */
export function successiveHalving(
  models: readonly ModelRecord[],
  eta: number,
  epochs: number,
  metric: RankingMetric,
): HalvingDecision {
  const decision: HalvingDecision = { halt: [], promote: [] };
  for (const rung of rungs(eta, epochs)) {
    const reached = models.filter((m) => m.history.length >= rung);
    if (reached.length === 0) continue;
    const at = (m: ModelRecord) => m.history[rung - 1]!;
    const ranked = [...reached].sort(
      (a, b) =>
        metricOf(at(b), metric) - metricOf(at(a), metric) ||
        at(a).valLoss - at(b).valLoss ||
        a.index - b.index,
    );
    const keep = new Set(ranked.slice(0, Math.max(1, Math.floor(reached.length / eta))).map((m) => m.id));
    for (const model of reached) {
      if (model.history.length !== rung) continue;
      if (model.status === 'active' && !keep.has(model.id)) decision.halt.push(model.id);
      if (model.status === 'halted' && keep.has(model.id)) decision.promote.push(model.id);
    }
  }
  return decision;
}
