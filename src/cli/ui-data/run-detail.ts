/**
 * Reads a run folder's files for the UI as plain data: the job (run.json), the results
 * (results.json), the visit order (visits.json) and the checkpoints' headers. Every file may be
 * missing (the run has not written it yet) or mid-replacement; what cannot be read is left out.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isLayerlabError } from '../../core/errors.js';
import type { RunMeta } from '../../store/run-store.js';
import type { TrainOutcome } from '../../train/mop/train-job.js';
import { peekRunJob } from '../../train/run-folder/run-job-file.js';
import { readRunResults } from '../../train/run-folder/run-results.js';
import { readRunVisits } from '../../train/run-folder/run-visits.js';
import { checkpointDir } from '../../train/run-folder/checkpoint.js';
import { snapshotPath } from '../../train/run-folder/run-snapshot.js';
import { readTensorFileHeader } from '../../train/run-folder/tensor-file.js';
import type { CheckpointView, EpochVisits, HeadConfigView, RunDetail, RunOutcome } from '../../ui/backend.js';
import { flattenConfig, headSummaryConfig } from '../../ui/run/model-config.js';
import { isRecord, numbers } from './json-file.js';

/** What a reader gives, or undefined when the file is damaged (the UI shows the rest). */
function unlessDamaged<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (isLayerlabError(error)) return undefined;
    throw error;
  }
}

/** The results, or undefined while there are none or they are damaged. */
function readResults(runDir: string): TrainOutcome | undefined {
  return unlessDamaged(() => readRunResults(runDir));
}

function readOutcome(runDir: string): RunOutcome | undefined {
  const results = readResults(runDir);
  if (results === undefined) return undefined;
  return {
    seconds: results.seconds,
    classes: results.classes,
    bestModel: results.best.id,
    ...(results.groups
      ? {
          groups: results.groups.groups.map((g) => ({
            name: g.name,
            best: { id: g.best.id, layer: g.best.layer, val: g.best.val, test: g.best.test },
            layers: g.layers.map((l) => ({ layer: l.layer, val: l.val })),
            shared: { id: g.shared.id, test: g.shared.test },
          })),
        }
      : {}),
    models: results.models.map((m) => ({
      id: m.id,
      layer: m.layer,
      label: m.label,
      head: m.head,
      ...(m.status === undefined ? {} : { status: m.status }),
      trainLoss: numbers(m.trainLoss),
      valLoss: numbers(m.valLoss),
      valAccuracy: numbers(m.valAccuracy),
      ...(m.valMacroF1 === undefined ? {} : { valMacroF1: numbers(m.valMacroF1) }),
      finalValAccuracy: m.finalValAccuracy,
      testAccuracy: m.testAccuracy ?? null,
      ...(m.id === results.best.id
        ? { confusion: results.best.confusion, confusionSplit: results.best.confusionSplit }
        : {}),
    })),
  };
}

/** visits.json, or nothing while it is missing or damaged. */
function readVisits(runDir: string): EpochVisits[] {
  return unlessDamaged(() => readRunVisits(runDir)) ?? [];
}

function readCheckpoints(runDir: string): CheckpointView[] {
  const dir = checkpointDir(runDir);
  if (!existsSync(dir)) return [];
  const views: CheckpointView[] = [];
  for (const name of readdirSync(dir).sort()) {
    const unit = /^e(\d+)-g(\d+)\.ckpt$/.exec(name);
    if (name !== 'snapshot.ckpt' && unit === null) continue;
    const path = join(dir, name);
    const header = readTensorFileHeader(path);
    if (header === undefined) continue;
    let stats;
    try {
      stats = statSync(path);
    } catch {
      continue;
    }
    const models = Array.isArray(header.models)
      ? header.models.map((m) => (isRecord(m) ? String(m.id) : String(m)))
      : [];
    views.push({
      kind: unit === null ? 'snapshot' : 'unit',
      path,
      bytes: stats.size,
      modifiedAt: stats.mtime.toISOString(),
      ...(typeof header.epoch === 'number' ? { epoch: header.epoch } : {}),
      ...(typeof header.group === 'number' ? { group: header.group } : {}),
      ...(typeof header.units === 'number' ? { units: header.units } : {}),
      models,
      tensors: Array.isArray(header.tensors) ? (header.tensors as CheckpointView['tensors']) : [],
    });
  }
  return views;
}

/** Each model's head: the epoch snapshot records every model (added ones too), else the results, else the job. */
function readHeads(
  runDir: string,
  job: Record<string, unknown> | undefined,
  outcome: RunOutcome | undefined,
) {
  const heads: Record<string, HeadConfigView> = {};
  const snapshot = readTensorFileHeader(snapshotPath(runDir));
  if (snapshot !== undefined && Array.isArray(snapshot.models)) {
    for (const m of snapshot.models)
      if (isRecord(m) && isRecord(m.head)) heads[String(m.id)] = flattenConfig(m.head);
    return heads;
  }
  for (const m of outcome?.models ?? []) heads[m.id] = headSummaryConfig(m.head);
  if (outcome !== undefined || job === undefined) return heads;
  const sets = Array.isArray(job.featureSets) ? job.featureSets : [];
  const configs: unknown[] = Array.isArray(job.heads) ? job.heads : [];
  const pairs: unknown[] = Array.isArray(job.models)
    ? job.models.map((m) => (isRecord(m) ? m.head : undefined))
    : sets.flatMap(() => configs);
  pairs.forEach((head, i) => {
    if (isRecord(head)) heads[`m${i}`] = flattenConfig(head);
  });
  return heads;
}

const jobExtras = ['metric', 'halving', 'maxGroupBytes'];

export function readRunDetail(runDir: string, meta: RunMeta | undefined, classNames?: string[]): RunDetail {
  const job = peekRunJob(runDir);
  const outcome = readOutcome(runDir);
  const extra: Record<string, number | string> = {};
  for (const key of jobExtras) {
    const value = job?.[key];
    if (typeof value === 'number' || typeof value === 'string') extra[key] = value;
  }
  return {
    ...(meta === undefined ? {} : { meta }),
    ...(job === undefined
      ? {}
      : {
          job: {
            featureSets: Array.isArray(job.featureSets)
              ? (job.featureSets as { key: string; layer: string }[])
              : [],
            epochs: Number(job.epochs),
            workers: Number(job.workers),
            seed: Number(job.seed),
            extra,
          },
        }),
    heads: readHeads(runDir, job, outcome),
    ...(outcome === undefined ? {} : { outcome }),
    visits: readVisits(runDir),
    checkpoints: readCheckpoints(runDir),
    ...(classNames === undefined ? {} : { classNames }),
  };
}
