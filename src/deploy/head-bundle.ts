import { LayerlabError, notFound } from '../core/errors.js';
import type { HeadSummary } from '../core/result.js';
import { FeatureStore } from '../store/feature-store.js';
import type { FeatureSetManifest, StoreManifest } from '../store/manifest.js';
import { RunStore } from '../store/run-store.js';
import type { ModelState } from '../train/heads/head-state.js';
import { prepareRun } from '../train/mop/prepare-run.js';
import { readModelState } from '../train/run-folder/run-snapshot.js';
import type { Standardization } from '../train/heads/standardization.js';
import { readRunJob } from '../train/run-folder/run-job-file.js';
import { requireRunResults } from '../train/run-folder/run-results.js';
import { clusterStandardization, readClusterStoreFile } from '../train/run-folder/cluster-store-file.js';
import { clusterStoreOf } from '../pipeline/train-run.js';
import type { TrainOutcome } from '../train/mop/train-job.js';

/** Everything needed to apply one trained head to new data, read from its run and feature store. */
export interface HeadBundle {
  run: string;
  modelId: string;
  head: HeadSummary;
  /** units per hidden layer ([] for logistic regression) */
  hidden: number[];
  weights: ModelState;
  standardization: Standardization;
  dims: number;
  classes: number;
  classNames: string[];
  featureSet: FeatureSetManifest;
  store: StoreManifest;
  storeDir: string;
}

/** The chosen head of a finished run (`headId`, else the run's best), with its weights and scaling. */
export function loadHeadBundle(runDir: string, headId?: string): HeadBundle {
  const run = RunStore.open(runDir);
  const outcome = requireRunResults(runDir);
  const job = readRunJob(runDir);
  const modelId = headId ?? outcome.best.id;
  const model = outcome.models.find((m) => m.id === modelId);
  if (!model) {
    throw notFound(
      `run ${run.id} has no head ${modelId}; its heads are ${outcome.models
        .map((m) => m.id)
        .slice(0, 12)
        .join(', ')}${outcome.models.length > 12 ? ', …' : ''}`,
    );
  }
  const weights = readModelState(runDir, modelId);
  if (!weights)
    throw new LayerlabError(
      'BAD_DATA',
      `run ${run.id} has no saved weights for ${modelId}; resume it with \`layerlab train --resume ${run.id}\``,
    );
  if (clusterStoreOf(job.storeDir) !== undefined)
    return clusterBundle(runDir, job.storeDir, { run: run.id, modelId, model, weights });
  // Standardization is a pure function of the store's train split: recompute it exactly as training did.
  const prepared = prepareRun({
    storeDir: job.storeDir,
    workers: 1,
    featureSets: [{ key: model.featureSet, layer: model.layer }],
  });
  const store = FeatureStore.open(job.storeDir, { write: false });
  try {
    const featureSet = store.featureSet(model.featureSet);
    const manifest = store.manifest();
    if (!featureSet || !manifest)
      throw notFound(`the feature store ${job.storeDir} no longer holds ${model.layer}; re-extract it`);
    return {
      run: run.id,
      modelId,
      head: model.head,
      hidden: model.head.type === 'mlp' ? [...(model.head.hidden ?? [])] : [],
      weights,
      standardization: prepared.featureSets[0]!.standardization,
      dims: featureSet.dims,
      classes: prepared.classes,
      classNames:
        manifest.dataset.classNames.length > 0
          ? manifest.dataset.classNames
          : Array.from({ length: prepared.classes }, (_, i) => String(i)),
      featureSet,
      store: manifest,
      storeDir: job.storeDir,
    };
  } finally {
    store.close();
  }
}

/**
 * A `train --cluster` run's head: its store is on the hosts, so what the head needs of it comes from
 * the copy the coordinator kept in the run folder (cluster-store.json), with the standardization it
 * computed over the shards. No cluster is needed.
 */
function clusterBundle(
  runDir: string,
  storeDir: string,
  found: { run: string; modelId: string; model: TrainOutcome['models'][number]; weights: ModelState },
): HeadBundle {
  const { run, modelId, model, weights } = found;
  const kept = readClusterStoreFile(runDir);
  if (!kept)
    throw notFound(
      `run ${run} trained on ${storeDir} but has no cluster-store.json (it predates it); train it again with this version`,
    );
  const featureSet = kept.featureSets.find((s) => s.key === model.featureSet);
  const standardization = clusterStandardization(kept, model.featureSet);
  if (!featureSet || !standardization)
    throw new LayerlabError(
      'BAD_DATA',
      `${runDir}/cluster-store.json does not describe ${model.layer}; resume the run with \`layerlab train --resume ${run} --cluster URL\` to write it again`,
    );
  return {
    run,
    modelId,
    head: model.head,
    hidden: model.head.type === 'mlp' ? [...(model.head.hidden ?? [])] : [],
    weights,
    standardization,
    dims: featureSet.dims,
    classes: kept.classes,
    classNames:
      kept.classNames.length > 0
        ? kept.classNames
        : Array.from({ length: kept.classes }, (_, i) => String(i)),
    featureSet,
    store: kept.manifest,
    storeDir,
  };
}
