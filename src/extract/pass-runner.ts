import { badData, badModel, interrupted, LayerlabError } from '../core/errors.js';
import { readIndices, type DataSource, type ReadOptions } from '../data/data-source.js';
import type { RecordBatch } from '../data/record-batch.js';
import type { StorageDtype } from '../store/batch-codec.js';
import type { BatchEntry, FeatureStore, SkippedRow } from '../store/feature-store.js';
import type { StageInput } from './onnx-stage.js';
import { ReadAhead } from './read-ahead.js';

export interface PassOutput {
  key: string;
  dims: number;
  dtype: StorageDtype;
  /** the feature view name, for messages */
  layer?: string;
}

export interface PassSession {
  /** one [rows, dims] array per output, in the pass's output order */
  run(input: StageInput): Promise<Float32Array[]>;
  release(): Promise<void>;
}

/** One walk over the data: the records (or a stored boundary tensor) in, some feature sets out. */
export interface Pass {
  /** `records`, or the key of a stored raw feature set the pass starts from (a staged boundary) */
  source: 'records' | { boundary: string };
  outputs: PassOutput[];
  open(): Promise<PassSession>;
}

/** A batch with work left: rows [from, rows) are computed; `stored` rows per output are kept. */
export interface BatchWork {
  batch: number;
  /** first storage row of the batch */
  start: number;
  rows: number;
  from: number;
  stored: number[];
}

/**
 * The batches a pass still has to compute, from the first missing one: a batch is done when every
 * output holds all its rows; a short last batch from before an append keeps its stored rows.
 */
export function pendingWork(
  store: FeatureStore,
  outputs: readonly PassOutput[],
  records: number,
  batchSize: number,
): BatchWork[] {
  const work: BatchWork[] = [];
  for (let batch = 0, start = 0; start < records; batch++, start += batchSize) {
    const rows = Math.min(batchSize, records - start);
    const stored = outputs.map((o) => Math.min(rows, store.batchRows(o.key, batch)));
    if (stored.every((s) => s === rows)) continue;
    work.push({ batch, start, rows, from: Math.min(...stored), stored });
  }
  return work;
}

export interface PassContext {
  store: FeatureStore;
  dataset: DataSource;
  /** canonical dataset index of every storage row */
  canonicalOfRow: Int32Array;
  records: number;
  batchSize: number;
  read: ReadOptions;
  /** decoded batches read ahead of inference */
  prefetch: number;
  strict: boolean;
  signal?: AbortSignal;
  /** records of work finished (for progress) */
  onRecords(count: number): void;
  onSkipped(rows: readonly SkippedRow[]): void;
}

/** Commits in flight at once: enough to hide LMDB's fsync behind the next batch's compute. */
const COMMITS_IN_FLIGHT = 2;
/** Bytes written between remaps of the store (see FeatureStore.remap): memory stays flat. */
const REMAP_BYTES = 16 * 2 ** 20;

function storeError(dir: string, error: unknown): LayerlabError {
  if (error instanceof LayerlabError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new LayerlabError(
    'IO',
    `cannot write the store ${dir} (${code}); free disk space or pass --store elsewhere`,
    {
      cause: error,
    },
  );
}

/** Features no head can learn from: the model (or its preprocessing) is broken, so stop before storing them. */
function refuseNonFinite(values: Float32Array, output: PassOutput): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!))
      throw badModel(
        `the model gives NaN or infinite values at ${output.layer ?? output.key}; check the preprocessing (--scale, --mean, --std), or leave that layer out with --layers`,
      );
  }
}

function concatRows(old: Float32Array, fresh: Float32Array): Float32Array {
  const out = new Float32Array(old.length + fresh.length);
  out.set(old);
  out.set(fresh, old.length);
  return out;
}

/**
 * Walks a pass over its pending batches: reads ahead (bounded, so memory stays flat), runs the
 * session, and commits each batch of every output in one transaction with its hash, in the
 * background but in order. Between batches it checks the abort signal and stops cleanly: commits
 * in flight land, nothing partial is ever visible, and the next run resumes at the first gap.
 */
export async function runPass(pass: Pass, context: PassContext): Promise<void> {
  const { store } = context;
  const work = pendingWork(store, pass.outputs, context.records, context.batchSize);
  if (work.length === 0) return;
  const session = await pass.open();
  const readRecords = (w: BatchWork): Promise<RecordBatch> =>
    readIndices(
      context.dataset,
      Array.from({ length: w.rows - w.from }, (_, i) => context.canonicalOfRow[w.start + w.from + i]!),
      context.read,
    );
  const reads = pass.source === 'records' ? new ReadAhead(work, context.prefetch, readRecords) : undefined;
  const commits: Promise<void>[] = [];
  let sinceRemap = 0;
  const settle = async () => {
    await reads?.drain();
    await Promise.allSettled(commits);
  };
  try {
    for (const w of work) {
      if (context.signal?.aborted) {
        await settle();
        await Promise.all(commits).catch((error: unknown) => Promise.reject(storeError(store.dir, error)));
        throw interrupted();
      }
      let input: StageInput;
      let skipped: SkippedRow[] = [];
      if (reads) {
        const records = await reads.take();
        const failed = records.kind === 'image' ? (records.failed ?? []) : [];
        if (failed.length > 0 && context.strict) {
          const first = failed[0]!;
          throw badData(
            `${first.id} could not be decoded (${first.reason}); remove it, or run without --strict to skip it`,
          );
        }
        skipped = failed.map((f) => ({ row: w.start + w.from + f.position, id: f.id, reason: f.reason }));
        input = { kind: 'records', records };
      } else {
        const source = pass.source as { boundary: string };
        const values = store.readBatch(source.boundary, w.batch);
        const perRow = values.length / w.rows;
        input = { kind: 'boundary', values: values.subarray(w.from * perRow), rows: w.rows - w.from };
      }
      const outputs = await session.run(input);
      pass.outputs.forEach((output, i) => refuseNonFinite(outputs[i]!, output));
      const entries: BatchEntry[] = [];
      pass.outputs.forEach((output, i) => {
        const kept = w.stored[i]!;
        if (kept === w.rows) return;
        let values = outputs[i]!.subarray((kept - w.from) * output.dims);
        // Rows stored before an append stay as they were; only the new rows were computed.
        if (kept > 0)
          values = concatRows(store.readBatch(output.key, w.batch).subarray(0, kept * output.dims), values);
        entries.push({ key: output.key, values, rows: w.rows, dims: output.dims, dtype: output.dtype });
      });
      const commit = store.commitBatch(w.batch, entries, undefined, skipped);
      // awaited below; until then a failed commit (disk full) must not count as an unhandled rejection
      commit.catch(() => {});
      commits.push(commit);
      if (skipped.length > 0) context.onSkipped(skipped);
      sinceRemap += entries.reduce((a, e) => a + e.values.byteLength, 0);
      const limit = sinceRemap >= REMAP_BYTES ? 0 : COMMITS_IN_FLIGHT - 1;
      while (commits.length > limit)
        await commits.shift()!.catch((e: unknown) => Promise.reject(storeError(store.dir, e)));
      if (sinceRemap >= REMAP_BYTES) {
        await store.remap();
        sinceRemap = 0;
      }
      context.onRecords(w.rows - w.from);
    }
    await Promise.all(commits).catch((error: unknown) => Promise.reject(storeError(store.dir, error)));
  } catch (error) {
    await settle();
    throw error;
  } finally {
    await session.release();
  }
}
