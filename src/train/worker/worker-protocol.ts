import type { ErrorCode } from '../../core/errors.js';
import type { GroupState, HyperValues } from '../heads/group-state.js';
import type { EvaluationResult, TrainUnitResult, UnitStack } from './unit-runner.js';

/**
 * Messages between the trainer (main thread) and its shard workers. Every payload is
 * structured-clone safe; state buffers travel in the transfer list, so a group's weights move
 * between threads without copies.
 */
export interface FeatureSetInit {
  key: string;
  dims: number;
  /** train-split standardization, baked into every head graph of this feature set */
  mean: Float32Array;
  std: Float32Array;
}

export interface ShardInit {
  storeDir: string;
  shard: number;
  classes: number;
  seed: number;
  featureSets: FeatureSetInit[];
  /** record indices this worker holds, per split */
  rows: { train: Int32Array; val: Int32Array; test: Int32Array };
  /** one Int32 the trainer sets to stop every worker between steps */
  cancel?: SharedArrayBuffer;
  /** grouped learning: the data group of each train row (positions as in `rows.train`; −1 none) */
  trainGroups?: Int32Array;
}

/**
 * A shard before the train split's standardization is known: what a worker reads while the trainer
 * works that out from every worker's train rows (`read`, then `init` with the whole ShardInit).
 */
export type ShardLayout = Omit<ShardInit, 'featureSets'> & {
  featureSets: Pick<FeatureSetInit, 'key' | 'dims'>[];
};

/** A worker's train rows of one feature set as stored, moved to the trainer and back (transferred). */
export interface TrainRows {
  key: string;
  values: Float32Array;
}

/**
 * The buffers to transfer to move train rows between threads: each array is one `readRows` made,
 * so it owns its whole buffer and moving the buffer moves exactly its rows.
 */
export function trainRowBuffers(train: readonly TrainRows[]): ArrayBuffer[] {
  return train.map((t) => t.values.buffer as ArrayBuffer);
}

/** A fused group as a worker needs it: which features it reads and the shape of its graph. */
export interface GroupRun {
  featureSet: string;
  stacks: UnitStack[];
  /** grouped learning: the data groups each head has a copy for (state [K, G, …]) */
  groups?: string[];
}

export type EvalSplit = 'val' | 'test';

export interface EvalGroup extends GroupRun {
  state: GroupState;
}

/** Test hook: make a unit fail by throwing, or by ending its thread, before it runs any step. */
export type InjectedFault = 'throw' | 'exit';

export type WorkerRequest =
  | { type: 'read'; id: number; layout: ShardLayout }
  | { type: 'init'; id: number; init: ShardInit; train?: TrainRows[] }
  | {
      type: 'train';
      id: number;
      epoch: number;
      batchSize: number;
      group: GroupRun;
      state: GroupState;
      hyper: HyperValues;
      fault?: InjectedFault;
    }
  | { type: 'evaluate'; id: number; split: EvalSplit; groups: EvalGroup[] }
  | { type: 'stop'; id: number };

export type WorkerReply =
  | { type: 'rowsRead'; id: number; train: TrainRows[] }
  | { type: 'ready'; id: number }
  | { type: 'trained'; id: number; result: TrainUnitResult; seconds: number }
  | { type: 'evaluated'; id: number; results: EvaluationResult[] }
  | { type: 'stopped'; id: number }
  | { type: 'failed'; id: number; message: string; code?: ErrorCode; stack?: string };

export type ReplyOf<T extends WorkerRequest['type']> = Extract<
  WorkerReply,
  {
    type: {
      read: 'rowsRead';
      init: 'ready';
      train: 'trained';
      evaluate: 'evaluated';
      stop: 'stopped';
    }[T];
  }
>;

export type RequestBody<T extends WorkerRequest['type']> = Omit<
  Extract<WorkerRequest, { type: T }>,
  'id' | 'type'
>;
