import type { RankingMetric } from '../../core/result.js';
import { headLabel, headSummary } from '../heads/head-config.js';
import { confusionRows } from '../heads/metrics.js';
import { compareModels, metricOf } from './model-record.js';
import type { FinalEvaluation } from './trainer.js';
import type { RunProgress } from '../run-folder/run-snapshot.js';
import type { EpochVisits, ModelResult, TrainOutcome } from './train-job.js';

/**
 * Assembles the run's results: per model that trained its history and final metrics, and the best
 * model by final validation metric (ties: lower validation loss, then model order) with its
 * confusion matrix.
 */
export function buildOutcome(args: {
  progress: RunProgress;
  final: FinalEvaluation;
  metric: RankingMetric;
  classes: number;
  visits: EpochVisits[];
  run: string;
  runDir: string;
  seconds: number;
}): TrainOutcome {
  const { progress, final, metric } = args;
  const trained = progress.models.filter((m) => m.history.length > 0);
  const allHeads = progress.models.map((m) => m.head);
  const onTest = final.split === 'test';
  const models: ModelResult[] = trained.map((m) => {
    const last = m.history.at(-1)!;
    const test = final.byModel.get(m.id)!;
    return {
      id: m.id,
      layer: m.layer,
      featureSet: m.featureSet,
      label: headLabel(m.head, allHeads),
      head: headSummary(m.id, m.head, m.history.length),
      status: m.status,
      trainLoss: m.history.map((h) => h.trainLoss),
      valLoss: m.history.map((h) => h.valLoss),
      valAccuracy: m.history.map((h) => h.valAccuracy),
      valMacroF1: m.history.map((h) => h.valMacroF1),
      finalValAccuracy: last.valAccuracy,
      finalValMacroF1: last.valMacroF1,
      finalValue: metricOf(last, metric),
      testAccuracy: onTest ? test.accuracy : null,
      testMacroF1: onTest ? test.macroF1 : null,
      testLoss: onTest ? test.loss : null,
      testValue: onTest ? (metric === 'macro_f1' ? test.macroF1 : test.accuracy) : null,
      confusion: confusionRows(test.confusion, args.classes),
    };
  });
  const bestRecord = [...trained].sort((a, b) => compareModels(a, b, metric))[0]!;
  const best = models.find((m) => m.id === bestRecord.id)!;
  return {
    run: args.run,
    runDir: args.runDir,
    seconds: args.seconds,
    classes: args.classes,
    metric,
    models,
    best: {
      id: best.id,
      layer: best.layer,
      head: best.head,
      value: best.finalValue,
      valAccuracy: best.finalValAccuracy,
      testAccuracy: best.testAccuracy,
      testValue: best.testValue,
      confusion: best.confusion,
      confusionSplit: final.split,
    },
    visits: args.visits,
  };
}
