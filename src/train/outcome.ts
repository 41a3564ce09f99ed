import type { GroupEvaluation } from './evaluation.js';
import type { FusedGroup } from './fused-groups.js';
import { headLabel, headSummary } from './head-config.js';
import type { TrainHistory } from './mop-trainer.js';
import type { ModelResult, TrainJob, TrainOutcome } from './train-job.js';

/**
 * Assembles the run's results: per model its history and final metrics, and the best model by final
 * validation accuracy (ties: lower validation loss, then model order) with its confusion matrix.
 */
export function buildOutcome(args: {
  job: TrainJob;
  groups: readonly FusedGroup[];
  history: TrainHistory;
  final: GroupEvaluation[];
  finalSplit: 'test' | 'val';
  classes: number;
  visits: number[][][];
  run: string;
  runDir: string;
  seconds: number;
}): TrainOutcome {
  const { job, groups, history, final, finalSplit } = args;
  const models: ModelResult[] = [];
  const confusions: number[][][] = [];
  for (const group of groups) {
    group.members.forEach((m, k) => {
      const head = group.heads[k]!;
      const valAccuracy = history.valAccuracy[m]!;
      models[m] = {
        id: group.models[k]!,
        layer: group.layer,
        featureSet: group.featureSet,
        group: group.id,
        label: headLabel(head, job.heads),
        head: headSummary(group.models[k]!, head, job.epochs),
        trainLoss: history.trainLoss[m]!,
        valLoss: history.valLoss[m]!,
        valAccuracy,
        finalValAccuracy: valAccuracy.at(-1)!,
        testAccuracy: finalSplit === 'test' ? final[group.id]!.accuracy[k]! : null,
      };
      confusions[m] = final[group.id]!.confusion?.[k] ?? [];
    });
  }
  let bestIndex = 0;
  models.forEach((model, m) => {
    const best = models[bestIndex]!;
    const better =
      model.finalValAccuracy > best.finalValAccuracy ||
      (model.finalValAccuracy === best.finalValAccuracy && model.valLoss.at(-1)! < best.valLoss.at(-1)!);
    if (better) bestIndex = m;
  });
  const best = models[bestIndex]!;
  return {
    run: args.run,
    runDir: args.runDir,
    seconds: args.seconds,
    classes: args.classes,
    models,
    best: {
      id: best.id,
      layer: best.layer,
      head: best.head,
      valAccuracy: best.finalValAccuracy,
      testAccuracy: best.testAccuracy,
      confusion: confusions[bestIndex]!,
      confusionSplit: finalSplit,
    },
    groups: groups.map((g) => ({
      id: g.id,
      layer: g.layer,
      featureSet: g.featureSet,
      batchSize: g.batchSize,
      models: g.models,
    })),
    visits: args.visits,
  };
}
