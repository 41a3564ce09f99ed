import type { LayerResult, TrainingResult } from '../../core/result.js';
import type { TrainOutcome } from '../mop/train-job.js';

/** Per layer, the model with the best final validation metric, in the order layers were trained. */
export function layerResults(outcome: TrainOutcome): LayerResult[] {
  const best = new Map<string, LayerResult>();
  for (const model of outcome.models) {
    const current = best.get(model.layer);
    if (!current || model.finalValue > current.best.value) {
      best.set(model.layer, { layer: model.layer, best: { value: model.finalValue, head: model.head } });
    }
  }
  return [...best.values()];
}

/** The machine-contract result document of a demo/train/sweep run. */
export function trainingResult(args: {
  outcome: TrainOutcome;
  store: string;
  cached: boolean;
  seconds: { extract: number; train: number; total: number };
}): TrainingResult {
  const { outcome } = args;
  return {
    type: 'result',
    run: outcome.run,
    store: args.store,
    metric: outcome.metric,
    cached: args.cached,
    seconds: args.seconds,
    layers: layerResults(outcome),
    best: {
      layer: outcome.best.layer,
      value: outcome.best.value,
      test: outcome.best.testValue ?? Number.NaN,
      head: outcome.best.head,
    },
  };
}
