import type { GraphModel, NamedTensorMap, Tensor } from '@tensorflow/tfjs';
import { badModel } from '../core/errors.js';
import type { Dim } from '../core/onnx/index.js';
import { assignBlocks } from './block-names.js';
import { DEFAULT_POOLING, pooledDims, type CapturePoint, type PointLayout } from './capture-point.js';
import type { TfjsModelJson } from './tfjs-file-io.js';
import { kerasBlock } from './tfjs-layers-model.js';
import type { TfjsModel } from './tfjs-model.js';
import type { Tf } from './tfjs-runtime.js';

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { s?: string }>;
}

/** Nodes that hold weights or plumbing rather than computed features. */
const NOT_FEATURES = new Set(['Const', 'Placeholder', 'NoOp', 'PlaceholderWithDefault']);
/** The spatial size probed when the input leaves it open. */
const PROBE_SPATIAL = 224;

/**
 * A GraphModel (tfjs-converter output): every float node computed from the input is a capture point,
 * found by executing the graph with all of them requested, once with one record and once with two;
 * `executeAsync(inputs, nodeNames)` then returns any set of them in one pass.
 */
export async function graphModel(
  tf: Tf,
  model: GraphModel,
  json: TfjsModelJson,
  ref: string,
): Promise<TfjsModel> {
  if (model.inputs.length !== 1)
    throw badModel(`${ref} has ${model.inputs.length} inputs; layerlab feeds TF.js models one image input`);
  const input = model.inputs[0]!;
  const inputName = input.name.replace(/:\d+$/, '');
  const inputShape = input.shape ?? [];
  if (inputShape.length !== 4 || input.dtype !== 'float32')
    throw badModel(
      `${ref}: input ${inputName} is not a float32 image [N,H,W,C]; layerlab feeds TF.js models images`,
    );
  const nodes = ((json.modelTopology.node as GraphNode[] | undefined) ?? []).filter(
    (n) => !NOT_FEATURES.has(n.op),
  );
  const run = async (batch: number) => {
    const dims = inputShape.map((d, axis) =>
      axis === 0 ? batch : d > 0 ? d : axis === 3 ? 3 : PROBE_SPATIAL,
    );
    const x = tf.zeros(dims);
    try {
      const out = await execute(
        model,
        { [inputName]: x },
        nodes.map((n) => n.name),
      );
      const probed = out.map((t) => ({ dtype: t.dtype, shape: [...t.shape] }));
      tf.dispose(out);
      return probed;
    } finally {
      x.dispose();
    }
  };
  let one;
  let two;
  try {
    one = await run(1);
    two = await run(2);
  } catch (error) {
    throw badModel(
      `TF.js cannot run ${ref} (${(error as Error).message.split('\n')[0]}); export the model again`,
      error,
    );
  }
  const weights = new Set(
    ((json.modelTopology.node as GraphNode[] | undefined) ?? [])
      .filter((n) => n.op === 'Const')
      .map((n) => n.name),
  );
  const blocks = assignBlocks(
    nodes.map((n) => ({ name: n.name, inputs: n.input ?? [], outputs: [n.name] })),
    weights,
  );
  const points: CapturePoint[] = [];
  nodes.forEach((node, i) => {
    const a = one[i]!;
    const b = two[i]!;
    if (a.dtype !== 'float32' || a.shape.length < 2 || a.shape[0] !== 1 || b.shape[0] !== 2) return;
    const shape: Dim[] = a.shape.map((d, axis) => (axis === 0 ? 'N' : d));
    const nchw = node.attr?.data_format?.s === Buffer.from('NCHW').toString('base64');
    const layout: PointLayout =
      shape.length <= 2
        ? 'vector'
        : shape.length === 3
          ? 'tokens'
          : nchw
            ? 'channels-first'
            : 'channels-last';
    const point: CapturePoint = {
      name: node.name,
      op: node.op,
      block: kerasBlock(blocks.get(node.name) ?? node.name),
      shape,
      size: pooledDims({ shape }, 'none'),
      pooledSize: 0,
      layout,
    };
    point.pooledSize = pooledDims(point, DEFAULT_POOLING);
    points.push(point);
  });
  return {
    input: { name: inputName, shape: inputShape.map((d, axis) => (axis === 0 ? 'N' : d > 0 ? d : null)) },
    points,
    runner(selected) {
      const names = selected.map((p) => p.name);
      return (x: Tensor) => execute(model, { [inputName]: x }, names);
    },
  };
}

/** `execute` (synchronous graphs), or `executeAsync` for graphs with control flow, which need it. */
async function execute(model: GraphModel, inputs: NamedTensorMap, names: string[]): Promise<Tensor[]> {
  try {
    return ([] as Tensor[]).concat(model.execute(inputs, names));
  } catch (error) {
    if (!/executeAsync/.test((error as Error).message)) throw error;
    return ([] as Tensor[]).concat(await model.executeAsync(inputs, names));
  }
}
