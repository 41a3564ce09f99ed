import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBenchScript, readJsonIfAny } from './child.js';
import { comparePlans, type EndToEnd } from './compare-plans.js';
import { describeMachine } from './machine.js';
import { benchPairs, prepareData, type BenchPair } from './pairs.js';
import type { PlanName, PlanResult } from './plans.js';
import { writeResults } from './results-file.js';
import { benchWorkload } from './workload.js';

export interface PairOutcome {
  pair: BenchPair;
  records: number;
  layers: string[];
  models: number;
  endToEnd: EndToEnd;
  resultsFile: string;
}

async function runPlanChild(
  plan: PlanName,
  pair: BenchPair,
  dataRef: string,
  workDir: string,
  quick: boolean,
): Promise<PlanResult> {
  const out = join(workDir, `${plan}.json`);
  const planDir = join(workDir, plan);
  const args = ['--plan', plan, '--pair', pair.id, '--data', dataRef, '--work', planDir, '--out', out];
  const run = await runBenchScript('end-to-end.js', quick ? [...args, '--quick'] : args);
  const result = readJsonIfAny<PlanResult>(out);
  if (run.code !== 0 || !result) throw new Error(`${plan} plan on ${pair.id} failed (exit ${run.code})`);
  rmSync(planDir, { recursive: true, force: true });
  return result;
}

/**
 * The end-to-end benchmark of one pair: its records prepared once, then each plan in its own child
 * process (so each has its own peak RSS) on the same records, status quo first. Writes
 * bench/results/end-to-end-<pair>.json.
 */
export async function runPair(
  pair: BenchPair,
  quick: boolean,
  log: (line: string) => void,
): Promise<PairOutcome> {
  const machine = describeMachine();
  const workDir = mkdtempSync(join(tmpdir(), `layerlab-e2e-${pair.id}-`));
  try {
    const dataRef = prepareData(pair, workDir);
    log(`${pair.model} × ${pair.dataset}: status quo (one pass per layer, heads one by one)…`);
    const statusQuo = await runPlanChild('status-quo', pair, dataRef, workDir, quick);
    log(`${pair.model} × ${pair.dataset}: layerlab (one pass, fused heads, MOP)…`);
    const layerlab = await runPlanChild('layerlab', pair, dataRef, workDir, quick);
    const endToEnd = comparePlans(statusQuo, layerlab);
    const workload = benchWorkload(quick);
    const resultsFile = writeResults(`end-to-end-${pair.id}`, quick, {
      pair: {
        model: pair.model,
        dataset: pair.dataset,
        modelRef: pair.modelRef,
        preprocess: pair.preprocess,
      },
      setup: {
        records: layerlab.records,
        validationRecords: layerlab.valRecords,
        layers: layerlab.layers,
        headConfigs: workload.heads.length,
        models: layerlab.models,
        epochs: workload.epochs,
        extractBatchSize: workload.extractBatchSize,
        headBatchSize: workload.heads[0]!.batchSize,
        seed: workload.seed,
      },
      machine,
      endToEnd,
    });
    return {
      pair,
      records: layerlab.records,
      layers: layerlab.layers,
      models: layerlab.models,
      endToEnd,
      resultsFile,
    };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Every pair the shared assets allow (just the built-in one with `quick`). */
export async function runEndToEnd(
  quick: boolean,
  log: (line: string) => void,
): Promise<{ outcomes: PairOutcome[]; skipped: string[] }> {
  const { pairs, skipped } = benchPairs(quick);
  for (const reason of skipped) log(`skipped: ${reason}`);
  const outcomes: PairOutcome[] = [];
  for (const pair of pairs) outcomes.push(await runPair(pair, quick, log));
  return { outcomes, skipped };
}
