import type { EventSink } from '../../core/events.js';
import type { PreparedRun } from './prepare-run.js';
import type { ResolvedTrainJob } from './resolve-job.js';
import type { Transport } from '../transport/transport.js';
import type { InjectedFault } from '../worker/worker-protocol.js';
import type { OrderedWrites } from '../run-folder/ordered-writes.js';

/** Test hook: which tries of which units fail, and how (before any ONNX Runtime call). */
export type FaultPlan = (
  unit: { epoch: number; group: number; shard: number },
  attempt: number,
) => InjectedFault | undefined;

/** What every part of a running MOP job shares. */
export interface TrainContext {
  job: ResolvedTrainJob;
  prepared: PreparedRun;
  /** how units reach the shard workers */
  transport: Transport;
  runDir: string;
  sink: EventSink;
  /** the run folder's checkpoint writes (unit checkpoints, snapshots), landing in order off the thread */
  writes: OrderedWrites;
  signal?: AbortSignal;
  faults?: FaultPlan;
}
