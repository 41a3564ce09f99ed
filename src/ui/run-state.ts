/**
 * The live view's state: a pure reducer over the typed event stream (plus the final result and a
 * failure), so every number on screen can be tested by replaying events, without rendering.
 */
import type {
  ExtractEndEvent,
  ExtractProgressEvent,
  ExtractStartEvent,
  ModelEpochMetrics,
  TrainControlEvent,
  TrainEpochEvent,
  TrainStartEvent,
  TrainUnitEvent,
} from '../core/events.js';
import type { TrainingResult } from '../core/result.js';
import { milestoneLine } from './milestones.js';
import type { RunAction } from './run-action.js';

export type RunPhase = 'starting' | 'extracting' | 'training' | 'done' | 'failed' | 'interrupted';

export type StageStatus = 'pending' | 'running' | 'done';

export interface ExtractionState {
  status: StageStatus;
  layers: readonly string[];
  /** feature sets found in the store and reused as they are */
  reused: readonly string[];
  /** feature sets kept and extended with the records the dataset gained */
  appended: readonly string[];
  /** records the dataset gained, extracted for `appended` only */
  appendedRecords: number;
  records: number;
  total: number;
  recordsPerSecond: number;
  etaSeconds: number;
  rssMb: number;
  /** true when nothing had to be computed (set by extract.end) */
  cached: boolean;
  seconds?: number;
}

/** What a worker did last: the unit (head group × shard) it most recently finished. */
export interface WorkerActivity {
  worker: number;
  epoch: number;
  group: number;
  shard: number;
  examples: number;
  seconds: number;
  /** units this worker has finished over the whole run */
  units: number;
  /** the host that ran its last unit, on a cluster (`--cluster`) */
  host?: string;
}

/** One model's metrics at the end of one epoch. */
export interface EpochPoint {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  valAccuracy: number;
  valMacroF1?: number;
}

/** Whether a model still trains; `stopped` by a person, `halved` by successive halving. */
export type ModelStatus = 'training' | 'stopped' | 'halved';

export interface ModelState {
  id: string;
  layer: string;
  /** the head's label as the trainer printed it */
  head: string;
  latest?: ModelEpochMetrics;
  /** best validation accuracy over the epochs seen so far */
  bestValAccuracy?: number;
  /** every epoch's metrics, oldest first: the learning curves */
  history: readonly EpochPoint[];
  status: ModelStatus;
  /** how a model that joined mid-run came to be, e.g. `clone of m3` */
  origin?: string;
}

/** A steering command (or the trainer's own halving decision) as the trainer handled it. */
export interface ControlRecord {
  id?: string;
  op: TrainControlEvent['op'];
  model?: string;
  applied: boolean;
  epoch: number;
  reason?: string;
  /** ids of the models it created */
  created: readonly string[];
}

export interface TrainingState {
  status: StageStatus;
  run?: string;
  groups: number;
  workers: number;
  epochs: number;
  /** train.epoch events received: counted, so the display does not depend on 0- or 1-based epochs */
  epochsDone: number;
  /** the `epoch` value of the units being counted in `unitsDone` */
  unitEpoch?: number;
  unitsDone: number;
  /** groups × shards, one shard per worker (MOP) */
  unitsPerEpoch: number;
  /** over the whole run, for the training ETA */
  unitsTotal: number;
  unitSecondsTotal: number;
  /** examples trained over the whole run, for the training rate */
  examplesTotal: number;
  activity: readonly WorkerActivity[];
  models: readonly ModelState[];
  /** steering commands handled so far, in order */
  controls: readonly ControlRecord[];
  /** the run process's resident memory, as last sampled by the watcher */
  rssMb?: number;
  seconds?: number;
}

export interface LogLine {
  id: number;
  /** `step` lines are the run's own milestones (stage started or finished, epoch summaries) */
  level: 'info' | 'warn' | 'step';
  text: string;
}

export interface RunState {
  title: string;
  model: string;
  dataset: string;
  store?: string;
  phase: RunPhase;
  extraction: ExtractionState;
  training: TrainingState;
  /** append-only: the live view prints it through Ink's <Static> */
  log: readonly LogLine[];
  result?: TrainingResult;
  error?: string;
}

