import { nothingToCompute } from '../describe-plan.js';
import type { ExtractionPlan } from '../plan.js';
import type { ExtractResult } from '../extract-options.js';
import { appendedSummary, setOutcome, type FeatureSetStatus, type SetOutcome } from '../set-outcomes.js';
import type { ExtractRun } from './extract-run.js';

/** Each wanted set's outcome, from what the store held when the extraction began. */
export function outcomesOf(
  run: ExtractRun,
  storedKeys: ReadonlySet<string>,
  coveredRows: (key: string) => number,
  records: number,
  addedRecords: number,
): SetOutcome[] {
  return run.wanted.map((w) =>
    setOutcome({ stored: storedKeys.has(w.key), coveredRows: coveredRows(w.key), records, addedRecords }),
  );
}

export function resultOf(
  run: ExtractRun,
  cached: boolean,
  plan: ExtractionPlan,
  outcomes: readonly SetOutcome[],
  records: number,
  addedRecords: number,
): ExtractResult {
  return {
    store: run.options.storeDir,
    cached,
    featureSets: run.wanted.map(({ layer, key, dims }, i) => ({
      layer,
      key,
      dims,
      records,
      reused: outcomes[i]!.status === 'stored',
      ...outcomes[i]!,
    })),
    plan,
    seconds: (performance.now() - run.started) / 1000,
    skipped: run.skipped,
    appended: appendedSummary(outcomes, addedRecords),
  };
}

export function startEvent(run: ExtractRun, outcomes: readonly SetOutcome[], addedRecords: number): void {
  const { backbone, dataset, sink, storeDir } = run.options;
  const withStatus = (status: FeatureSetStatus) =>
    run.wanted.filter((_, i) => outcomes[i]!.status === status).map((w) => w.layer);
  const appended = withStatus('appended');
  sink({
    type: 'extract.start',
    store: storeDir,
    model: backbone.ref,
    dataset: dataset.ref,
    layers: run.wanted.map((w) => w.layer),
    records: dataset.size,
    reused: withStatus('stored'),
    appended,
    appendedRecords: appended.length > 0 ? addedRecords : 0,
  });
}

export function endEvent(run: ExtractRun, cached: boolean): void {
  run.options.sink({
    type: 'extract.end',
    store: run.options.storeDir,
    cached,
    seconds: (performance.now() - run.started) / 1000,
  });
}

/** The result of an extraction that found every wanted set stored, with its start and end events. */
export function cachedResult(run: ExtractRun, stored: ReadonlySet<string>, records: number): ExtractResult {
  const outcomes = outcomesOf(run, stored, () => 0, records, 0);
  startEvent(run, outcomes, 0);
  endEvent(run, true);
  return resultOf(run, true, nothingToCompute(run.budget), outcomes, records, 0);
}
