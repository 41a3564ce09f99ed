/** A small scripted run (3 layers, 6 heads, 3 groups on 2 workers, 2 epochs) shared by the UI tests. */
import type {
  ExtractEndEvent,
  ExtractProgressEvent,
  ExtractStartEvent,
  LayerlabEvent,
  TrainEndEvent,
  TrainEpochEvent,
  TrainStartEvent,
  TrainUnitEvent,
} from '../../src/core/events.js';
import type { HeadSummary, TrainingResult } from '../../src/core/result.js';
import type { RunAction } from '../../src/ui/run-action.js';
import { initialRunState, reduceRunState, type RunState } from '../../src/ui/run-state.js';

export const header = { title: 'layerlab demo', model: 'builtin:shapes-cnn', dataset: 'builtin:shapes' };
export const store = '/home/ada/.cache/layerlab/stores/3f2a9c1e';

export const extractStart: ExtractStartEvent = {
  type: 'extract.start',
  store,
  model: 'builtin:shapes-cnn',
  dataset: 'builtin:shapes',
  layers: ['conv1', 'conv2', 'pool3'],
  records: 2000,
  reused: [],
};

export const extractProgress: ExtractProgressEvent = {
  type: 'extract.progress',
  records: 800,
  total: 2000,
  recordsPerSecond: 512,
  etaSeconds: 2.3,
  rssMb: 412,
};

export const extractEnd: ExtractEndEvent = { type: 'extract.end', store, cached: false, seconds: 3.2 };

export const trainStart: TrainStartEvent = {
  type: 'train.start',
  run: 'run-7',
  models: [
    { id: 'm0', layer: 'conv1', head: 'linear lr=0.1 l2=0' },
    { id: 'm1', layer: 'conv1', head: 'linear lr=0.01 l2=1e-4' },
    { id: 'm2', layer: 'conv2', head: 'linear lr=0.1 l2=0' },
    { id: 'm3', layer: 'conv2', head: 'linear lr=0.01 l2=1e-4' },
    { id: 'm4', layer: 'pool3', head: 'linear lr=0.1 l2=0' },
    { id: 'm5', layer: 'pool3', head: 'linear lr=0.01 l2=1e-4' },
  ],
  groups: 3,
  workers: 2,
  epochs: 2,
};

export function unit(epoch: number, group: number, shard: number, worker = shard): TrainUnitEvent {
  return { type: 'train.unit', epoch, group, shard, worker, examples: 800, seconds: 0.5 };
}

/** Epoch 1's units: every group visits both shards, models hopping between the two workers. */
export const epoch1Units: LayerlabEvent[] = [
  unit(1, 0, 0),
  unit(1, 1, 1),
  unit(1, 1, 0),
  unit(1, 2, 1),
  unit(1, 2, 0),
  unit(1, 0, 1),
];

export const epoch1: TrainEpochEvent = {
  type: 'train.epoch',
  epoch: 1,
  epochs: 2,
  models: [
    { id: 'm0', trainLoss: 1.1, valLoss: 1.2, valAccuracy: 0.55 },
    { id: 'm1', trainLoss: 1.0, valLoss: 1.1, valAccuracy: 0.61 },
    { id: 'm2', trainLoss: 0.7, valLoss: 0.8, valAccuracy: 0.78 },
    { id: 'm3', trainLoss: 0.6, valLoss: 0.7, valAccuracy: 0.74 },
    { id: 'm4', trainLoss: 0.4, valLoss: 0.5, valAccuracy: 0.86 },
    { id: 'm5', trainLoss: 0.5, valLoss: 0.5, valAccuracy: 0.84 },
  ],
};

export const epoch2: TrainEpochEvent = {
  type: 'train.epoch',
  epoch: 2,
  epochs: 2,
  models: [
    { id: 'm0', trainLoss: 0.9, valLoss: 1.0, valAccuracy: 0.6 },
    { id: 'm1', trainLoss: 0.9, valLoss: 1.0, valAccuracy: 0.64 },
    // conv2's best head gets worse: the layer keeps its best so far (0.78)
    { id: 'm2', trainLoss: 0.6, valLoss: 0.9, valAccuracy: 0.76 },
    { id: 'm3', trainLoss: 0.5, valLoss: 0.7, valAccuracy: 0.77 },
    { id: 'm4', trainLoss: 0.3, valLoss: 0.4, valAccuracy: 0.913 },
    { id: 'm5', trainLoss: 0.4, valLoss: 0.4, valAccuracy: 0.9 },
  ],
};

export const trainEnd: TrainEndEvent = { type: 'train.end', run: 'run-7', seconds: 12.3 };

const head = (id: string, lr: number, l2: number): HeadSummary => ({
  id,
  type: 'linear',
  lr,
  l2,
  batchSize: 64,
  optimizer: 'sgd',
  momentum: 0.9,
  epochs: 2,
});

export const result: TrainingResult = {
  type: 'result',
  run: 'run-7',
  store,
  metric: 'accuracy',
  cached: false,
  seconds: { extract: 3.2, train: 12.3, total: 15.6 },
  layers: [
    { layer: 'conv1', best: { value: 0.64, head: head('m1', 0.01, 1e-4) } },
    { layer: 'conv2', best: { value: 0.78, head: head('m2', 0.1, 0) } },
    { layer: 'pool3', best: { value: 0.913, head: head('m4', 0.1, 0) } },
  ],
  best: { layer: 'pool3', value: 0.913, test: 0.908, head: head('m4', 0.1, 0) },
};

export const extractingRun: LayerlabEvent[] = [extractStart, extractProgress];
export const trainingRun: LayerlabEvent[] = [
  ...extractingRun,
  extractEnd,
  trainStart,
  ...epoch1Units,
  epoch1,
  unit(2, 0, 1, 1),
  unit(2, 2, 0, 0),
];
/** Every event of the run, up to train.end */
export const trainedRun: LayerlabEvent[] = [
  ...trainingRun,
  unit(2, 1, 1, 1),
  unit(2, 0, 0, 0),
  unit(2, 1, 0, 0),
  unit(2, 2, 1, 1),
  epoch2,
  trainEnd,
];
export const finishedRun: RunAction[] = [...trainedRun, result];

export function replay(actions: readonly RunAction[]): RunState {
  return actions.reduce(reduceRunState, initialRunState(header));
}
