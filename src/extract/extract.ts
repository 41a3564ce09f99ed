import type { FeatureStore } from '../store/feature-store.js';
import type { ExtractOptions, ExtractResult } from './extract-options.js';
import { refuseFullDisk } from './steps/disk-space.js';
import { startRun, type ExtractRun } from './steps/extract-run.js';
import { passSetup, planOnlyResult, prePlan, type PassSetup } from './steps/pre-plan.js';
import { cachedFromLook, lookReadOnly } from './steps/read-only-look.js';
import { reconcileStore } from './steps/reconcile-store.js';
import { coveredRows, resumePoint, storedSets } from './steps/resume-point.js';
import { planPasses } from './steps/plan-passes.js';
import { cachedResult, endEvent, outcomesOf, resultOf, startEvent } from './steps/report.js';
import { runPasses } from './steps/run-passes.js';
import { withWriteStore } from './steps/write-session.js';

export type { ExtractedFeatureSet, ExtractOptions, ExtractResult } from './extract-options.js';
export { describePlan } from './describe-plan.js';
export { storeDirFor } from './store-dir.js';

/**
 * Materializes the requested feature sets at most once, ever. Sets already stored are reused; a
 * dataset that grew has only its new records extracted and appended; an interrupted or killed
 * extraction resumes from its first missing batch. What is missing is computed by the plan the
 * planner picks (one pooled pass, staged, or lazy) within the memory budget, every batch of every
 * set committed atomically with its hash, completion recorded last. Each step is in steps/.
 */
export async function extract(options: ExtractOptions): Promise<ExtractResult> {
  const run = startRun(options);
  const look = lookReadOnly(run);
  const cached = cachedFromLook(run, look);
  if (cached) return cached;
  const setup = passSetup(run);
  // Plan from the read-only look first: `--plan` stops here, and a plan that does not fit fails
  // before the store is created or anything in it changes.
  const pre = prePlan(run, setup, look);
  if (options.planOnly) return planOnlyResult(run, look, pre);
  if (!pre.nothingMissing) await pre.plan(false);
  return withWriteStore(options.storeDir, (store) => extractInto(run, setup, store));
}

/** The extraction under the writer lock: records, resume point, plan, disk check, passes. */
async function extractInto(run: ExtractRun, setup: PassSetup, store: FeatureStore): Promise<ExtractResult> {
  const { records, added } = reconcileStore(run, store);
  const stored = storedSets(run, store);
  if (stored.missing.length === 0) return cachedResult(run, stored.reused, records);
  const resume = resumePoint(run, store, setup, stored);
  const outcomes = outcomesOf(
    run,
    stored.reused,
    (key) => coveredRows(store, stored.sets.get(key)),
    records,
    added,
  );
  startEvent(run, outcomes, added);
  const plan = planPasses(run, setup, store, stored, records, resume);
  refuseFullDisk(run.options.storeDir, plan.forecast.storeBytes);
  await runPasses(run, setup, store, plan, stored, records, resume);
  endEvent(run, false);
  return resultOf(run, false, plan, outcomes, records, added);
}
