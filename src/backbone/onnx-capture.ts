import { ort } from './ort-runtime.js';
import { appendToGraph, GraphBuilder } from '../core/onnx/index.js';
import type { RecordBatch } from '../data/record-batch.js';
import type { CaptureSession } from './backbone.js';
import { viewName, type CapturePoint, type Pooling } from './capture-point.js';
import { createOnnxSession, type OnnxModelFile } from './onnx-model-file.js';
import { addPooling } from './pooling-graph.js';

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
): { bytes: Uint8Array; output: string } {
  const g = new GraphBuilder('layerlab_capture', 'layerlab/');
  const pooled = points.map((p) => addPooling(g, p, pooling, { opset: file.opset, attentionMask }));
  const output = pooled.length === 1 ? pooled[0]! : g.op('Concat', pooled, { axis: 1 });
  g.output(output, 'float32');
  const graph = g.build();
  const bytes = appendToGraph(file.bytes, {
    nodes: graph.nodes,
    outputs: graph.outputs,
    initializers: graph.initializers,
  });
  return { bytes, output };
}

/** Splits [count, sum of dims] rows into one [count, dims[i]] array per view. */
export function splitViews(rows: Float32Array, count: number, dims: readonly number[]): Float32Array[] {
  const width = dims.reduce((a, b) => a + b, 0);
  let offset = 0;
  return dims.map((d) => {
    const view = new Float32Array(count * d);
    for (let r = 0; r < count; r++)
      view.set(rows.subarray(r * width + offset, r * width + offset + d), r * d);
    offset += d;
    return view;
  });
}

/** A session over `captureModel`'s edit that returns one [count, dims] array per point and batch. */
export async function openOnnxCapture(spec: OnnxCaptureSpec): Promise<CaptureSession> {
  const { file, points, pooling } = spec;
  const { bytes: edited, output } = captureModel(file, points, pooling, spec.attentionMask);
  const session = await createOnnxSession(file, edited, spec.threads);
  const runChunk = async (feeds: Feeds): Promise<Float32Array[]> => {
    let result: ort.InferenceSession.ReturnType;
    try {
      result = await session.run(feeds, [output]);
    } catch (error) {
      throw spec.runError(error);
    }
    const tensor = result[output]!;
    const views = splitViews(tensor.data as Float32Array, tensor.dims[0]!, spec.dims);
    tensor.dispose();
    return views;
  };
  return {
    views: points.map((p) => viewName(p.name, pooling)),
    dims: spec.dims,
    async run(records) {
      const { feeds, count } = await spec.encode(records);
      if (spec.fixedBatch === undefined) return runChunk(feeds);
      const parts: Float32Array[][] = [];
      for (let start = 0; start < count; start += spec.fixedBatch) {
        const take = Math.min(spec.fixedBatch, count - start);
        const chunk = await runChunk(sliceFeeds(feeds, count, start, take, spec.fixedBatch));
        // A padded last chunk keeps only its real records.
        parts.push(chunk.map((values, i) => values.subarray(0, take * spec.dims[i]!)));
      }
      return spec.dims.map((d, i) =>
        concat(
          parts.map((p) => p[i]!),
          count * d,
        ),
      );
    },
    release: () => session.release(),
  };
}

/** Records [start, start + take) of every feed, padded to `size` records by repeating the last. */
function sliceFeeds(feeds: Feeds, count: number, start: number, take: number, size: number): Feeds {
  const out: Feeds = {};
  for (const [name, tensor] of Object.entries(feeds)) {
    const perRecord = tensor.size / count;
    const data = tensor.data as Float32Array | BigInt64Array;
    const chunk = new (data.constructor as Float32ArrayConstructor | BigInt64ArrayConstructor)(
      size * perRecord,
    );
    for (let r = 0; r < size; r++) {
      const from = (start + Math.min(r, take - 1)) * perRecord;
      (chunk as Float32Array).set((data as Float32Array).subarray(from, from + perRecord), r * perRecord);
    }
    out[name] = new ort.Tensor(tensor.type as 'float32', chunk as Float32Array, [
      size,
      ...tensor.dims.slice(1),
    ]);
  }
  return out;
}

function concat(parts: readonly Float32Array[], length: number): Float32Array {
  const out = new Float32Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
