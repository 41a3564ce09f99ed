import type { ErrorCode } from '../../core/errors.js';
import type { GroupState, HyperValues } from '../heads/group-state.js';
import type { EvaluationResult, TrainUnitResult } from '../worker/unit-runner.js';
import type { EvalGroup, EvalSplit, GroupRun, InjectedFault } from '../worker/worker-protocol.js';

/**
 * Every message between the MOP coordinator and its workers, whatever carries them (worker
 * threads today, BullMQ jobs across hosts next). Payloads are plain data: typed arrays, numbers,
 * strings; never code, never paths outside a worker's home.
 */

/**
 * Which unit this is, and which version of its group's state it starts from. The version is the
 * number of units the group has finished this epoch: an outcome is accepted only while the group
 * is still at that version, so a unit delivered twice (at-least-once delivery) counts once.
 */
export interface UnitRef {
  epoch: number;
  group: number;
  shard: number;
  version: number;
}

export const unitKey = (unit: UnitRef): string =>
  `e${unit.epoch}-g${unit.group}-s${unit.shard}-v${unit.version}`;

/**
 * Coordinator → worker: train one group on the worker's shard, starting from `state`, or (a
 * transport that `chainsUnits`) from the state its group's previous unit `after` hands over.
 */
export type UnitDispatch = {
  type: 'unit.dispatch';
  worker: number;
  unit: UnitRef;
  attempt: number;
  batchSize: number;
  group: GroupRun;
  hyper: HyperValues;
  /** test hook: fail before any training step */
  fault?: InjectedFault;
} & ({ state: GroupState; after?: never } | { after: UnitRef; state?: never });

/** Coordinator → every worker: evaluate groups on each worker's part of a split. */
export interface EvaluateRequest {
  type: 'evaluate';
  split: EvalSplit;
  groups: EvalGroup[];
}

export type CoordinatorMessage = UnitDispatch | EvaluateRequest;

/** Worker → coordinator. */
export type WorkerMessage =
  | { type: 'worker.ready'; worker: number; shard: number; host: string }
  | { type: 'worker.busy'; worker: number; unit: UnitRef }
  | { type: 'worker.lost'; worker: number; reason: string; unit?: UnitRef }
  | {
      type: 'unit.outcome';
      worker: number;
      unit: UnitRef;
      attempt: number;
      result: TrainUnitResult;
      seconds: number;
    }
  | {
      type: 'unit.failed';
      worker: number;
      unit: UnitRef;
      attempt: number;
      message: string;
      code?: ErrorCode;
      stack?: string;
    };

/** Per worker, in worker order: its part of every group's metrics. */
export type EvaluateReply = EvaluationResult[][];

export type WorkerLifecycle = 'ready' | 'busy' | 'lost';

export interface WorkerInfo {
  worker: number;
  shard: number;
  host: string;
  status: WorkerLifecycle;
}
