import type { FeatureStore } from '../../store/feature-store.js';
import { describePlan } from '../describe-plan.js';
import { planExtraction, type ExtractionPlan } from '../plan.js';
import { planInputFor } from '../plan-input.js';
import type { ExtractRun } from './extract-run.js';
import { DEFAULT_MAX_BATCH, type PassSetup } from './pre-plan.js';
import { coveredRows, type ResumePoint, type StoredSets } from './resume-point.js';

/** Plans the passes that compute the missing rows of the missing sets, from the resume point; logs it. */
export function planPasses(
  run: ExtractRun,
  setup: PassSetup,
  store: FeatureStore,
  { sets, missing }: StoredSets,
  records: number,
  resume: ResumePoint,
): ExtractionPlan {
  const { options } = run;
  const pendingRows = Math.max(...missing.map((w) => records - coveredRows(store, sets.get(w.key))));
  const plan = planExtraction(
    planInputFor({
      backbone: options.backbone,
      parts: setup.parts,
      preprocess: options.preprocess,
      sets: missing,
      records: pendingRows,
      memoryBudgetBytes: run.budget,
      cores: setup.threads,
      maxBatchSize: options.maxBatchSize ?? DEFAULT_MAX_BATCH,
      ...(resume.batchSize ? { batchSize: resume.batchSize } : {}),
      dtype: run.dtype,
      strategy: resume.strategy,
      baseBytes: process.memoryUsage.rss(),
      ...(resume.anchor
        ? { startFrom: { name: resume.anchor.point.name, rawValues: resume.anchor.point.size } }
        : {}),
    }),
  );
  options.sink({ type: 'log', level: 'info', message: describePlan(plan) });
  return plan;
}
