import type { NodeInfo } from '../core/onnx/index.js';

/**
 * How to read an integer tensor of a quantized model as floats: `DequantizeLinear(tensor, scale,
 * zeroPoint)`, with the scale and zero point (graph constants) its producing op quantized it with.
 * `tensor` is the point's own name today; it is kept apart so a float point could be read back from
 * the integer tensor it was dequantized from.
 */
export interface Quantization {
  /** the uint8/int8 tensor holding the values */
  tensor: string;
  scale: string;
  /** absent: zero (ONNX's default) */
  zeroPoint?: string;
}

/**
 * Positions of the output scale and zero point among the inputs of the QOperator ops (ONNX and
 * ONNX Runtime's `com.microsoft` contrib ops, as onnxruntime.quantization's QOperator format and the
 * ONNX Model Zoo's `*-int8` models use them). QuantizeLinear is left out: its output is the
 * quantized input of the next op (in QDQ models the float DequantizeLinear after it is the point).
 */
const OUTPUT_QUANTIZATION: Readonly<Record<string, readonly [number, number]>> = {
  QLinearConv: [6, 7],
  QLinearMatMul: [6, 7],
  QLinearAdd: [6, 7],
  QLinearMul: [6, 7],
  QGemm: [7, 8],
  QLinearGlobalAveragePool: [3, 4],
  QLinearAveragePool: [3, 4],
  QLinearLeakyRelu: [3, 4],
  QLinearSigmoid: [3, 4],
  QLinearSoftmax: [3, 4],
  QLinearReduceMean: [3, 4],
  QLinearConcat: [0, 1],
};

/** Ops that move quantized values without changing them: the output keeps its input's scale. */
const PASS_THROUGH_OPS = new Set([
  'MaxPool',
  'Reshape',
  'Flatten',
  'Transpose',
  'Squeeze',
  'Unsqueeze',
  'Identity',
  'Slice',
  'Split',
]);

/**
 * The quantization of every tensor a QOperator op (or a pass-through of one) produces, when its
 * scale and zero point are constants of the graph (initializers or Constant outputs). Tensors whose
 * scale is computed at run time (dynamic quantization) are left out: they cannot be read as floats
 * without running the op that computes it.
 */
export function quantizedTensors(
  nodes: readonly NodeInfo[],
  initializers: ReadonlySet<string>,
): Map<string, Quantization> {
  const constant = new Set([
    ...initializers,
    ...nodes.filter((n) => n.opType === 'Constant').flatMap((n) => n.outputs),
  ]);
  const out = new Map<string, Quantization>();
  for (const node of nodes) {
    const positions = OUTPUT_QUANTIZATION[node.opType];
    let params: Omit<Quantization, 'tensor'> | undefined;
    if (positions) {
      const scale = node.inputs[positions[0]];
      const zeroPoint = node.inputs[positions[1]];
      if (!scale || !constant.has(scale)) continue;
      if (zeroPoint && !constant.has(zeroPoint)) continue;
      params = zeroPoint ? { scale, zeroPoint } : { scale };
    } else if (PASS_THROUGH_OPS.has(node.opType)) {
      params = out.get(node.inputs[0] ?? '');
    }
    if (!params) continue;
    for (const tensor of node.outputs) if (tensor) out.set(tensor, { ...params, tensor });
  }
  return out;
}
