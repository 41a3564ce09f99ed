import { LayerlabError } from '../core/errors.js';
import { formatBytes } from '../core/format-bytes.js';

/** `auto` lets the planner choose; the others force a plan (`lazy` exists as a benchmark baseline). */
export type Strategy = 'auto' | 'one-pass' | 'staged' | 'lazy';
export type PlanMode = Exclude<Strategy, 'auto'>;

/** One capture point to compute, with the sizes the memory model needs (values per record). */
export interface PlanPoint {
  name: string;
  /** the raw tensor */
  rawValues: number;
  /** what is stored for it: pooled, or the raw tensor under `--pool none` */
  storedValues: number;
  /** the largest tensor computed after the previous point up to this one (ORT's working set) */
  spanMaxValues: number;
  /** every value computed in that span: the proxy for its share of the compute */
  spanValues: number;
  /** the next point's stage can start from this tensor alone (a valid sub-model cut) */
  cuttable: boolean;
}

export interface PlanTiming {
  /** reading and decoding one record */
  decodeSecondsPerRecord: number;
  /** one record through the whole pass up to the last point */
  modelSecondsPerRecord: number;
  /** store writes and reads (a conservative disk figure when not measured) */
  storeBytesPerSecond: number;
}

export interface PlanInput {
  /** records to compute */
  records: number;
  /** in graph order */
  points: PlanPoint[];
  inputValuesPerRecord: number;
  /** decoded record (pixels, text) held while queued */
  decodedBytesPerRecord: number;
  /** bytes of the model file and its external data */
  modelBytes: number;
  /** the process before extraction starts (runtime, libraries) */
  baseBytes: number;
  memoryBudgetBytes: number;
  cores: number;
  maxBatchSize: number;
  /** a batch size that must be kept (resuming or extending stored sets, or `--batch-size`) */
  batchSize?: number;
  /** 4 for float32 storage, 2 for float16 */
  storageBytesPerValue: 2 | 4;
  strategy: Strategy;
  /** whether the backbone can be cut into sub-models (ONNX image models) */
  stagedAvailable: boolean;
  /** `--pool none`: the stored values are the raw tensors */
  rawRequested: boolean;
  /** a stored raw tensor a staged plan starts from instead of the records (an earlier boundary) */
  startFrom?: { name: string; rawValues: number };
  timing?: PlanTiming;
}

export interface PlanStage {
  /** the tensor the stage starts from: `input` (the records) or a boundary point */
  from: string;
  points: string[];
  /** forecast peak of the process while this stage runs */
  peakBytes: number;
  seconds?: number;
}

export interface ExtractionPlan {
  mode: PlanMode;
  /** why this plan, in one line */
  reason: string;
  batchSize: number;
  batches: number;
  concurrency: { ortThreads: number; decodeConcurrency: number; prefetchBatches: number };
  stages: PlanStage[];
  forecast: {
    peakBytes: number;
    /** bytes the new feature sets add to the store */
    storeBytes: number;
    /** the most disk that staged boundaries nobody asked for take at once (freed as stages finish) */
    boundaryBytes: number;
    seconds?: number;
    memoryBudgetBytes: number;
  };
}

const F32 = 4;
/** ORT keeps a few tensors of the span alive at once, plus arena slack. */
const ACTIVATION_FACTOR = 3;
/** Captured values exist as ORT's output, JavaScript's copy and the encoded batch. */
const OUTPUT_COPIES = 3;
/** Weights: the file's bytes in JavaScript, the edited copy handed to ORT, ORT's own. */
const MODEL_COPIES = 3;

interface PassShape {
  from: string;
  points: PlanPoint[];
  /** per-record bytes while the pass runs at batch size B: fixed + perRecord × B */
  perRecord: number;
  /** share of the model's compute */
  computeShare: number;
  readsRecords: boolean;
  /** raw bytes per record read back from the store (a staged boundary) */
  boundaryReadBytes: number;
  /** raw bytes per record written as the boundary for the next stage */
  boundaryWriteBytes: number;
}