export interface RunHeader {
  title: string;
  /** model reference; when empty, taken from extract.start */
  model: string;
  /** dataset reference; when empty, taken from extract.start */
  dataset: string;
  /** the feature store; else taken from extract.start */
  store?: string;
}

export function initialRunState({ title, model, dataset, store }: RunHeader): RunState {
  return {
    title,
    model,
    dataset,
    ...(store === undefined ? {} : { store }),
    phase: 'starting',
    extraction: {
      status: 'pending',
      layers: [],
      reused: [],
      appended: [],
      appendedRecords: 0,
      records: 0,
      total: 0,
      recordsPerSecond: 0,
      etaSeconds: Number.NaN,
      rssMb: 0,
      cached: false,
    },
    training: {
      status: 'pending',
      groups: 0,
      workers: 0,
      epochs: 0,
      epochsDone: 0,
      unitsDone: 0,
      unitsPerEpoch: 0,
      unitsTotal: 0,
      unitSecondsTotal: 0,
      examplesTotal: 0,
      activity: [],
      models: [],
      controls: [],
    },
    log: [],
  };
}

export function reduceRunState(state: RunState, action: RunAction): RunState {
  const next = applyAction(state, action);
  if (action.type === 'log') return appendLog(next, action.level, action.message);
  const line = milestoneLine(next, action);
  return line === undefined ? next : appendLog(next, 'step', line);
}

function applyAction(state: RunState, action: RunAction): RunState {
  switch (action.type) {
    case 'extract.start':
      return onExtractStart(state, action);
    case 'extract.progress':
      return onExtractProgress(state, action);
    case 'extract.end':
      return onExtractEnd(state, action);
    case 'train.start':
      return onTrainStart(state, action);
    case 'train.unit':
      return { ...state, training: onTrainUnit(state.training, action) };
    case 'train.epoch':
      return { ...state, training: onTrainEpoch(state.training, action) };
    case 'train.control':
      return { ...state, training: onTrainControl(state.training, action) };
    case 'train.end':
      return { ...state, training: { ...state.training, status: 'done', seconds: action.seconds } };
    case 'log':
      return state;
    case 'result':
      return onResult(state, action);
    case 'failed':
      return { ...state, phase: 'failed', error: action.message };
    case 'interrupted':
      return { ...state, phase: advance(state.phase, 'interrupted'), error: action.message };
    case 'finished':
      return { ...state, phase: advance(state.phase, 'done') };
    case 'sample':
      return { ...state, training: { ...state.training, rssMb: action.rssMb } };
    default:
      // An event type newer than this reducer (a log written by a later version) changes nothing.
      return state;
  }
}

/** True once the run has ended, however it ended. */
export function isOver(phase: RunPhase): boolean {
  return phase === 'done' || phase === 'failed' || phase === 'interrupted';
}

/** Phases only move forward, and nothing leaves a finished run. */
function advance(phase: RunPhase, to: RunPhase): RunPhase {
  return isOver(phase) ? phase : to;
}

function onExtractStart(state: RunState, event: ExtractStartEvent): RunState {
  return {
    ...state,
    model: state.model || event.model,
    dataset: state.dataset || event.dataset,
    store: event.store,
    phase: advance(state.phase, 'extracting'),
    extraction: {
      ...state.extraction,
      status: 'running',
      layers: event.layers,
      reused: event.reused,
      appended: event.appended ?? [],
      appendedRecords: event.appendedRecords ?? 0,
      total: event.records,
    },
  };
}

function onExtractProgress(state: RunState, event: ExtractProgressEvent): RunState {
  return {
    ...state,
    extraction: {
      ...state.extraction,
      status: 'running',
      records: event.records,
      total: event.total,
      recordsPerSecond: event.recordsPerSecond,
      etaSeconds: event.etaSeconds,
      rssMb: event.rssMb,
    },
  };
}

function onExtractEnd(state: RunState, event: ExtractEndEvent): RunState {
  return {
    ...state,
    store: event.store,
    extraction: { ...state.extraction, status: 'done', cached: event.cached, seconds: event.seconds },
  };
}

function onTrainStart(state: RunState, event: TrainStartEvent): RunState {
  return {
    ...state,
    phase: advance(state.phase, 'training'),
    training: {
      ...state.training,
      status: 'running',
      run: event.run,
      groups: event.groups,
      workers: event.workers,
      epochs: event.epochs,
      unitsPerEpoch: event.groups * event.workers,
      models: event.models.map((m) => newModel(m)),
    },
  };
}

