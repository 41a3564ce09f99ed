/**
 * One-line summaries of a run's milestones (a stage starting or ending, an epoch finishing). The
 * reducer appends them to the log, so the live view's scrollback and the plain printer tell the same
 * story in the same words.
 */
import { formatCount, formatPercent, formatSeconds } from './format.js';
import { bestRowIndex, layerRowsFromModels } from './layer-summary.js';
import type { TrainControlEvent } from '../core/events.js';
import type { RunAction } from './run-action.js';
import type { RunState } from './run-state.js';

/** The milestone line for an action, given the state after it; undefined when it is not one. */
export function milestoneLine(state: RunState, action: RunAction): string | undefined {
  const { extraction, training } = state;
  switch (action.type) {
    case 'extract.start': {
      const layers = action.layers.length;
      if (layers > 0 && action.reused.length === layers) {
        return `extract: all ${layers} feature sets already in store ${action.store}`;
      }
      const reused = action.reused.length > 0 ? ` (${action.reused.length} reused)` : '';
      const appended = action.appended?.length ?? 0;
      if (appended > 0) {
        // The dataset grew: stored rows stay, only the new records are extracted for these sets.
        const computed = layers - appended - action.reused.length;
        const also = computed > 0 ? `, ${formatCount(action.records)} records × ${computed} new layers` : '';
        return (
          `extract: ${formatCount(action.appendedRecords ?? 0)} new records appended to ${appended} feature sets` +
          `${also}${reused} → store ${action.store}`
        );
      }
      return `extract: ${formatCount(action.records)} records × ${layers} layers${reused} → store ${action.store}`;
    }
    case 'extract.end':
      return action.cached
        ? `extract: reused from store (${formatSeconds(action.seconds)})`
        : `extract: done, ${formatCount(extraction.total)} records in ${formatSeconds(action.seconds)}`;
    case 'train.start': {
      const layers = new Set(action.models.map((m) => m.layer)).size;
      return (
        `train: ${action.models.length} models on ${layers} layers · ${action.groups} groups on ` +
        `${action.workers} workers · ${action.epochs} epochs · run ${action.run}`
      );
    }
    case 'train.epoch': {
      const rows = layerRowsFromModels(training.models);
      const best = rows[bestRowIndex(rows)];
      const summary =
        best === undefined
          ? 'no metrics yet'
          : `best val acc ${formatPercent(best.value)} (${best.layer}, ${best.head ?? '?'})`;
      return `epoch ${training.epochsDone}/${training.epochs}: ${summary}`;
    }
    case 'train.control':
      return controlLine(action);
    case 'train.end':
      return `train: done in ${formatSeconds(action.seconds)}`;
    default:
      return undefined;
  }
}

/** `steer: stop m5 applied after epoch 12`, `steer: clone m3 → m24 …`, `halving: m7 stopped after epoch 4`. */
export function controlLine(event: TrainControlEvent): string {
  const when = appliedWhen(event.epoch);
  if (event.op === 'halve') return `halving: ${event.model ?? '?'} stopped ${when}`;
  const created = (event.models ?? []).map((m) => m.id);
  const subject = [event.op, event.model, created.length > 0 ? `→ ${created.join(', ')}` : undefined]
    .filter((part) => part !== undefined)
    .join(' ');
  return event.applied
    ? `steer: ${subject} applied ${when}`
    : `steer: ${subject} not applied: ${event.reason ?? 'no reason given'}`;
}

/** `after epoch 12`, or `before epoch 1` for a command applied before training began. */
export function appliedWhen(epoch: number): string {
  return epoch === 0 ? 'before epoch 1' : `after epoch ${epoch}`;
}
