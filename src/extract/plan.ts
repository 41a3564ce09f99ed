import { LayerlabError } from '../core/errors.js';

export interface PlanInput {
  records: number;
  /** per-record float32 values each capture point stores (after pooling) */
  storedValuesPerRecord: number[];
  /** per-record float32 values of the model input */
  inputValuesPerRecord: number;
  /** bytes the model's weights and ORT's arena need, roughly */
  modelBytes: number;
  memoryBudgetBytes: number;
  /** upper bound on the batch size */
  maxBatchSize: number;
}

export interface ExtractionPlan {
  mode: 'one-pass';
  batchSize: number;
  batches: number;
  forecast: { peakBytes: number; storeBytes: number };
}

/**
 * Chooses the batch size for one pooled pass (Vista's memory model, simplified: weights plus
 * per-record input, pooled outputs and a safety factor for activations). Pure: unit-tested with
 * synthetic size tables; the staged plan comes with issue 4.
 */
export function planExtraction(input: PlanInput): ExtractionPlan {
  const storedPerRecord = input.storedValuesPerRecord.reduce((a, b) => a + b, 0) * 4;
  // Activations are not visible before running; budget 8x the input per record as ORT's working set.
  const perRecord = input.inputValuesPerRecord * 4 * 9 + storedPerRecord * 2;
  const available = input.memoryBudgetBytes - input.modelBytes * 2;
  const fits = Math.floor(available / perRecord);
  if (fits < 1) {
    const needed = input.modelBytes * 2 + perRecord;
    throw new LayerlabError(
      'NOTHING_FITS',
      `extraction needs at least ${Math.ceil(needed / 2 ** 20)} MiB; raise --memory or capture fewer layers`,
    );
  }
  const batchSize = Math.max(1, Math.min(input.maxBatchSize, fits, input.records || 1));
  return {
    mode: 'one-pass',
    batchSize,
    batches: Math.ceil(input.records / batchSize),
    forecast: {
      peakBytes: input.modelBytes * 2 + perRecord * batchSize,
      storeBytes: storedPerRecord * input.records,
    },
  };
}
