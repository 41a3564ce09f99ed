import * as ort from 'onnxruntime-node';
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
 * Graph surgery for one pass: the selected tensors, pooled inside the graph, are appended as extra
 * outputs to the original bytes (which are kept whole, so the model's own outputs are computed as
 * before), and a session over them returns one [count, dims] array per point.
 */
export async function openOnnxCapture(spec: OnnxCaptureSpec): Promise<CaptureSession> {
  const { file, points, pooling } = spec;
  const g = new GraphBuilder('layerlab_capture', 'layerlab/');
  const outputs = points.map((p) =>
    addPooling(g, p, pooling, { opset: file.opset, attentionMask: spec.attentionMask }),
  );
  for (const name of outputs) g.output(name, 'float32');
  const graph = g.build();
  const edited = appendToGraph(file.bytes, {
    nodes: graph.nodes,
    outputs: graph.outputs,
    initializers: graph.initializers,
  });
  const session = await createOnnxSession(file, edited, spec.threads);
  const runChunk = async (feeds: Feeds): Promise<Float32Array[]> => {
    let result: ort.InferenceSession.ReturnType;
    try {
      result = await session.run(feeds, outputs);
    } catch (error) {
      throw spec.runError(error);
    }
    return outputs.map((name) => {
      const tensor = result[name]!;
      const copy = Float32Array.from(tensor.data as Float32Array);
      tensor.dispose();
      return copy;
    });
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
