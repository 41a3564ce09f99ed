import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModel, type NodeInfo } from '../core/onnx/index.js';
import { createOnnxSession, type OnnxModelFile } from './onnx-model-file.js';

/** Ops whose output a fused kernel computes by the same accumulation as the op alone. */
const ACCUMULATING_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);
/** Elementwise activations a fused kernel applies after accumulating, value by value. */
const ACTIVATIONS = new Set(['Relu', 'Clip', 'LeakyRelu', 'Sigmoid', 'Tanh', 'HardSigmoid']);

/**
 * Pre-activation tensors (a Conv output read only by a Relu): fusing the activation into the Conv
 * changes no value, so capturing them, which unfuses the pair, leaves the outputs bitwise equal.
 */
function exactlyFusable(nodes: readonly NodeInfo[]): Set<string> {
  const consumers = new Map<string, string[]>();
  for (const node of nodes)
    for (const input of node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), node.opType]);
  const out = new Set<string>();
  for (const node of nodes) {
    if (!ACCUMULATING_OPS.has(node.opType)) continue;
    const ops = consumers.get(node.outputs[0] ?? '') ?? [];
    if (ops.length > 0 && ops.every((op) => ACTIVATIONS.has(op))) out.add(node.outputs[0]!);
  }
  return out;
}

/**
 * Conv outputs read only by a residual Add. ONNX Runtime's last optimization stage (the NCHWc
 * layout, which renames every tensor it touches, so its written-out graph cannot be compared by
 * name) folds that Add into the convolution's accumulation: these are fused too.
 */
function residualConvOutputs(file: OnnxModelFile): string[] {
  const { nodes, initializers } = file.info.graph;
  const constant = new Set([
    ...initializers.map((i) => i.name),
    ...nodes.filter((n) => n.opType === 'Constant').flatMap((n) => n.outputs),
  ]);
  const consumers = new Map<string, NodeInfo[]>();
  for (const node of nodes)
    for (const input of node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), node]);
  return nodes
    .filter((n) => n.opType === 'Conv')
    .map((n) => n.outputs[0]!)
    .filter((out) => {
      const readers = consumers.get(out) ?? [];
      return (
        readers.length === 1 &&
        (readers[0]!.opType === 'Add' || readers[0]!.opType === 'Sum') &&
        readers[0]!.inputs.every((i) => i === out || !constant.has(i))
      );
    });
}

/**
 * The tensors ONNX Runtime's graph optimizations fuse away (the inside of a LayerNormalization,
 * GELU or attention pattern spelled out in primitive ops, a residual Add folded into a Conv).
 * Exposing one keeps its pattern from fusing, and the fused kernel sums in another order, so the
 * model's own outputs would change in their last bits. ONNX Runtime writes the graph it optimized
 * at the fusion level to a scratch folder (deleted afterwards); the tensors missing from it are
 * the fused ones, less the exactly fusable ones, plus the residual convolutions.
 */
export async function fusedAwayTensors(file: OnnxModelFile): Promise<Set<string>> {
  const scratch = mkdtempSync(join(tmpdir(), 'layerlab-optimized-'));
  const path = join(scratch, 'optimized.onnx');
  try {
    const session = await createOnnxSession(
      file,
      file.bytes,
      1,
      { graphOptimizationLevel: 'extended', optimizedModelFilePath: path },
      // Weights go to a side file, so models over the 2 GB protobuf limit can be written too.
      {
        optimized_model_external_initializers_file_name: 'weights.bin',
        optimized_model_external_initializers_min_size_in_bytes: '1024',
      },
    );
    await session.release();
    const optimized = readModel(new Uint8Array(readFileSync(path)));
    const kept = new Set(optimized.graph.nodes.flatMap((n) => n.outputs));
    const exact = exactlyFusable(file.info.graph.nodes);
    const fused = file.info.graph.nodes
      .flatMap((n) => n.outputs)
      .filter((t) => t && !kept.has(t) && !exact.has(t));
    return new Set([...fused, ...residualConvOutputs(file)]);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
