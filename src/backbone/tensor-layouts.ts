import type { NodeInfo } from '../core/onnx/index.js';
import type { PointLayout } from './capture-point.js';

/** Ops whose outputs are channels-first maps whatever their input was (ONNX's native layout). */
const CHANNELS_FIRST_OPS = new Set([
  'Conv',
  'ConvTranspose',
  'ConvInteger',
  'QLinearConv',
  'QLinearGlobalAveragePool',
  'QLinearAveragePool',
  'MaxPool',
  'AveragePool',
  'LpPool',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'BatchNormalization',
  'InstanceNormalization',
  'LRN',
  'DepthToSpace',
  'SpaceToDepth',
  'FusedConv',
]);

/** Ops that keep their input's axes: the output reads like the input of the same rank. */
const LAYOUT_PRESERVING_OPS = new Set([
  'Relu',
  'LeakyRelu',
  'PRelu',
  'Elu',
  'Selu',
  'Celu',
  'Gelu',
  'FastGelu',
  'Sigmoid',
  'HardSigmoid',
  'HardSwish',
  'Tanh',
  'Softplus',
  'Softsign',
  'Mish',
  'Clip',
  'Erf',
  'Exp',
  'Log',
  'Abs',
  'Neg',
  'Sqrt',
  'Pow',
  'Reciprocal',
  'Floor',
  'Ceil',
  'Round',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Max',
  'Min',
  'Sum',
  'Mean',
  'Where',
  'Concat',
  'Pad',
  'Resize',
  'Upsample',
  'Dropout',
  'Identity',
  'Cast',
  'QuantizeLinear',
  'DequantizeLinear',
  'QLinearAdd',
  'QLinearMul',
  'QLinearLeakyRelu',
  'QLinearSigmoid',
  'QLinearConcat',
]);

const sameArray = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Infers each tensor's layout by walking the graph in order: conv-family ops produce channels-first
 * maps, a Transpose by [0,2,3,1] turns one into a channels-last map (and [0,3,1,2] back), elementwise
 * ops keep their input's layout, and anything else reads by rank ([N,F] vector, [N,T,D] tokens,
 * rank 4+ channels-first). `ranks` holds the probed rank of every tensor that has one.
 */
export function inferLayouts(
  nodes: readonly NodeInfo[],
  ranks: ReadonlyMap<string, number>,
  inputLayouts: ReadonlyMap<string, PointLayout>,
): Map<string, PointLayout> {
  const layouts = new Map<string, PointLayout>(inputLayouts);
  for (const node of nodes) {
    for (const output of node.outputs) {
      const rank = ranks.get(output);
      if (rank === undefined) continue;
      layouts.set(output, layoutOf(node, rank, layouts, ranks));
    }
  }
  return layouts;
}

function byRank(rank: number): PointLayout {
  return rank <= 2 ? 'vector' : rank === 3 ? 'tokens' : 'channels-first';
}

function layoutOf(
  node: NodeInfo,
  rank: number,
  layouts: ReadonlyMap<string, PointLayout>,
  ranks: ReadonlyMap<string, number>,
): PointLayout {
  if (rank <= 2) return 'vector';
  // ONNX Runtime's quantized pools also take NHWC maps (com.microsoft, attribute channels_last)
  if (node.attributes.channels_last === 1) return 'channels-last';
  if (CHANNELS_FIRST_OPS.has(node.opType)) return 'channels-first';
  const source = node.inputs.find((i) => ranks.get(i) === rank && layouts.has(i));
  const inherited = source === undefined ? undefined : layouts.get(source);
  if (node.opType === 'Transpose' && rank === 4 && inherited) {
    const perm = node.attributes.perm;
    if (Array.isArray(perm) && inherited === 'channels-first' && sameArray(perm, [0, 2, 3, 1]))
      return 'channels-last';
    if (Array.isArray(perm) && inherited === 'channels-last' && sameArray(perm, [0, 3, 1, 2]))
      return 'channels-first';
  }
  if (node.opType === 'Transpose' && rank === 3 && inherited) {
    // [N, T, D] <-> [N, D, T], as models that normalise tokens with BatchNorm1d do.
    const perm = node.attributes.perm;
    if (Array.isArray(perm) && sameArray(perm, [0, 2, 1]))
      return inherited === 'tokens' ? 'channels-first' : 'tokens';
  }
  if (LAYOUT_PRESERVING_OPS.has(node.opType) && inherited) return inherited;
  return byRank(rank);
}
