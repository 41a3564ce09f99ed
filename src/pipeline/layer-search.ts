import { availableParallelism } from 'node:os';
import type { Pooling } from '../backbone/capture-point.js';
import type { PreprocessOverrides } from '../backbone/backbone.js';
import { loadBackbone } from '../backbone/load-backbone.js';
import { selectLayers } from '../backbone/select-layers.js';
import type { EventSink } from '../core/events.js';
import type { HomeLayout } from '../core/paths.js';
import type { TrainingResult } from '../core/result.js';
import { RunStore } from '../store/run-store.js';
import { newRunId } from './run-id.js';
import { openDataset } from '../data/open-dataset.js';
import { extract, storeDirFor } from '../extract/extract.js';
import type { HeadConfig } from '../train/heads/head-config.js';
import { trainingResult } from '../train/run-folder/layer-results.js';
import { train } from '../train/mop/train.js';

export interface LayerSearchOptions {
  model: string;
  data: string;
  /** `--layers` selectors */
  layers: string[];
  pooling: Pooling;
  /** image preprocessing flags; unset ones come from the model's input */
  preprocess?: PreprocessOverrides;
  heads: HeadConfig[];
  epochs: number;
  workers: number;
  seed: number;
  home: HomeLayout;
  /** an explicit store folder instead of the content-addressed one under the home */
  store?: string;
  sink: EventSink;
  signal?: AbortSignal;
  /** recorded in the run's metadata, e.g. `demo` */
  command: string;
}

/**
 * The whole pipeline behind `demo` (and later `train`/`sweep`): materialize the selected layers once
 * into the feature store (or reuse them), then train every layer × head with MOP.
 */
export async function runLayerSearch(options: LayerSearchOptions): Promise<TrainingResult> {
  const started = performance.now();
  const run = RunStore.create(options.home.runs, newRunId(), {
    command: options.command,
    model: options.model,
    data: options.data,
  });
  return run.record(options.sink, async (sink) => {
    const backbone = await loadBackbone(options.model, { home: options.home.root });
    const dataset = await openDataset(options.data);
    const points = selectLayers(backbone.points, options.layers, backbone.excludedTensors);
    const preprocess = backbone.resolvePreprocess(options.preprocess);
    const storeDir = options.store ?? storeDirFor(options.home.stores, backbone, dataset, preprocess);
    run.update({ store: storeDir });
    const extracted = await extract({
      backbone,
      dataset,
      points,
      pooling: options.pooling,
      preprocess,
      storeDir,
      sink,
      signal: options.signal,
      threads: availableParallelism(),
    });
    const extractSeconds = (performance.now() - started) / 1000;
    const outcome = await train(
      {
        storeDir,
        featureSets: extracted.featureSets.map(({ key, layer }) => ({ key, layer })),
        heads: options.heads,
        epochs: options.epochs,
        workers: options.workers,
        seed: options.seed,
      },
      { sink, runDir: run.dir, control: run, ...(options.signal ? { signal: options.signal } : {}) },
    );
    const total = (performance.now() - started) / 1000;
    const result = trainingResult({
      outcome,
      store: storeDir,
      cached: extracted.cached,
      seconds: { extract: extractSeconds, train: total - extractSeconds, total },
    });
    return result;
  });
}
