import type { FeatureStore } from '../../store/feature-store.js';
import { buildPasses } from '../build-passes.js';
import { pendingWork, runPass } from '../pass-runner.js';
import type { ExtractionPlan } from '../plan.js';
import { progressReporter } from '../progress.js';
import { canonicalOfRows } from '../reconcile-records.js';
import { featureSetManifest } from '../store-records.js';
import { nothingReadable } from './check-dataset.js';
import type { ExtractRun } from './extract-run.js';
import type { PassSetup } from './pre-plan.js';
import type { ResumePoint, StoredSets } from './resume-point.js';

/**
 * Walks the plan: begins the feature sets it computes, runs each pass over the batches still missing
 * (every batch of every set committed atomically with its hash), and completes each pass's sets as
 * its last write; the final completion also drops every staged boundary.
 */
export async function runPasses(
  run: ExtractRun,
  setup: PassSetup,
  store: FeatureStore,
  plan: ExtractionPlan,
  { sets, missing }: StoredSets,
  records: number,
  resume: ResumePoint,
): Promise<void> {
  const { options } = run;
  const { dataset } = options;
  const steps = buildPasses(plan, missing, {
    backbone: options.backbone,
    parts: setup.parts,
    pooling: options.pooling,
    preprocess: options.preprocess,
    threads: plan.concurrency.ortThreads || setup.threads,
    boundaryOf: resume.boundaryOf,
    ...(plan.mode === 'staged' && resume.anchor ? { anchor: resume.anchor } : {}),
  });
  for (const step of steps)
    for (const set of step.complete)
      if (!sets.has(set.key)) {
        const manifest = featureSetManifest(set, records, plan.batchSize, plan.mode);
        store.beginFeatureSet(manifest);
        sets.set(set.key, manifest);
      }
  const context = {
    store,
    dataset,
    canonicalOfRow: canonicalOfRows(store.records()),
    records,
    batchSize: plan.batchSize,
    read: setup.read,
    prefetch: plan.concurrency.prefetchBatches,
    strict: options.strict === true,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const total = steps.reduce(
    (a, step) =>
      a +
      pendingWork(store, step.pass.outputs, records, plan.batchSize).reduce((b, w) => b + w.rows - w.from, 0),
    0,
  );
  const progress = progressReporter(options.sink, total, options.progressIntervalMs);
  let done = 0;
  progress(0);
  for (const [i, step] of steps.entries()) {
    await runPass(step.pass, {
      ...context,
      onRecords: (n) => progress((done += n)),
      onSkipped: (rows) => run.skipped.push(...rows.map(({ id, reason }) => ({ id, reason }))),
    });
    // Feature sets of records none of which decoded would be all placeholders: never complete them.
    const undecoded = store.skipped();
    if (undecoded.length >= records) throw nothingReadable(dataset.ref, records, undecoded[0]);
    const temporaries =
      i === steps.length - 1
        ? store
            .featureSets()
            .filter((s) => s.temporary)
            .map((s) => s.key)
        : [];
    store.completeFeatureSets(
      step.complete.map((s) => s.key),
      dataset.digest,
      [...new Set([...step.remove.map((s) => s.key), ...temporaries])],
    );
  }
}