function passBytes(
  input: PlanInput,
  points: PlanPoint[],
  from: PlanPoint | undefined,
  prefetch: number,
  rawOut: PlanPoint | undefined,
) {
  const queued = from ? from.rawValues * F32 : input.decodedBytesPerRecord;
  const feed = from ? from.rawValues * F32 : input.inputValuesPerRecord * F32;
  const activations = Math.max(0, ...points.map((p) => p.spanMaxValues)) * F32 * ACTIVATION_FACTOR;
  const stored = points.reduce((a, p) => a + p.storedValues, 0) * F32 * OUTPUT_COPIES;
  const boundary = rawOut ? rawOut.rawValues * F32 * OUTPUT_COPIES : 0;
  return queued * (prefetch + 1) + feed + activations + stored + boundary;
}

function passes(input: PlanInput, mode: PlanMode, prefetch: number): PassShape[] {
  const total = input.points.reduce((a, p) => a + p.spanValues, 0) || 1;
  const share = (points: PlanPoint[]) => points.reduce((a, p) => a + p.spanValues, 0) / total;
  if (mode === 'one-pass')
    return [
      {
        from: 'input',
        points: input.points,
        perRecord: passBytes(input, input.points, undefined, prefetch, undefined),
        computeShare: 1,
        readsRecords: true,
        boundaryReadBytes: 0,
        boundaryWriteBytes: 0,
      },
    ];
  if (mode === 'lazy')
    return input.points.map((point, i) => {
      const upTo = input.points.slice(0, i + 1);
      const withOnly = upTo.map((p) => (p === point ? p : { ...p, storedValues: 0 }));
      return {
        from: 'input',
        points: [point],
        perRecord: passBytes(input, withOnly, undefined, prefetch, undefined),
        computeShare: share(upTo),
        readsRecords: true,
        boundaryReadBytes: 0,
        boundaryWriteBytes: 0,
      };
    });
  // Staged (Vista): a stage ends at every point the model can be cut at; the next reads its tensor.
  const stages: PlanPoint[][] = [];
  let current: PlanPoint[] = [];
  input.points.forEach((point, i) => {
    current.push(point);
    if (point.cuttable || i === input.points.length - 1) {
      stages.push(current);
      current = [];
    }
  });
  // A boundary is stored as its own float32 raw set unless the user asked for exactly that.
  const boundaryIsStored = input.rawRequested && input.storageBytesPerValue === 4;
  const anchor: PlanPoint | undefined = input.startFrom && {
    name: input.startFrom.name,
    rawValues: input.startFrom.rawValues,
    storedValues: input.startFrom.rawValues,
    spanMaxValues: 0,
    spanValues: 0,
    cuttable: true,
  };
  return stages.map((points, k) => {
    const from = k === 0 ? anchor : stages[k - 1]!.at(-1)!;
    const last = points.at(-1)!;
    const extra = k < stages.length - 1 && !boundaryIsStored ? last : undefined;
    return {
      from: from?.name ?? 'input',
      points,
      perRecord: passBytes(input, points, from, prefetch, extra),
      computeShare: share(points),
      readsRecords: from === undefined,
      boundaryReadBytes: from ? from.rawValues * F32 : 0,
      boundaryWriteBytes: extra ? extra.rawValues * F32 : 0,
    };
  });
}

function fixedBytes(input: PlanInput): number {
  return input.baseBytes + input.modelBytes * MODEL_COPIES;
}

/** The largest batch size this mode fits at (0 when not even one record fits). */
function largestBatch(input: PlanInput, shapes: PassShape[]): number {
  const perRecord = Math.max(...shapes.map((s) => s.perRecord));
  return Math.floor((input.memoryBudgetBytes - fixedBytes(input)) / perRecord);
}

