import { ort } from './ort-runtime.js';
import { appendToGraph, GraphBuilder } from '../core/onnx/index.js';
import type { RecordBatch } from '../data/record-batch.js';
import type { CaptureSession } from './backbone.js';
import { viewName, type CapturePoint, type Pooling } from './capture-point.js';
import { createOnnxSession, type OnnxModelFile } from './onnx-model-file.js';
import { addPooling } from './pooling-graph.js';
import { symbolicBatchModel } from './symbolic-batch.js';

export type Feeds = Record<string, ort.Tensor>;

export interface OnnxCaptureSpec {
  file: OnnxModelFile;
  points: readonly CapturePoint[];
  pooling: Pooling;
  threads: number;
  /** values per record of each view, as the adapter computed them */
  dims: number[];
  /** the graph input holding the attention mask, for masked pooling */
  attentionMask?: string;
  /** a model whose batch dimension is a fixed number runs in chunks of that many records */
  fixedBatch?: number;
  /**
   * the input whose fixed batch of 1 layerlab may make symbolic (symbolic-batch.ts): the copy runs
   * whole batches once its first batch matched record-by-record runs bitwise
   */
  batchInput?: string;
  /** preprocesses records into model inputs; every input's first axis is the record */
  encode(records: RecordBatch): Promise<{ feeds: Feeds; count: number }>;
  /** turns an ONNX Runtime failure on real input into a one-line error naming the fix */
  runError(error: unknown): Error;
}

/**
 * Graph surgery for one pass: the selected tensors, pooled inside the graph and concatenated into
 * one [N, sum of dims] tensor, appended as an extra output to the original bytes (kept whole, so
 * the model's own outputs are computed as before). One output, not one per point, because each
 * output costs a tensor hand-over per run, which dominates small models run record by record.
 */
export function captureModel(
  file: OnnxModelFile,
  points: readonly CapturePoint[],
  pooling: Pooling,
  attentionMask?: string,
  base: Uint8Array = file.bytes,
): { bytes: Uint8Array; output: string } {
  const g = new GraphBuilder('layerlab_capture', 'layerlab/');
  const pooled = points.map((p) => addPooling(g, p, pooling, { opset: file.opset, attentionMask }));
  const output = pooled.length === 1 ? pooled[0]! : g.op('Concat', pooled, { axis: 1 });
  g.output(output, 'float32');
  const graph = g.build();
  const bytes = appendToGraph(base, {
    nodes: graph.nodes,
    outputs: graph.outputs,
    initializers: graph.initializers,
  });
  return { bytes, output };
}

/** Splits [count, sum of dims] rows into one [count, dims[i]] array per view. */
export function splitViews(rows: Float32Array, count: number, dims: readonly number[]): Float32Array[] {
  const views = dims.map((d) => new Float32Array(count * d));
  scatterRows(rows, count, dims, views, 0);
  return views;
}

/** Copies [count, sum of dims] rows into the views, from record `start` on. */
function scatterRows(
  rows: Float32Array,
  count: number,
  dims: readonly number[],
  views: Float32Array[],
  start: number,
): void {
  const width = dims.reduce((a, b) => a + b, 0);
  let offset = 0;
  dims.forEach((d, i) => {
    const view = views[i]!;
    for (let r = 0; r < count; r++)
      view.set(rows.subarray(r * width + offset, r * width + offset + d), (start + r) * d);
    offset += d;
  });
}

