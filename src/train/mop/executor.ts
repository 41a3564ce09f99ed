import { interrupted, isLayerlabError } from '../../core/errors.js';
import type { EpochPlan, PlannedUnit } from './plan.js';

export interface ExecuteOptions {
  signal?: AbortSignal;
  /** tries per unit, the first included @default 3 */
  maxAttempts?: number;
  /** called before a failed unit runs again (replace a dead worker, reload the group's checkpoint) */
  onRetry?: (unit: PlannedUnit, error: Error, attempt: number) => Promise<void>;
  /** plan indices finished before (a resumed epoch) */
  done?: ReadonlySet<number>;
  /**
   * units a worker may be sent beyond the one it runs, to queue and start the moment that one ends
   * (`Transport.unitsAhead`) @default 0
   */
  ahead?: number;
  /**
   * a busy worker is sent more units only once it holds at most this many (then up to `ahead`
   * beyond the one it runs, at once): units go out in runs a transport can send as one message
   * (`Transport.refillsAt`) @default ahead
   */
  refillAt?: number;
  /**
   * a worker may be sent its next planned unit (idle with no unit ready, or as its unit ahead) while
   * that unit's group is still on another worker, to start from the state that unit hands over
   * (`Transport.chainsUnits`) @default false
   */
  chain?: boolean;
  /**
   * called once for a unit that will not end (its last try failed, or the run stops), so that a unit
   * chained on it stops waiting for its state
   */
  onGiveUp?: (unit: PlannedUnit) => void;
}

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

/**
 * Walks an epoch plan on the workers, event-driven: whenever a unit finishes, every idle worker
 * starts the first of its planned units whose group has finished its previous one. When real
 * durations match the plan's estimates that is always the worker's next unit in plan order; when
 * they do not (a slower shard, a busy core), the worker runs a later unit that is ready rather than
 * wait. Each group still visits its shards in the planned order, so no weight changes; the plan's
 * dependencies are acyclic, so this cannot deadlock.
 * A unit that fails is run again on its worker (after `onRetry`), up to `maxAttempts` tries; its
 * group waits, nothing else does. On abort or a final failure it starts nothing more, lets running
 * units finish (ONNX Runtime must not be interrupted), then rejects with `interrupted()` or the failure.
 * With `ahead`, a worker is also sent its next planned unit while it runs one (it queues on the
 * worker) once that unit's group has finished its previous unit: nothing about which state a unit
 * starts from changes, only that the worker need not wait for the coordinator between units.
 * With `refillAt`, a busy worker is topped up only once it is down to that many units, so that the
 * units it is sent go out together (the BullMQ transport sends them as one job).
 * With `chain`, a worker whose next planned unit waits on its group's previous unit, sent and not
 * ended, is sent it anyway (idle, or as its unit ahead): it starts the moment that unit hands its
 * state over (worker to worker), so the coordinator leaves the group's path between workers. Still
 * one unit running per worker and per group (a chained one only waits), each group visits its shards
 * in plan order, and a worker takes units sent ahead in plan order, so no wait can close a cycle:
 * the plan's virtual times order every unit after the ones it waits on. A retry breaks that order
 * (it is sent after the worker's unit ahead), so a chained unit must wait for its state without
 * holding its worker: the transport queues it on the worker only once its state is handed over.
 */
export function executePlan(
  plan: EpochPlan,
  workers: number,
  run: (unit: PlannedUnit, attempt: number) => Promise<void>,
  options: ExecuteOptions = {},
): Promise<void> {
  const { signal, maxAttempts = 3, onRetry, done, ahead = 0, chain = false, onGiveUp } = options;
  const refillAt = Math.min(options.refillAt ?? ahead, ahead);
  const queues: PlannedUnit[][] = Array.from({ length: workers }, () => []);
  const finished = new Set<number>(done);
  // units sent and not ended: tries in progress, and retries pending
  const sent = new Set<number>();
  for (const unit of plan.units) if (!finished.has(unit.index)) queues[unit.worker]!.push(unit);
  // units sent to each worker and not settled yet (running, or queued behind the running one)
  const inFlight: number[] = new Array<number>(workers).fill(0);
  let failure: Error | undefined;

  return new Promise<void>((resolve, reject) => {
    const settle = (worker: number, unit: PlannedUnit) => {
      sent.delete(unit.index);
      if (!finished.has(unit.index)) onGiveUp?.(unit);
      inFlight[worker]!--;
      pump();
    };
    const attemptUnit = (worker: number, unit: PlannedUnit, attempt: number): void => {
      run(unit, attempt)
        .then(
          () => {
            finished.add(unit.index);
            settle(worker, unit);
          },
          async (raw: unknown) => {
            const error = asError(raw);
            const cancelled = signal?.aborted || (isLayerlabError(error) && error.code === 'INTERRUPTED');
            if (cancelled || failure || attempt >= maxAttempts) {
              if (!cancelled) failure ??= error;
              return settle(worker, unit);
            }
            try {
              await onRetry?.(unit, error, attempt);
            } catch (retryError) {
              failure ??= asError(retryError);
              return settle(worker, unit);
            }
            if (signal?.aborted || failure) return settle(worker, unit);
            attemptUnit(worker, unit, attempt + 1);
          },
        )
        .catch(reject);
    };
    const pump = () => {
      // again while any unit went out: a unit sent to a later worker can make an earlier worker's
      // next one chainable (and a worker being refilled takes it in the same run)
      const refilling = new Set<number>();
      for (let sending = true; sending && !failure && !signal?.aborted;) {
        sending = false;
        for (let worker = 0; worker < workers; worker++) {
          const queue = queues[worker]!;
          if (inFlight[worker]! > refillAt && !refilling.has(worker)) continue;
          while (inFlight[worker]! <= ahead) {
            // an idle worker takes any ready unit; one sent ahead is only the next in plan order, so
            // committing the worker early never puts a later unit before one the plan expects first
            const ready = (u: PlannedUnit) => u.after === undefined || finished.has(u.after);
            // its group's previous unit is sent: it can wait on the worker for the state handed over
            const chainable = (u: PlannedUnit) => chain && u.after !== undefined && sent.has(u.after);
            const head = queue[0];
            const anyReady = inFlight[worker] === 0 ? queue.findIndex(ready) : -1;
            const at = anyReady >= 0 ? anyReady : head && (ready(head) || chainable(head)) ? 0 : -1;
            if (at < 0) break;
            const [next] = queue.splice(at, 1);
            inFlight[worker]!++;
            refilling.add(worker);
            sent.add(next!.index);
            sending = true;
            attemptUnit(worker, next!, 1);
          }
        }
      }
      if (inFlight.some((n) => n > 0)) return;
      if (failure) reject(failure);
      else if (plan.units.every((u) => finished.has(u.index))) resolve();
      else if (signal?.aborted) reject(interrupted());
      else reject(new Error('MOP plan stalled: no unit can start'));
    };
    pump();
  });
}
