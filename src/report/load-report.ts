import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LayerlabError, notFound } from '../core/errors.js';
import type { TrainingResult } from '../core/result.js';
import { FeatureStore } from '../store/feature-store.js';
import type { StoreManifest } from '../store/manifest.js';
import { RunStore } from '../store/run-store.js';
import { readRunJob } from '../train/run-folder/run-job-file.js';
import { requireRunResults } from '../train/run-folder/run-results.js';
import type { ReportModel } from './report-model.js';

/** A run id under the home's runs/ folder, or a run folder. */
export function resolveRunDir(runsRoot: string, ref: string): string {
  if (existsSync(join(ref, 'run-meta.json'))) return ref;
  const dir = join(runsRoot, ref);
  if (existsSync(join(dir, 'run-meta.json'))) return dir;
  throw notFound(`no run ${ref}; list runs with \`layerlab results\``);
}

/** The contract result of a finished run: the last `result` line of its event log. */
export function runResult(run: RunStore): TrainingResult {
  const { events } = run.readEvents();
  const result = events.filter((e) => e.type === 'result').at(-1) as TrainingResult | undefined;
  if (!result) {
    const meta = run.meta();
    throw new LayerlabError(
      'BAD_DATA',
      `run ${meta.id} has no result (status: ${meta.status}); wait for it to finish, or resume it with \`layerlab train --resume ${meta.id}\``,
    );
  }
  return result;
}

function storeManifest(dir: string): StoreManifest | undefined {
  if (!existsSync(join(dir, 'features.mdb'))) return undefined;
  const store = FeatureStore.open(dir, { write: false });
  try {
    return store.manifest();
  } finally {
    store.close();
  }
}

/** Reads everything a report shows from a finished run's folder and its feature store. */
export function loadReportModel(runDir: string): ReportModel {
  const run = RunStore.open(runDir);
  const meta = run.meta();
  const result = runResult(run);
  const outcome = requireRunResults(runDir);
  const job = existsSync(join(runDir, 'run.json')) ? readRunJob(runDir) : undefined;
  const manifest = storeManifest(result.store);
  return {
    run: {
      id: meta.id,
      command: meta.command,
      status: meta.status,
      startedAt: meta.startedAt,
      ...(meta.endedAt ? { endedAt: meta.endedAt } : {}),
      ...(job ? { seed: job.seed, epochs: job.epochs, workers: job.workers } : {}),
    },
    model: { ref: manifest?.model.ref ?? meta.model, ...(manifest ? { digest: manifest.model.digest } : {}) },
    dataset: {
      ref: manifest?.dataset.ref ?? meta.data,
      classNames:
        manifest?.dataset.classNames ?? Array.from({ length: outcome.classes }, (_, i) => String(i)),
      ...(manifest ? { digest: manifest.dataset.digest, records: manifest.dataset.records } : {}),
    },
    ...(manifest ? { preprocessing: manifest.preprocessing } : {}),
    versions: { ...(manifest?.libraryVersions ?? {}) },
    result,
    models: outcome.models.map((m) => ({
      id: m.id,
      layer: m.layer,
      label: m.label,
      status: m.status,
      trainLoss: m.trainLoss,
      valLoss: m.valLoss,
      valAccuracy: m.valAccuracy,
      finalValue: m.finalValue,
      testAccuracy: m.testAccuracy,
    })),
    best: { id: outcome.best.id, confusion: outcome.best.confusion, split: outcome.best.confusionSplit },
    ...(outcome.groups ? { groups: outcome.groups } : {}),
  };
}
