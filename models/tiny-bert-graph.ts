import { encodeModel, GraphBuilder, type AttributeValue } from '../src/core/onnx/index.js';
import { Rng } from '../src/core/random.js';

/** The tiny BERT's architecture (random weights: a fixture for capture, not a language model). */
export interface TinyBertConfig {
  vocabSize: number;
  hidden: number;
  heads: number;
  intermediate: number;
  layers: number;
  maxPositions: number;
  typeVocab: number;
  seed: number;
}

export const TINY_BERT: Omit<TinyBertConfig, 'vocabSize'> = {
  hidden: 32,
  heads: 4,
  intermediate: 64,
  layers: 3,
  maxPositions: 64,
  typeVocab: 2,
  seed: 20240611,
};

/**
 * Writes a BERT encoder graph the way PyTorch's exporter writes one at opset 14: inputs input_ids,
 * attention_mask, token_type_ids (int64 [batch_size, sequence_length]); word + position + token-type
 * embeddings; per layer self-attention with the additive mask, LayerNorm and GELU spelled out in
 * primitive ops (ONNX Runtime fuses them back); node and tensor names scoped like
 * `/encoder/layer.0/output/LayerNorm/Add_1`; output last_hidden_state [batch_size, sequence_length, hidden].
 */
export function tinyBertOnnx(config: TinyBertConfig): Uint8Array {
  const rng = new Rng(config.seed);
  const { hidden: d, heads, intermediate, layers } = config;
  const headDim = d / heads;
  const g = new GraphBuilder('tiny-bert');
  const nodeNames = new Map<string, string>();
  const filled = (name: string, dims: number[], value: () => number) =>
    g.initializer(
      name,
      'float32',
      dims,
      Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, value),
    );
  const weight = (name: string, dims: number[], scale = 0.2) =>
    filled(name, dims, () => rng.normal() * scale);
  const around = (name: string, center: number) => filled(name, [d], () => center + rng.normal() * 0.05);
  const scalar = (value: number) => g.constFloat([value], [], 'scalar');
  /** A node named `${scope}/${opName}` (as PyTorch names them) whose output is `${scope}/${opName}_output_0`. */
  const op = (
    scope: string,
    opName: string,
    opType: string,
    inputs: string[],
    attributes?: Record<string, AttributeValue>,
    output = `${scope}/${opName}_output_0`,
  ) => {
    nodeNames.set(output, `${scope}/${opName}`);
    return g.op(opType, inputs, attributes, output);
  };
  const paramName = (scope: string, param: string) => `${scope.slice(1).replace(/\//g, '.')}.${param}`;

  const layerNorm = (scope: string, x: string, output?: string) => {
    const s = `${scope}/LayerNorm`;
    const gamma = around(paramName(s, 'weight'), 1);
    const beta = around(paramName(s, 'bias'), 0);
    const mean = op(s, 'ReduceMean', 'ReduceMean', [x], { axes: [-1], keepdims: 1 });
    const centered = op(s, 'Sub', 'Sub', [x, mean]);
    const squared = op(s, 'Pow', 'Pow', [centered, scalar(2)]);
    const variance = op(s, 'ReduceMean_1', 'ReduceMean', [squared], { axes: [-1], keepdims: 1 });
    const std = op(s, 'Sqrt', 'Sqrt', [op(s, 'Add', 'Add', [variance, scalar(1e-12)])]);
    const scaled = op(s, 'Mul', 'Mul', [op(s, 'Div', 'Div', [centered, std]), gamma]);
    return op(s, 'Add_1', 'Add', [scaled, beta], undefined, output);
  };
  const dense = (scope: string, x: string, inDim: number, outDim: number) => {
    const w = weight(paramName(scope, 'weight'), [inDim, outDim]);
    const b = weight(paramName(scope, 'bias'), [outDim], 0.05);
    return op(scope, 'Add', 'Add', [op(scope, 'MatMul', 'MatMul', [x, w]), b]);
  };

  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  const types = g.input('token_type_ids', 'int64', ['batch_size', 'sequence_length']);

  // Embeddings: word + token type + position (positions 0..T-1 from the input's length).
  const e = '/embeddings';
  const words = op(`${e}/word_embeddings`, 'Gather', 'Gather', [
    weight('embeddings.word_embeddings.weight', [config.vocabSize, d]),
    ids,
  ]);
  const length = op(e, 'Gather', 'Gather', [op(e, 'Shape', 'Shape', [ids]), g.constInt64([1], [], 'axis')]);
  const positionIds = op(e, 'Range', 'Range', [
    g.constInt64([0], [], 'start'),
    length,
    g.constInt64([1], [], 'step'),
  ]);
  const positions = op(`${e}/position_embeddings`, 'Gather', 'Gather', [
    weight('embeddings.position_embeddings.weight', [config.maxPositions, d]),
    positionIds,
  ]);
  const tokenTypes = op(`${e}/token_type_embeddings`, 'Gather', 'Gather', [
    weight('embeddings.token_type_embeddings.weight', [config.typeVocab, d]),
    types,
  ]);
  const summed = op(e, 'Add_1', 'Add', [op(e, 'Add', 'Add', [words, tokenTypes]), positions]);
  let h = layerNorm(e, summed);

  // The additive attention mask: 0 where kept, -10000 where padded, shaped [N, 1, 1, T].
  const expanded = op('', 'Unsqueeze', 'Unsqueeze', [mask, g.constInt64([1, 2], [2], 'axes')]);
  const maskFloat = op('', 'Cast', 'Cast', [expanded], { to: 1 });
  const additive = op('', 'Mul', 'Mul', [op('', 'Sub', 'Sub', [scalar(1), maskFloat]), scalar(-10000)]);

  for (let layer = 0; layer < layers; layer++) {
    const base = `/encoder/layer.${layer}`;
    const self = `${base}/attention/self`;
    const split = (x: string, suffix: string, perm: number[]) =>
      op(
        self,
        `Transpose${suffix}`,
        'Transpose',
        [op(self, `Reshape${suffix}`, 'Reshape', [x, g.constInt64([0, 0, heads, headDim], [4], 'heads')])],
        { perm },
      );
    const q = split(dense(`${self}/query`, h, d, d), '', [0, 2, 1, 3]);
    const k = split(dense(`${self}/key`, h, d, d), '_1', [0, 2, 3, 1]);
    const v = split(dense(`${self}/value`, h, d, d), '_2', [0, 2, 1, 3]);
    const scores = op(self, 'Div', 'Div', [op(self, 'MatMul', 'MatMul', [q, k]), scalar(Math.sqrt(headDim))]);
    const probs = op(self, 'Softmax', 'Softmax', [op(self, 'Add', 'Add', [scores, additive])], { axis: -1 });
    const merged = op(self, 'Transpose_3', 'Transpose', [op(self, 'MatMul_1', 'MatMul', [probs, v])], {
      perm: [0, 2, 1, 3],
    });
    const context = op(self, 'Reshape_3', 'Reshape', [merged, g.constInt64([0, 0, d], [3], 'merge')]);
    const attended = op(`${base}/attention/output`, 'Add', 'Add', [
      dense(`${base}/attention/output/dense`, context, d, d),
      h,
    ]);
    const attentionOut = layerNorm(`${base}/attention/output`, attended);
    const act = `${base}/intermediate/intermediate_act_fn`;
    const pre = dense(`${base}/intermediate/dense`, attentionOut, d, intermediate);
    // GELU as erf: x * 0.5 * (1 + erf(x / sqrt(2))).
    const erf = op(act, 'Erf', 'Erf', [op(act, 'Div', 'Div', [pre, scalar(Math.SQRT2)])]);
    const gelu = op(act, 'Mul_1', 'Mul', [
      op(act, 'Mul', 'Mul', [pre, op(act, 'Add', 'Add', [erf, scalar(1)])]),
      scalar(0.5),
    ]);
    const residual = op(`${base}/output`, 'Add', 'Add', [
      dense(`${base}/output/dense`, gelu, intermediate, d),
      attentionOut,
    ]);
    h = layerNorm(`${base}/output`, residual, layer === layers - 1 ? 'last_hidden_state' : undefined);
  }
  g.output(h, 'float32', ['batch_size', 'sequence_length', d]);
  const graph = g.build();
  return encodeModel({
    graph: {
      ...graph,
      nodes: graph.nodes.map((n) => ({ ...n, name: nodeNames.get(n.outputs[0]!) ?? n.name })),
    },
    opsets: [{ domain: '', version: 14 }],
    producerName: 'layerlab',
    docString: 'tiny BERT-style text encoder with random weights (a layerlab test fixture)',
  });
}
