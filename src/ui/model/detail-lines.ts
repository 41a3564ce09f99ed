/**
 * The model screen's text tabs (config, visit order, checkpoints) as lines, so the screen can
 * scroll them in any height. Pure.
 */
import type { RunDetail } from '../backend.js';
import { formatBytes } from '../../core/format-bytes.js';
import { formatLoss, formatPercent, formatShortDate } from '../format.js';
import type { ModelDetail } from './model-detail.js';

export interface DetailLine {
  text: string;
  /** a section heading */
  heading?: boolean;
  muted?: boolean;
}

const KEY_WIDTH = 16;

function pair(key: string, value: string | number): DetailLine {
  return { text: `  ${key.padEnd(KEY_WIDTH)}${value}` };
}

export function configLines(model: ModelDetail, detail: RunDetail | undefined): DetailLine[] {
  const last = model.history.at(-1);
  const lines: DetailLine[] = [
    { text: 'Model', heading: true },
    pair('id', model.id),
    pair('layer', model.layer),
    pair('label', model.head),
    pair('status', model.status === 'training' && model.runOver ? 'trained to the end' : model.status),
  ];
  if (model.origin !== undefined) lines.push(pair('origin', model.origin));
  lines.push(pair('epochs trained', model.history.length));
  if (last !== undefined) {
    lines.push(pair('val accuracy', `${formatPercent(last.valAccuracy)} (epoch ${last.epoch})`));
    lines.push(pair('val loss', formatLoss(last.valLoss)));
    if (last.valMacroF1 !== undefined) lines.push(pair('val macro-F1', formatPercent(last.valMacroF1)));
  }
  const test = model.outcome?.testAccuracy;
  if (test !== undefined && test !== null) lines.push(pair('test accuracy', formatPercent(test)));
  lines.push({ text: 'Head configuration', heading: true });
  for (const [key, value] of Object.entries(model.config)) lines.push(pair(key, value));
  const job = detail?.job;
  if (job !== undefined) {
    lines.push({ text: 'Run', heading: true });
    lines.push(pair('epochs', job.epochs), pair('workers', job.workers), pair('seed', job.seed));
    for (const [key, value] of Object.entries(job.extra)) lines.push(pair(key, value));
    const set = job.featureSets.find((s) => s.layer === model.layer);
    if (set !== undefined) lines.push(pair('feature set', set.key));
  }
  return lines;
}

/** One line per epoch: the group the model trained in, and the shards it visited, in order. */
export function visitLines(model: ModelDetail): DetailLine[] {
  if (model.visits.length === 0)
    return [{ text: 'no visits recorded yet (visits.json appears with the first epoch)', muted: true }];
  const lines: DetailLine[] = [
    {
      text: 'Visit order: each epoch the model’s group hops across the shards (Model Hopper Parallelism)',
      heading: true,
    },
  ];
  for (const visit of model.visits) {
    const others = visit.models.filter((m) => m !== model.id);
    const fused = others.length > 0 ? ` with ${others.join(' ')}` : '';
    lines.push({
      text: `  epoch ${String(visit.epoch).padStart(3)}  group ${visit.group}  shards ${visit.shards.join(' → ')}${fused}`,
    });
  }
  return lines;
}

export function checkpointLines(model: ModelDetail): DetailLine[] {
  if (model.checkpoints.length === 0) return [{ text: 'no checkpoint holds this model yet', muted: true }];
  const lines: DetailLine[] = [];
  for (const c of model.checkpoints) {
    const what =
      c.kind === 'snapshot'
        ? 'Snapshot (every model, at an epoch boundary)'
        : `Group ${c.group ?? '?'} after its latest unit`;
    lines.push({ text: what, heading: true });
    lines.push(pair('file', c.path));
    lines.push(pair('size', formatBytes(c.bytes)));
    lines.push(pair('written', formatShortDate(c.modifiedAt)));
    if (c.epoch !== undefined) lines.push(pair(c.kind === 'snapshot' ? 'epochs done' : 'epoch', c.epoch));
    if (c.units !== undefined) lines.push(pair('units done', c.units));
    for (const t of c.tensors) lines.push(pair(t.name, `[${t.dims.join(', ')}]`));
  }
  return lines;
}

/** Per class: recall (the diagonal over the row sum), and the overall accuracy. */
export function confusionStats(matrix: readonly (readonly number[])[]): {
  recall: (number | undefined)[];
  accuracy: number | undefined;
} {
  let correct = 0;
  let total = 0;
  const recall = matrix.map((row, i) => {
    const sum = row.reduce((a, b) => a + b, 0);
    correct += row[i] ?? 0;
    total += sum;
    return sum > 0 ? (row[i] ?? 0) / sum : undefined;
  });
  return { recall, accuracy: total > 0 ? correct / total : undefined };
}
