import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { loadBackbone } from '../../src/backbone/load-backbone.js';
import { selectLayers } from '../../src/backbone/select-layers.js';
import { openDataset } from '../../src/data/open-dataset.js';
import { extract } from '../../src/extract/extract.js';
import { FeatureStore } from '../../src/store/feature-store.js';
import { train } from '../../src/train/mop/train.js';
import type { TrainJob } from '../../src/train/mop/train-job.js';
import { dirBytes } from './dir-bytes.js';
import type { BenchPair } from './pairs.js';
import { trainOneByOne } from './train-one-by-one.js';
import type { Workload } from './workload.js';

export type PlanName = 'status-quo' | 'layerlab';

/** What one plan measured on one pair, in its own process. */
export interface PlanResult {
  plan: PlanName;
  pair: string;
  records: number;
  /** validation records: what the accuracies are measured on */
  valRecords: number;
  layers: string[];
  models: number;
  /** the extraction plan extract chose (`one-pass`) or was told to use (`lazy`) */
  extractMode: string;
  seconds: { open: number; extract: number; train: number; total: number };
  /** the best final validation accuracy over every (layer, head) model */
  bestAccuracy: number;
  best: { layer: string; head: string; testAccuracy: number | null };
  peakRssMb: number;
  storeBytes: number;
}

interface ModelScore {
  layer: string;
  head: string;
  valAccuracy: number;
  testAccuracy: number | null;
}

function validationRecords(storeDir: string): number {
  const store = FeatureStore.open(storeDir, { write: false });
  try {
    return store.records().split.filter((s) => s === 1).length;
  } finally {
    store.close();
  }
}

const seconds = (from: number) => (performance.now() - from) / 1000;

/**
 * Runs one plan on one pair: open the dataset (read and hash every record), extract every selected
 * layer into a fresh store under `workDir`, train every layer × head model, pick the best by final
 * validation accuracy. Status quo: one backbone pass per layer (extract's `lazy` plan), then each
 * head trained on its own, one after the other (`trainOneByOne`). layerlab: the planner's plan (one
 * pass for every layer), then every model in one MOP run with fused heads on every core.
 */
export async function runPlan(
  plan: PlanName,
  pair: BenchPair,
  dataRef: string,
  workDir: string,
  workload: Workload,
): Promise<Omit<PlanResult, 'peakRssMb'>> {
  const began = performance.now();
  const backbone = await loadBackbone(pair.modelRef);
  const dataset = await openDataset(dataRef, pair.data.kind === 'builtin' ? { count: pair.data.count } : {});
  const open = seconds(began);
  try {
    const storeDir = join(workDir, 'store');
    const extractStart = performance.now();
    const extracted = await extract({
      backbone,
      dataset,
      points: selectLayers(backbone.points, pair.layers),
      pooling: 'mean',
      preprocess: backbone.resolvePreprocess(pair.preprocess),
      storeDir,
      sink: () => {},
      batchSize: workload.extractBatchSize,
      strategy: plan === 'status-quo' ? 'lazy' : 'auto',
    });
    const extractSeconds = seconds(extractStart);
    const job: TrainJob = {
      storeDir,
      featureSets: extracted.featureSets.map(({ key, layer }) => ({ key, layer })),
      heads: workload.heads,
      epochs: workload.epochs,
      workers: availableParallelism(),
      seed: workload.seed,
    };
    const trainStart = performance.now();
    const scores: ModelScore[] =
      plan === 'status-quo'
        ? (await trainOneByOne(job)).map((m) => ({
            layer: m.layer,
            head: m.head,
            valAccuracy: m.valAccuracy.at(-1)!,
            testAccuracy: m.testAccuracy,
          }))
        : (await train(job, { runDir: join(workDir, 'run'), sink: () => {} })).models.map((m) => ({
            layer: m.layer,
            head: m.label,
            valAccuracy: m.finalValAccuracy,
            testAccuracy: m.testAccuracy,
          }));
    const trainSeconds = seconds(trainStart);
    // ties go to the first model in grid order, in both plans alike
    const best = scores.reduce((a, b) => (b.valAccuracy > a.valAccuracy ? b : a));
    return {
      plan,
      pair: pair.id,
      records: dataset.size,
      valRecords: validationRecords(storeDir),
      layers: job.featureSets.map((s) => s.layer),
      models: scores.length,
      extractMode: extracted.plan.mode,
      seconds: { open, extract: extractSeconds, train: trainSeconds, total: seconds(began) },
      bestAccuracy: best.valAccuracy,
      best: { layer: best.layer, head: best.head, testAccuracy: best.testAccuracy },
      storeBytes: dirBytes(storeDir),
    };
  } finally {
    await dataset.close?.();
  }
}
