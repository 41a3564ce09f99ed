/** Progress fractions and the training ETA, derived from run state for bars and status lines. */
import type { ExtractionState, TrainingState } from './run-state.js';

export function extractionFraction(extraction: ExtractionState): number {
  if (extraction.status === 'done') return 1;
  return extraction.total > 0 ? Math.min(1, extraction.records / extraction.total) : 0;
}

/** The epoch shown as "k of n": the one running, or the last one once all are done. */
export function currentEpoch(training: TrainingState): number {
  return Math.min(training.epochsDone + 1, Math.max(training.epochs, 1));
}

export function trainingFraction(training: TrainingState): number {
  const total = training.epochs * training.unitsPerEpoch;
  if (training.status === 'done') return 1;
  if (total <= 0) return 0;
  return Math.min(1, (training.epochsDone * training.unitsPerEpoch + training.unitsDone) / total);
}

/**
 * Seconds left in training: the units still to run times the mean unit time, divided across the
 * workers that run them in parallel. Undefined until the first unit has finished.
 */
export function trainingEtaSeconds(training: TrainingState): number | undefined {
  if (training.unitsTotal === 0 || training.workers === 0) return undefined;
  const remaining =
    training.epochs * training.unitsPerEpoch -
    training.epochsDone * training.unitsPerEpoch -
    training.unitsDone;
  const perUnit = training.unitSecondsTotal / training.unitsTotal;
  return (Math.max(0, remaining) * perUnit) / training.workers;
}

/**
 * Training throughput in examples per second: examples over the summed unit time, times the workers
 * that run units side by side. Undefined until the first unit has finished.
 */
export function trainingRate(training: TrainingState): number | undefined {
  if (training.unitSecondsTotal <= 0 || training.workers === 0) return undefined;
  return (training.examplesTotal / training.unitSecondsTotal) * training.workers;
}
