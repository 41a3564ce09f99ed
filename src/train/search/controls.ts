import { isLayerlabError } from '../../core/errors.js';
import type { TrainControlEvent } from '../../core/events.js';
import type { ControlAck, ControlCommand, QueuedControl } from '../../store/run-store.js';
import type { ResolvedHead } from '../heads/head-config.js';
import { headFromValues } from './head-values.js';
import type { ModelRecord } from '../mop/model-record.js';
import type { RunProgress } from '../run-folder/run-snapshot.js';

/** Where steering commands come from: a RunStore's control queue (the UI writes to it). */
export interface ControlSource {
  pendingControls(): QueuedControl[];
  acknowledge(ack: ControlAck): void;
}

export interface ControlContext {
  /** the boundary: epochs completed */
  epoch: number;
  featureSets: readonly { key: string; layer: string }[];
  /** the label train.start would give a head in this run */
  label: (head: ResolvedHead) => string;
}

export interface ControlResult {
  ack: ControlAck;
  event: TrainControlEvent;
  /** a model the command created, and the model whose weights it starts from (clone) */
  created?: { record: ModelRecord; warmFrom?: string };
}

const modelOf = (progress: RunProgress, id: string) => progress.models.find((m) => m.id === id);

function newRecord(
  progress: RunProgress,
  fields: Pick<ModelRecord, 'featureSet' | 'layer' | 'head' | 'origin'>,
  epoch: number,
): ModelRecord {
  const index = progress.models.length;
  const record: ModelRecord = {
    index,
    id: `m${index}`,
    status: 'active',
    startEpoch: epoch,
    history: [],
    ...fields,
  };
  progress.models.push(record);
  return record;
}

/** Applies one command to the run's model table (in place); throws a LayerlabError to refuse it. */
function apply(
  progress: RunProgress,
  command: ControlCommand,
  ctx: ControlContext,
): ControlResult['created'] {
  switch (command.op) {
    case 'stop':
    case 'resume': {
      const model = modelOf(progress, command.model);
      if (!model) throw new Error(`no model ${command.model} in this run`);
      if (command.op === 'stop') {
        if (model.status === 'stopped') throw new Error(`${model.id} is already stopped`);
        model.status = 'stopped';
      } else {
        if (model.status === 'active') throw new Error(`${model.id} is already training`);
        model.status = 'active';
      }
      return undefined;
    }
    case 'clone': {
      const source = modelOf(progress, command.model);
      if (!source) throw new Error(`no model ${command.model} in this run`);
      if ('layer' in command.changes) throw new Error('a clone keeps its layer; use add for another layer');
      const head = headFromValues(command.changes, source.head);
      if (head.type !== source.head.type || head.hidden.join() !== source.head.hidden.join())
        throw new Error('a clone keeps its architecture (type, hidden); use add for a new one');
      const record = newRecord(
        progress,
        {
          featureSet: source.featureSet,
          layer: source.layer,
          head,
          origin: { kind: 'clone', from: source.id, epoch: ctx.epoch },
        },
        ctx.epoch,
      );
      return { record, warmFrom: source.id };
    }
    case 'add': {
      const set = ctx.featureSets.find((s) => s.layer === command.layer || s.key === command.layer);
      if (!set)
        throw new Error(
          `layer ${command.layer} is not in this run; its layers are ${ctx.featureSets.map((s) => s.layer).join(', ')}`,
        );
      const head = headFromValues(command.head);
      const record = newRecord(
        progress,
        { featureSet: set.key, layer: set.layer, head, origin: { kind: 'add', epoch: ctx.epoch } },
        ctx.epoch,
      );
      return { record };
    }
  }
}

/**
 * Applies a queued steering command at an epoch boundary (human in the loop): stop or resume a model,
 * clone one with a warm start (its weights, fresh optimizer state, changed hyper-parameters), or add a
 * configuration. Returns the acknowledgement and the event; a refused command is acknowledged with
 * its reason and changes nothing.
 */
export function applyControl(
  progress: RunProgress,
  queued: QueuedControl,
  ctx: ControlContext,
): ControlResult {
  const { command } = queued;
  const base = { type: 'train.control' as const, id: queued.id, op: command.op, epoch: ctx.epoch };
  const target = command.op === 'add' ? {} : { model: command.model };
  try {
    const created = apply(progress, command, ctx);
    const models = created
      ? [{ id: created.record.id, layer: created.record.layer, head: ctx.label(created.record.head) }]
      : undefined;
    return {
      ack: {
        id: queued.id,
        applied: true,
        epoch: ctx.epoch,
        ...(models ? { models: models.map((m) => m.id) } : {}),
      },
      event: { ...base, ...target, applied: true, ...(models ? { models } : {}) },
      ...(created ? { created } : {}),
    };
  } catch (error) {
    if (!(error instanceof Error) || (isLayerlabError(error) && error.code !== 'CONFIG')) throw error;
    return {
      ack: { id: queued.id, applied: false, reason: error.message },
      event: { ...base, ...target, applied: false, reason: error.message },
    };
  }
}
