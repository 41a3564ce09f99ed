/** Everything the model screen shows about one model, gathered from the run's state and files. Pure. */
import type { CheckpointView, HeadConfigView, OutcomeModel, RunDetail } from '../backend.js';
import { modelConfig } from '../run/model-config.js';
import { isOver, type EpochPoint, type ModelState, type RunState } from '../run-state.js';

export interface ModelVisit {
  epoch: number;
  group: number;
  /** the models fused with it in that group */
  models: readonly string[];
  shards: readonly number[];
}

export interface ModelDetail {
  id: string;
  layer: string;
  head: string;
  status: ModelState['status'];
  origin?: string;
  history: readonly EpochPoint[];
  config: HeadConfigView;
  outcome?: OutcomeModel;
  confusion?: { matrix: number[][]; split: 'test' | 'val'; classNames: string[] };
  visits: ModelVisit[];
  checkpoints: CheckpointView[];
  /** the run has ended: a model still `training` trained to the end */
  runOver: boolean;
}

/** Per-epoch points from the results file, when the event log has none (the run ended long ago). */
function historyFromOutcome(outcome: OutcomeModel): EpochPoint[] {
  return outcome.valAccuracy.map((valAccuracy, i) => ({
    epoch: i + 1,
    trainLoss: outcome.trainLoss[i] ?? Number.NaN,
    valLoss: outcome.valLoss[i] ?? Number.NaN,
    valAccuracy,
    ...(outcome.valMacroF1?.[i] === undefined ? {} : { valMacroF1: outcome.valMacroF1[i] }),
  }));
}

/** A snapshot holds every model's tensors as `m3/W0`: keep this model's, without the prefix. */
function ownTensors(checkpoint: CheckpointView, id: string): CheckpointView {
  const prefix = `${id}/`;
  if (!checkpoint.tensors.some((t) => t.name.includes('/'))) return checkpoint;
  const tensors = checkpoint.tensors
    .filter((t) => t.name.startsWith(prefix))
    .map((t) => ({ ...t, name: t.name.slice(prefix.length) }));
  return { ...checkpoint, tensors };
}

export function modelDetail(
  id: string,
  state: RunState,
  detail: RunDetail | undefined,
): ModelDetail | undefined {
  const live = state.training.models.find((m) => m.id === id);
  const outcome = detail?.outcome?.models.find((m) => m.id === id);
  if (live === undefined && outcome === undefined) return undefined;
  const layer = live?.layer ?? outcome!.layer;
  const head = live?.head ?? outcome!.label;
  const history =
    live !== undefined && live.history.length > 0 ? live.history : outcome ? historyFromOutcome(outcome) : [];
  const classes = detail?.outcome?.classes ?? outcome?.confusion?.length ?? 0;
  const classNames = detail?.classNames ?? Array.from({ length: classes }, (_, i) => String(i));
  return {
    id,
    layer,
    head,
    status: live?.status ?? 'training',
    origin: live?.origin,
    history,
    config: modelConfig({ id, head }, detail),
    outcome,
    confusion:
      outcome?.confusion === undefined || outcome.confusion.length === 0
        ? undefined
        : { matrix: outcome.confusion, split: outcome.confusionSplit ?? 'test', classNames },
    visits: (detail?.visits ?? []).flatMap((epoch) =>
      epoch.groups
        .filter((g) => g.models.includes(id))
        .map((g) => ({ epoch: epoch.epoch, group: g.id, models: g.models, shards: g.shards })),
    ),
    checkpoints: (detail?.checkpoints ?? [])
      .filter((c) => c.models.includes(id))
      .map((c) => ownTensors(c, id)),
    runOver: isOver(state.phase),
  };
}
