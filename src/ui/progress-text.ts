/**
 * The words beside the progress bars, built once here so the panels draw them and the layout can
 * measure them (a line too long for the terminal wraps, and the screen budgets for it). Pure.
 */
import { formatMebibytes } from '../core/format-bytes.js';
import { formatCount, formatEta, formatRate, formatSeconds } from './format.js';
import { currentEpoch, trainingEtaSeconds, trainingRate } from './progress.js';
import type { ExtractionState, TrainingState } from './run-state.js';

/** `Features  ` and `Training  `: the label column of both panels. */
export const PANEL_LABEL_WIDTH = 10;

export function extractionSummary(extraction: ExtractionState): string {
  const layers = extraction.layers.length;
  if (extraction.status === 'done') {
    return extraction.cached
      ? `reused from store (${formatSeconds(extraction.seconds ?? 0)})`
      : extraction.appended.length > 0 && extraction.appended.length + extraction.reused.length === layers
        ? `appended ${formatCount(extraction.appendedRecords)} records to ${extraction.appended.length} feature sets in ${formatSeconds(extraction.seconds ?? 0)}`
        : `${formatCount(extraction.total)} records × ${layers} layers in ${formatSeconds(extraction.seconds ?? 0)}`;
  }
  if (layers > 0 && extraction.reused.length === layers) return `reused from store (${layers} feature sets)`;
  return '';
}

export function extractionDetails(extraction: ExtractionState): string {
  const layers = extraction.layers.length;
  return (
    `${formatCount(extraction.records)}/${formatCount(extraction.total)} records · ` +
    `${formatRate(extraction.recordsPerSecond)} · ETA ${formatEta(extraction.etaSeconds)} · RSS ` +
    `${formatMebibytes(extraction.rssMb)}` +
    (extraction.reused.length > 0 ? ` · ${extraction.reused.length} of ${layers} reused` : '') +
    (extraction.appended.length > 0 ? ` · ${extraction.appended.length} of ${layers} appended to` : '')
  );
}

export function trainingSummary(training: TrainingState): string {
  return `${training.epochsDone} epochs${training.seconds === undefined ? '' : ` in ${formatSeconds(training.seconds)}`}`;
}

export function trainingHeadline(training: TrainingState): string {
  return `epoch ${currentEpoch(training)} of ${training.epochs}`;
}

export function trainingDetails(training: TrainingState): string {
  const rate = trainingRate(training);
  return (
    `units ${training.unitsDone}/${training.unitsPerEpoch}` +
    (rate === undefined ? '' : ` · ${formatCount(Math.round(rate))} ex/s`) +
    ` · ETA ${formatEta(trainingEtaSeconds(training))}` +
    (training.rssMb === undefined ? '' : ` · RSS ${formatMebibytes(training.rssMb)}`)
  );
}

/** The running line's length: label, bar, percentage, then the words. */
export function progressLineLength(barWidth: number, words: string): number {
  return PANEL_LABEL_WIDTH + barWidth + ' 100%  '.length + words.length;
}

/** Lines a progress line takes at `width` columns (its words wrap under themselves). */
export function progressLines(barWidth: number, words: string, width: number): number {
  const first = width - PANEL_LABEL_WIDTH;
  if (first <= 0) return 1;
  return Math.max(1, Math.ceil((progressLineLength(barWidth, words) - PANEL_LABEL_WIDTH) / first));
}