function onTrainUnit(training: TrainingState, event: TrainUnitEvent): TrainingState {
  const previous = training.activity.find((a) => a.worker === event.worker);
  const activity: WorkerActivity = {
    worker: event.worker,
    epoch: event.epoch,
    group: event.group,
    shard: event.shard,
    examples: event.examples,
    seconds: event.seconds,
    units: (previous?.units ?? 0) + 1,
    ...(event.host === undefined ? {} : { host: event.host }),
  };
  const sameEpoch = training.unitEpoch === event.epoch;
  return {
    ...training,
    unitEpoch: event.epoch,
    unitsDone: sameEpoch ? training.unitsDone + 1 : 1,
    unitsTotal: training.unitsTotal + 1,
    unitSecondsTotal: training.unitSecondsTotal + event.seconds,
    examplesTotal: training.examplesTotal + event.examples,
    activity: [...training.activity.filter((a) => a.worker !== event.worker), activity].sort(
      (a, b) => a.worker - b.worker,
    ),
  };
}

function onTrainEpoch(training: TrainingState, event: TrainEpochEvent): TrainingState {
  const metrics = new Map(event.models.map((m) => [m.id, m]));
  const models = training.models.map((model): ModelState => {
    const latest = metrics.get(model.id);
    if (latest === undefined) return model;
    const best = Math.max(model.bestValAccuracy ?? -Infinity, latest.valAccuracy);
    const point: EpochPoint = {
      epoch: event.epoch,
      trainLoss: latest.trainLoss,
      valLoss: latest.valLoss,
      valAccuracy: latest.valAccuracy,
      ...(latest.valMacroF1 === undefined ? {} : { valMacroF1: latest.valMacroF1 }),
    };
    return { ...model, latest, bestValAccuracy: best, history: [...model.history, point] };
  });
  // Units counted so far belong to the finished epoch unless the next epoch's units already arrived.
  const finished = training.unitEpoch === event.epoch;
  return {
    ...training,
    epochs: event.epochs,
    epochsDone: training.epochsDone + 1,
    unitsDone: finished ? 0 : training.unitsDone,
    unitEpoch: finished ? undefined : training.unitEpoch,
    models,
  };
}

function newModel(model: { id: string; layer: string; head: string }, origin?: string): ModelState {
  return { id: model.id, layer: model.layer, head: model.head, history: [], status: 'training', origin };
}

const statusAfter: Partial<Record<TrainControlEvent['op'], ModelStatus>> = {
  stop: 'stopped',
  halve: 'halved',
  resume: 'training',
};

/** Applied commands change a model's status or add models; every handled command is recorded. */
function onTrainControl(training: TrainingState, event: TrainControlEvent): TrainingState {
  const created = event.applied ? (event.models ?? []) : [];
  const record: ControlRecord = {
    ...(event.id === undefined ? {} : { id: event.id }),
    op: event.op,
    ...(event.model === undefined ? {} : { model: event.model }),
    applied: event.applied,
    epoch: event.epoch,
    ...(event.reason === undefined ? {} : { reason: event.reason }),
    created: created.map((m) => m.id),
  };
  const status = event.applied ? statusAfter[event.op] : undefined;
  const origin = event.op === 'clone' ? `clone of ${event.model ?? '?'}` : 'added';
  const known = new Set(training.models.map((m) => m.id));
  const models = [
    ...training.models.map((m) => (status !== undefined && m.id === event.model ? { ...m, status } : m)),
    ...created.filter((m) => !known.has(m.id)).map((m) => newModel(m, origin)),
  ];
  return { ...training, models, controls: [...training.controls, record] };
}

function onResult(state: RunState, result: TrainingResult): RunState {
  return {
    ...state,
    phase: advance(state.phase, 'done'),
    store: result.store,
    result,
    extraction: { ...state.extraction, cached: result.cached },
    training: { ...state.training, status: 'done', run: result.run },
  };
}

function appendLog(state: RunState, level: LogLine['level'], text: string): RunState {
  return { ...state, log: [...state.log, { id: state.log.length, level, text }] };
}
