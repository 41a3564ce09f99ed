import { interrupted } from '../core/errors.js';
import type { EpochPlan, PlannedUnit } from './mop-plan.js';

/**
 * Walks an epoch plan on the workers, event-driven: whenever a unit finishes, every idle worker
 * starts its next planned unit if that unit's group has finished its previous one. Each worker runs
 * its units in plan order; the plan's dependencies are acyclic, so this cannot deadlock.
 * On abort or failure it starts nothing more, lets running units finish (ONNX Runtime must not be
 * interrupted), then rejects with `interrupted()` or the first failure.
 */
export function executePlan(
  plan: EpochPlan,
  workers: number,
  run: (unit: PlannedUnit) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const queues: PlannedUnit[][] = Array.from({ length: workers }, () => []);
  for (const unit of plan.units) queues[unit.worker]!.push(unit);
  const finished = new Set<number>();
  const busy = new Set<number>();
  let failure: Error | undefined;

  return new Promise<void>((resolve, reject) => {
    const start = (worker: number, unit: PlannedUnit) => {
      queues[worker]!.shift();
      busy.add(worker);
      run(unit)
        .then(
          () => finished.add(unit.index),
          (error: unknown) => (failure ??= error instanceof Error ? error : new Error(String(error))),
        )
        .finally(() => {
          busy.delete(worker);
          pump();
        })
        .catch(reject);
    };
    const pump = () => {
      if (!failure && !signal?.aborted) {
        for (let worker = 0; worker < workers; worker++) {
          const next = queues[worker]![0];
          if (busy.has(worker) || !next) continue;
          if (next.after === undefined || finished.has(next.after)) start(worker, next);
        }
      }
      if (busy.size > 0) return;
      if (failure) reject(failure);
      else if (finished.size === plan.units.length) resolve();
      else if (signal?.aborted) reject(interrupted());
      else reject(new Error('MOP plan stalled: no unit can start'));
    };
    pump();
  });
}
