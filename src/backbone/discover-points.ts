import type * as ort from 'onnxruntime-node';
import { appendToGraph, type Dim } from '../core/onnx/index.js';
import { assignBlocks } from './block-names.js';
import { fusedAwayTensors } from './fused-tensors.js';
import { pooledDims, DEFAULT_POOLING, type CapturePoint, type PointLayout } from './capture-point.js';
import { createOnnxSession, feedInputs, type OnnxModelFile } from './onnx-model-file.js';
import { quantizedTensors, type Quantization } from './quantized-tensors.js';
import { inferLayouts } from './tensor-layouts.js';

/** Ops whose outputs do not depend on the input's values: never features. */
const GENERATOR_OPS = new Set([
  'Constant',
  'ConstantOfShape',
  'EyeLike',
  'RandomNormal',
  'RandomNormalLike',
  'RandomUniform',
  'RandomUniformLike',
  'Bernoulli',
  'Multinomial',
]);

export interface ProbePlan {
  /** model inputs for a probe pass of `batch` records, token sequences `sequence` long */
  feeds(batch: number, sequence: number): Record<string, ort.Tensor>;
  /** the batch size a model with a fixed batch dimension takes; undefined when symbolic */
  fixedBatch?: number;
  /** for token models: the default max length, at which `size` counts the sequence axis */
  sequenceLength?: number;
  /** layouts of the model's inputs (an image input's NCHW or NHWC) */
  inputLayouts: ReadonlyMap<string, PointLayout>;
  /**
   * The inputs that carry the record (input_ids, not the attention mask): only tensors computed from
   * them are features. Every fed input when absent.
   */
  recordInputs?: readonly string[];
}

export interface Discovery {
  points: CapturePoint[];
  /** tensors computed from the input that cannot be layers, with why (Backbone.excludedTensors) */
  excluded: Map<string, string>;
}

interface Probed {
  type: string;
  dims: readonly number[];
}

/**
 * Finds every float tensor computed from the model's inputs that the optimized runtime graph
 * materializes (see fused-tensors.ts), with its shape. ONNX files rarely carry
 * intermediate shapes, so the model runs with every candidate exposed as an untyped extra output
 * (ONNX Runtime infers types): once with one record, once with two (the axis that follows is the
 * batch axis) and, for token models, once with a longer sequence (axes that follow are `T`).
 */
export async function discoverPoints(file: OnnxModelFile, plan: ProbePlan): Promise<Discovery> {
  const { info } = file;
  const declared = new Set(info.graph.outputs.map((o) => o.name));
  const candidates = dynamicTensors(file, plan.recordInputs);
  const probe = appendToGraph(file.bytes, {
    outputs: candidates.filter((c) => !declared.has(c.name)).map((c) => ({ name: c.name })),
  });
  // Fusions are pointless when every tensor is an output, and ONNX Runtime 1.30 crashes when one
  // consumes an exposed integer tensor (the position-id Range of a BERT embedding): probe unfused.
  const session = await createOnnxSession(file, probe, 1, { graphOptimizationLevel: 'basic' });
  const run = async (batch: number, sequence: number): Promise<Map<string, Probed>> => {
    const out = await session.run(plan.feeds(batch, sequence));
    const probed = new Map<string, Probed>();
    for (const [name, tensor] of Object.entries(out)) {
      probed.set(name, { type: tensor.type, dims: [...tensor.dims] });
      tensor.dispose();
    }
    return probed;
  };
  const seq = plan.sequenceLength;
  const [shortSeq, longSeq] = seq === undefined ? [1, 1] : [Math.min(3, seq - 1), Math.min(5, seq)];
  let one: Map<string, Probed>;
  let two: Map<string, Probed> | undefined;
  let longer: Map<string, Probed> | undefined;
  try {
    one = await run(plan.fixedBatch ?? 1, shortSeq);
    two = plan.fixedBatch === undefined ? await run(2, shortSeq) : undefined;
    longer = seq === undefined ? undefined : await run(plan.fixedBatch ?? 1, longSeq);
  } finally {
    await session.release();
  }

  const excluded = new Map<string, string>();
  const fused = await fusedAwayTensors(file);
  const weights = new Set(info.graph.initializers.map((i) => i.name));
  const quantized = quantizedTensors(info.graph.nodes, weights);
  // Integer tensors of quantized models, read through a DequantizeLinear.
  const readAs = new Map<string, Quantization>();
  const shapes = new Map<string, Dim[]>();
  for (const c of candidates) {
    const a = one.get(c.name);
    if (!a) continue;
    if (!FLOAT_TYPES.has(a.type)) {
      const q = a.type === 'uint8' || a.type === 'int8' ? quantized.get(c.name) : undefined;
      if (!q) {
        excluded.set(c.name, `holds ${a.type} values, not floats`);
        continue;
      }
      readAs.set(c.name, q);
    }
    if (a.dims.length < 2) continue;
    if (fused.has(c.name)) {
      excluded.set(
        c.name,
        "is fused away by ONNX Runtime's graph optimizations (capturing it would change the model's outputs)",
      );
      continue;
    }
    const batched = two ? a.dims[0] === 1 && two.get(c.name)?.dims[0] === 2 : a.dims[0] === plan.fixedBatch;
    if (!batched) continue;
    const b = longer?.get(c.name);
    shapes.set(
      c.name,
      a.dims.map((d, axis) => (axis === 0 ? 'N' : b && d === shortSeq && b.dims[axis] === longSeq ? 'T' : d)),
    );
  }
  const blocks = assignBlocks(info.graph.nodes, weights);
  const layouts = inferLayouts(
    info.graph.nodes,
    new Map([...shapes].map(([name, shape]) => [name, shape.length])),
    plan.inputLayouts,
  );
  const points: CapturePoint[] = [];
  for (const c of candidates) {
    const shape = shapes.get(c.name);
    if (!shape) continue;
    const type = one.get(c.name)!.type;
    const point: CapturePoint = {
      name: c.name,
      op: c.op,
      block: blocks.get(c.name) ?? c.name,
      shape,
      size: pooledDims({ shape }, 'none', seq),
      pooledSize: 0,
      layout: layouts.get(c.name) ?? 'vector',
    };
    const quantization = readAs.get(c.name);
    if (quantization) point.quantized = quantization;
    else if (type !== 'float32') point.dtype = type === 'float16' ? 'float16' : 'float64';
    point.pooledSize = pooledDims(point, DEFAULT_POOLING, seq);
    points.push(point);
  }
  for (const input of feedInputs(info)) excluded.set(input.name, 'is a model input');
  for (const weight of info.graph.initializers) excluded.set(weight.name, 'is a weight');
  return { points, excluded };
}

const FLOAT_TYPES = new Set(['float32', 'float16', 'float64']);

/** Node outputs whose values depend on the record's inputs, in graph order, with their producing op. */
function dynamicTensors(
  file: OnnxModelFile,
  recordInputs?: readonly string[],
): { name: string; op: string }[] {
  const dynamic = new Set(recordInputs ?? feedInputs(file.info).map((i) => i.name));
  const out: { name: string; op: string }[] = [];
  for (const node of file.info.graph.nodes) {
    if (!node.inputs.some((i) => dynamic.has(i))) continue;
    for (const name of node.outputs) {
      if (!name) continue;
      dynamic.add(name);
      if (!GENERATOR_OPS.has(node.opType)) out.push({ name, op: node.opType });
    }
  }
  return out;
}