/** A session over `captureModel`'s edit that returns one [count, dims] array per point and batch. */
export async function openOnnxCapture(spec: OnnxCaptureSpec): Promise<CaptureSession> {
  const { file, points, pooling } = spec;
  const { bytes: edited, output } = captureModel(file, points, pooling, spec.attentionMask);
  const session = await createOnnxSession(file, edited, spec.threads);
  const runRows = async (on: ort.InferenceSession, feeds: Feeds): Promise<ort.Tensor> => {
    try {
      return (await on.run(feeds, [output]))[output]!;
    } catch (error) {
      throw spec.runError(error);
    }
  };
  const runChunk = async (on: ort.InferenceSession, feeds: Feeds): Promise<Float32Array[]> => {
    const tensor = await runRows(on, feeds);
    const views = splitViews(tensor.data as Float32Array, tensor.dims[0]!, spec.dims);
    tensor.dispose();
    return views;
  };
  const fixedBatch = spec.fixedBatch;
  // Record by record straight into the batch's views: no per-record arrays besides ORT's own output.
  const perChunk = async (feeds: Feeds, count: number, size: number): Promise<Float32Array[]> => {
    const out = spec.dims.map((d) => new Float32Array(count * d));
    for (let start = 0; start < count; start += size) {
      const take = Math.min(size, count - start);
      const tensor = await runRows(session, sliceFeeds(feeds, count, start, take, size));
      // A padded last chunk keeps only its real records.
      scatterRows(tensor.data as Float32Array, take, spec.dims, out, start);
      tensor.dispose();
    }
    return out;
  };
  let batched = fixedBatch === 1 && spec.batchInput ? await openBatched(spec) : undefined;
  let verified = false;
  const dropBatched = async () => {
    const dropped = batched;
    batched = undefined;
    await dropped?.release();
  };
  return {
    views: points.map((p) => viewName(p.name, pooling)),
    dims: spec.dims,
    get batching() {
      if (fixedBatch === undefined) return undefined;
      return batched ? (verified ? 'whole-batch' : 'verifying') : 'per-record';
    },
    async run(records) {
      const { feeds, count } = await spec.encode(records);
      if (fixedBatch === undefined) return runChunk(session, feeds);
      if (batched && verified) return runChunk(batched, feeds);
      if (batched) {
        // The first batch runs both ways: the symbolic copy is kept only when it matches bitwise.
        const whole = await runChunk(batched, feeds).catch(() => undefined);
        const expected = await perChunk(feeds, count, fixedBatch);
        if (whole && whole.every((v, i) => sameBytes(v, expected[i]!))) verified = true;
        else await dropBatched();
        return expected;
      }
      return perChunk(feeds, count, fixedBatch);
    },
    async release() {
      await dropBatched();
      await session.release();
    },
  };
}

/** A session over the capture edit of the model with its batch of 1 made symbolic, if ORT loads it. */
async function openBatched(spec: OnnxCaptureSpec): Promise<ort.InferenceSession | undefined> {
  const base = symbolicBatchModel(spec.file.bytes, spec.batchInput!);
  if (!base) return undefined;
  const { bytes } = captureModel(spec.file, spec.points, spec.pooling, spec.attentionMask, base);
  return createOnnxSession(spec.file, bytes, spec.threads).catch(() => undefined);
}

function sameBytes(a: Float32Array, b: Float32Array): boolean {
  return (
    a.length === b.length &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    )
  );
}

/**
 * Records [start, start + take) of every feed, padded to `size` records by repeating the last; a
 * full chunk is a view of the feed's data, not a copy.
 */
function sliceFeeds(feeds: Feeds, count: number, start: number, take: number, size: number): Feeds {
  const out: Feeds = {};
  for (const [name, tensor] of Object.entries(feeds)) {
    const perRecord = tensor.size / count;
    const data = tensor.data as Float32Array | BigInt64Array;
    const dims = [size, ...tensor.dims.slice(1)];
    if (take === size) {
      const view = data.subarray(start * perRecord, (start + take) * perRecord);
      out[name] = new ort.Tensor(tensor.type as 'float32', view as Float32Array, dims);
      continue;
    }
    const chunk = new (data.constructor as Float32ArrayConstructor | BigInt64ArrayConstructor)(
      size * perRecord,
    );
    for (let r = 0; r < size; r++) {
      const from = (start + Math.min(r, take - 1)) * perRecord;
      (chunk as Float32Array).set((data as Float32Array).subarray(from, from + perRecord), r * perRecord);
    }
    out[name] = new ort.Tensor(tensor.type as 'float32', chunk as Float32Array, dims);
  }
  return out;
}