function buildPlan(input: PlanInput, mode: PlanMode, reason: string, batchSize: number, prefetch: number) {
  const shapes = passes(input, mode, prefetch);
  const { timing } = input;
  const n = input.records;
  const stages: PlanStage[] = shapes.map((s) => {
    const seconds = timing
      ? n *
        ((s.readsRecords ? timing.decodeSecondsPerRecord : 0) +
          timing.modelSecondsPerRecord * s.computeShare +
          (s.boundaryReadBytes + s.boundaryWriteBytes) / timing.storeBytesPerSecond)
      : undefined;
    return {
      from: s.from,
      points: s.points.map((p) => p.name),
      peakBytes: fixedBytes(input) + s.perRecord * batchSize,
      ...(seconds === undefined ? {} : { seconds }),
    };
  });
  const batches = Math.ceil(n / batchSize);
  const storeBytes =
    input.points.reduce((a, p) => a + p.storedValues, 0) * input.storageBytesPerValue * n +
    input.points.length * batches * 16;
  const boundaries = shapes.map((s) => s.boundaryWriteBytes * n);
  const boundaryBytes = Math.max(0, ...boundaries.map((b, k) => b + (boundaries[k - 1] ?? 0)));
  const writeSeconds = timing ? storeBytes / timing.storeBytesPerSecond : 0;
  const plan: ExtractionPlan = {
    mode,
    reason,
    batchSize,
    batches,
    concurrency: {
      ortThreads: input.cores,
      decodeConcurrency: Math.max(2, input.cores * 2),
      prefetchBatches: prefetch,
    },
    stages,
    forecast: {
      peakBytes: Math.max(...stages.map((s) => s.peakBytes)),
      storeBytes,
      boundaryBytes,
      memoryBudgetBytes: input.memoryBudgetBytes,
      ...(timing ? { seconds: stages.reduce((a, s) => a + (s.seconds ?? 0), 0) + writeSeconds } : {}),
    },
  };
  return plan;
}

/**
 * Chooses how to extract (Vista's memory model, adapted): concurrency first (ORT threads = cores,
 * decode ahead by up to two batches), then the plan and the largest batch that fits the memory
 * budget, with forecasts of peak RAM, store bytes and time. One pooled pass is the default;
 * staged (the model cut at the capture points, each stage run from the previous stage's stored
 * tensor) when raw features are requested or one pass does not fit. Pure: no I/O, no clock.
 * @throws LayerlabError NOTHING_FITS, saying how much memory a batch of one needs
 */
export function planExtraction(input: PlanInput): ExtractionPlan {
  const prefetch = input.cores > 1 ? 2 : 1;
  const candidates: { mode: PlanMode; reason: string }[] = [];
  if (input.strategy !== 'auto') {
    if (input.strategy === 'staged' && !input.stagedAvailable)
      throw new LayerlabError('CONFIG', 'this backbone cannot be cut into stages; use --strategy one-pass');
    candidates.push({ mode: input.strategy, reason: `--strategy ${input.strategy}` });
  } else if (input.rawRequested && input.stagedAvailable && input.points.length > 1) {
    candidates.push({
      mode: 'staged',
      reason: 'raw features requested: one stage per capture point keeps one raw tensor in memory at a time',
    });
  } else {
    candidates.push({ mode: 'one-pass', reason: 'one pooled pass captures every layer' });
    if (input.stagedAvailable && input.points.length > 1)
      candidates.push({ mode: 'staged', reason: 'one pass does not fit the memory budget; staged does' });
  }
  const needs: string[] = [];
  for (const { mode, reason } of candidates) {
    const shapes = passes(input, mode, prefetch);
    const fits = largestBatch(input, shapes);
    const batchSize = input.batchSize ?? Math.max(1, Math.min(input.maxBatchSize, fits, input.records || 1));
    if (fits >= batchSize) return buildPlan(input, mode, reason, batchSize, prefetch);
    const perRecord = Math.max(...shapes.map((s) => s.perRecord));
    needs.push(
      `${mode} at batch ${input.batchSize ?? 1} needs ${formatBytes(fixedBytes(input) + perRecord * (input.batchSize ?? 1))}`,
    );
  }
  throw new LayerlabError(
    'NOTHING_FITS',
    `extraction does not fit in ${formatBytes(input.memoryBudgetBytes)} of memory (${needs.join('; ')}); raise --memory${input.batchSize ? ', lower --batch-size' : ''} or capture fewer layers`,
  );
}
