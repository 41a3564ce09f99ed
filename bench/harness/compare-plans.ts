import type { PlanResult } from './plans.js';

export interface PlanFigures {
  /** wall-clock seconds of the whole plan */
  seconds: number;
  phases: PlanResult['seconds'];
  bestAccuracy: number;
  best: PlanResult['best'];
  peakRssMb: number;
  storeBytes: number;
  extractMode: string;
}

/** The end-to-end figures of one pair (the `endToEnd` block of its results file). */
export interface EndToEnd {
  /** status quo ÷ layerlab, total wall-clock time */
  ratio: number;
  phaseRatios: { open: number; extract: number; train: number };
  accuracy: {
    /** layerlab minus status quo, best validation accuracy */
    difference: number;
    /** what counts as noise: 3 standard errors of a difference of two independent accuracy estimates */
    tolerance: number;
    agree: boolean;
  };
  statusQuo: PlanFigures;
  layerlab: PlanFigures;
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

function figures(result: PlanResult): PlanFigures {
  return {
    seconds: round(result.seconds.total, 2),
    phases: {
      open: round(result.seconds.open, 2),
      extract: round(result.seconds.extract, 2),
      train: round(result.seconds.train, 2),
      total: round(result.seconds.total, 2),
    },
    bestAccuracy: round(result.bestAccuracy, 4),
    best: result.best,
    peakRssMb: Math.round(result.peakRssMb),
    storeBytes: result.storeBytes,
    extractMode: result.extractMode,
  };
}

/**
 * Compares the two plans of one pair. Both train the same models with the same seed and schedule;
 * they differ in the order examples are visited (one shard vs MOP's shards), so their accuracies
 * differ by optimisation noise only: agreement means within 3 standard errors of a difference of two
 * independent accuracy estimates on n validation records (lenient on purpose: both are in fact
 * measured on the same records).
 */
export function comparePlans(statusQuo: PlanResult, layerlab: PlanResult): EndToEnd {
  const p = (statusQuo.bestAccuracy + layerlab.bestAccuracy) / 2;
  const n = Math.max(1, layerlab.valRecords);
  const tolerance = 3 * Math.sqrt((2 * p * (1 - p)) / n);
  const difference = layerlab.bestAccuracy - statusQuo.bestAccuracy;
  const ratio = (phase: keyof PlanResult['seconds']) =>
    round(statusQuo.seconds[phase] / Math.max(layerlab.seconds[phase], 1e-9), 2);
  return {
    ratio: ratio('total'),
    phaseRatios: { open: ratio('open'), extract: ratio('extract'), train: ratio('train') },
    accuracy: {
      difference: round(difference, 4),
      tolerance: round(tolerance, 4),
      agree: Math.abs(difference) <= tolerance,
    },
    statusQuo: figures(statusQuo),
    layerlab: figures(layerlab),
  };
}
