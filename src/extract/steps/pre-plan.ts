import { availableParallelism } from 'node:os';
import type { ReadOptions } from '../../data/data-source.js';
import { nothingToCompute } from '../describe-plan.js';
import type { ExtractResult } from '../extract-options.js';
import { onnxPartsOf } from '../onnx-stage.js';
import { planExtraction, type ExtractionPlan } from '../plan.js';
import { planInputFor } from '../plan-input.js';
import { probeTiming } from '../probe.js';
import type { WantedSet } from '../wanted-sets.js';
import type { ExtractRun } from './extract-run.js';
import { completeIn, type ReadOnlyLook } from './read-only-look.js';
import { outcomesOf, resultOf } from './report.js';

export const DEFAULT_MAX_BATCH = 128;

/** How passes run on this machine: threads, the model's ONNX parts (when it can be cut), image reads. */
export interface PassSetup {
  threads: number;
  parts: ReturnType<typeof onnxPartsOf>;
  read: ReadOptions;
}

export function passSetup(run: ExtractRun): PassSetup {
  const { options } = run;
  return {
    threads: options.threads ?? availableParallelism(),
    parts: onnxPartsOf(options.backbone),
    read: options.preprocess.kind === 'image' ? { imageSize: options.preprocess.resize } : {},
  };
}

/** The plan made from the read-only look, before the store is created or anything in it changes. */
export interface PrePlan {
  missing: WantedSet[];
  /** records to compute: the appended ones, or all */
  rows: number;
  nothingMissing: boolean;
  /** plans the missing sets; `timed` probes a batch first for a time forecast (`--plan`) */
  plan(timed: boolean): Promise<ExtractionPlan>;
}

export function prePlan(run: ExtractRun, setup: PassSetup, { snapshot, peek }: ReadOnlyLook): PrePlan {
  const { options } = run;
  const complete = completeIn(run, snapshot);
  const missing = run.wanted.filter((w) => !(peek.kind === 'same' && complete.has(w.key)));
  const rows = peek.kind === 'append' ? peek.added : peek.table.ids.length;
  // a set an earlier run began keeps its batch size
  const batchSize =
    missing.map((w) => snapshot?.sets.get(w.key)?.batchSize).find((b) => b !== undefined) ??
    options.batchSize;
  const plan = async (timed: boolean) =>
    planExtraction(
      planInputFor({
        backbone: options.backbone,
        parts: setup.parts,
        preprocess: options.preprocess,
        sets: missing,
        records: rows,
        memoryBudgetBytes: run.budget,
        cores: setup.threads,
        maxBatchSize: options.maxBatchSize ?? DEFAULT_MAX_BATCH,
        ...(batchSize ? { batchSize } : {}),
        dtype: run.dtype,
        strategy: options.strategy ?? 'auto',
        ...(timed
          ? {
              timing: await probeTiming({
                backbone: options.backbone,
                dataset: options.dataset,
                sets: missing,
                pooling: options.pooling,
                preprocess: options.preprocess,
                threads: setup.threads,
                read: setup.read,
              }),
            }
          : {}),
        baseBytes: process.memoryUsage.rss(),
      }),
    );
  return { missing, rows, nothingMissing: missing.length === 0 || rows === 0, plan };
}

/** `--plan`: the timed plan and forecast of what would run; nothing is computed or written. */
export async function planOnlyResult(
  run: ExtractRun,
  { snapshot, peek }: ReadOnlyLook,
  pre: PrePlan,
): Promise<ExtractResult> {
  const plan = pre.nothingMissing ? nothingToCompute(run.budget) : await pre.plan(true);
  const stored = new Set(run.wanted.filter((w) => !pre.missing.includes(w)).map((w) => w.key));
  // Without opening the store for writing, a set's stored rows are known only for complete sets.
  const storedRows = (key: string) => {
    const set = snapshot?.sets.get(key);
    return set?.complete ? set.records : 0;
  };
  const records = peek.table.ids.length;
  const outcomes = outcomesOf(run, stored, storedRows, records, peek.added);
  return { ...resultOf(run, pre.nothingMissing, plan, outcomes, records, peek.added), dryRun: true };
}
