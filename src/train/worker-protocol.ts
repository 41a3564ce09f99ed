import type { ErrorCode } from '../core/errors.js';
import type { GroupState, HyperValues } from './group-state.js';
import type { EvaluationResult, TrainUnitResult } from './unit-runner.js';

/**
 * Messages between the trainer (main thread) and its shard workers. Every payload is
 * structured-clone safe; state buffers travel in the transfer list, so a group's weights move
 * between threads without copies.
 */
export interface FeatureSetInit {
  key: string;
  dims: number;
  /** encoded head graphs for this feature set (its standardization is baked in) */
  trainGraph: Uint8Array;
  evalGraph: Uint8Array;
}

export interface ShardInit {
  storeDir: string;
  shard: number;
  classes: number;
  seed: number;
  featureSets: FeatureSetInit[];
  /** record indices this worker holds, per split */
  rows: { train: Int32Array; val: Int32Array; test: Int32Array };
}

export type EvalSplit = 'val' | 'test';

export interface EvalGroup {
  group: number;
  featureSet: string;
  state: GroupState;
}

export type WorkerRequest =
  | { type: 'init'; id: number; init: ShardInit }
  | {
      type: 'train';
      id: number;
      epoch: number;
      featureSet: string;
      batchSize: number;
      state: GroupState;
      hyper: HyperValues;
    }
  | { type: 'evaluate'; id: number; split: EvalSplit; confusion: boolean; groups: EvalGroup[] }
  | { type: 'stop'; id: number };

export type WorkerReply =
  | { type: 'ready'; id: number }
  | { type: 'trained'; id: number; result: TrainUnitResult; seconds: number }
  | { type: 'evaluated'; id: number; results: EvaluationResult[] }
  | { type: 'stopped'; id: number }
  | { type: 'failed'; id: number; message: string; code?: ErrorCode; stack?: string };

export type ReplyOf<T extends WorkerRequest['type']> = Extract<
  WorkerReply,
  { type: { init: 'ready'; train: 'trained'; evaluate: 'evaluated'; stop: 'stopped' }[T] }
>;

export type RequestBody<T extends WorkerRequest['type']> = Omit<
  Extract<WorkerRequest, { type: T }>,
  'id' | 'type'
>;
