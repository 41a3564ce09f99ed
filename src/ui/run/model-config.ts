/**
 * A model's full head configuration for the config view and the steering forms: the run's record
 * when there is one, else the final results, else what its label says. Pure.
 */
import type { HeadSummary } from '../../core/result.js';
import type { HeadConfigView, RunDetail } from '../backend.js';

const labelKeys: Record<string, string> = {
  lr: 'lr',
  l2: 'l2',
  bs: 'batchSize',
  mom: 'momentum',
  do: 'dropout',
  cw: 'classWeight',
};
const labelWords: Record<string, string> = {
  sgd: 'optimizer',
  adam: 'optimizer',
  constant: 'schedule',
  cosine: 'schedule',
  linear: 'type',
};

/** `lr=0.1 l2=1e-4 bs=32 adam mlp[128x64]` → `{ lr: 0.1, l2: 0.0001, batchSize: 32, optimizer: 'adam', … }`. */
export function configFromLabel(label: string): HeadConfigView {
  const config: HeadConfigView = {};
  for (const part of label.split(' ').filter(Boolean)) {
    const mlp = /^mlp\[(.+)\]$/.exec(part);
    const [key, value] = part.split('=');
    if (mlp !== null) Object.assign(config, { type: 'mlp', hidden: mlp[1]! });
    else if (value !== undefined && key !== undefined) {
      const n = Number(value);
      config[labelKeys[key] ?? key] = Number.isFinite(n) ? n : value;
    } else if (labelWords[part] !== undefined) config[labelWords[part]] = part;
  }
  return config;
}

/** Values as the config view shows them: arrays as `128x64`, booleans and the like as text. */
export function flattenConfig(values: Record<string, unknown>): HeadConfigView {
  const out: HeadConfigView = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      if (value.length > 0) out[key] = value.join('x');
    } else if (typeof value === 'number' || typeof value === 'string') out[key] = value;
    else out[key] = JSON.stringify(value);
  }
  return out;
}

/** A result's head summary as a configuration: without the model id and the epochs it trained. */
export function headSummaryConfig(summary: HeadSummary): HeadConfigView {
  const config = flattenConfig({ ...summary });
  delete config.id;
  delete config.epochs;
  return config;
}

export function modelConfig(
  model: { id: string; head: string },
  detail: RunDetail | undefined,
): HeadConfigView {
  const recorded = detail?.heads[model.id];
  if (recorded !== undefined) return recorded;
  const summary = detail?.outcome?.models.find((m) => m.id === model.id)?.head;
  if (summary !== undefined) return headSummaryConfig(summary);
  return configFromLabel(model.head);
}
