import { encodeModel, GraphBuilder } from '../../core/onnx/index.js';
import { layerWidths, optimizerShapes, type HeadArch } from './head-arch.js';
import {
  batchSize,
  logSoftmax,
  oneHot,
  sharedInput,
  sharedInputGradient,
  stackForward,
  stackPrefix,
  standardize,
  weightInputs,
} from './head-graph-forward.js';
import { adamStep, applyUpdate, type OptimizerInputs } from './head-graph-optimizer.js';
import { nextName } from './group-state.js';

/**
 * A fused group's graphs: every stack of heads reads the same standardized batch, so the features
 * are read once per step for all of them (Nautilus, SIGMOD 2022).
 */
export interface GroupGraphSpec {
  dims: number;
  classes: number;
  /**
   * Train-split mean and std per feature, applied in the graph. Absent: X arrives standardized (the
   * shard workers standardize their rows once, when they load them, rather than every step).
   */
  mean?: Float32Array;
  std?: Float32Array;
  stacks: HeadArch[];
}

const OPSET = [{ domain: '', version: 17 }];

const standardized = (g: GraphBuilder, x: string, spec: GroupGraphSpec) =>
  spec.mean && spec.std ? standardize(g, x, spec.dims, spec.mean, spec.std) : x;

/** ones [1, B], so Σ over the batch is a MatMul: ONNX Runtime's ReduceSum order differs with K. */
function batchOnes(g: GraphBuilder, batchDim: string): string {
  return g.op('ConstantOfShape', [g.op('Concat', [g.constInt64([1]), batchDim], { axis: 0 })], {
    value: { tensor: { name: 'one', dtype: 'float32', dims: [1], data: Float32Array.from([1]) } },
  });
}

/**
 * One training step for every head of the group.
 * Inputs: X [B, D] raw features, y [B] int64; per stack `s{i}/`: its state (W{l}, b{l}, optimizer
 * buffers), hyper-parameters lr, l2 (and momentum for SGD) [K, 1, 1], class weights cw [K, C, 1],
 * and dropout masks mask{l} [K, B, H] when the stack has dropout.
 * Outputs: every state tensor's `_next`, and per stack loss [K] (weighted mean cross-entropy without
 * the L2 term) and correct [K] (arg-max hits on this batch).
 * Gradients in closed form: d = (softmax − onehot) · w_y / B at the logits, back through each layer
 * (dW = aᵀ·d + l2·W, db = Σ_B d, ReLU and dropout masks on the way down).
 */
export function buildTrainGraph(spec: GroupGraphSpec): Uint8Array {
  const g = new GraphBuilder('fused_head_train');
  const x = g.input('X', 'float32', ['B', spec.dims]);
  const y = g.input('y', 'int64', ['B']);
  const input = sharedInput(g, x, standardized(g, x, spec), spec.dims);
  const onehot = oneHot(g, y, spec.classes);
  const batch = batchSize(g, x);
  const ones = batchOnes(g, input.batchDim);

  spec.stacks.forEach((arch, i) => {
    const p = stackPrefix(i);
    const k = `${p}K`;
    const weights = weightInputs(g, p, arch, spec.dims, spec.classes);
    for (const [name, shape] of Object.entries(optimizerShapes(arch, spec.dims, spec.classes)))
      g.input(`${p}${name}`, 'float32', [k, ...shape]);
    const lr = g.input(`${p}lr`, 'float32', [k, 1, 1]);
    const l2 = g.input(`${p}l2`, 'float32', [k, 1, 1]);
    const cw = g.input(`${p}cw`, 'float32', [k, spec.classes, 1]);
    const hyper: OptimizerInputs =
      arch.optimizer === 'adam'
        ? adamStep(g, p, lr)
        : { lr, momentum: g.input(`${p}momentum`, 'float32', [k, 1, 1]) };

    const forward = stackForward(g, p, arch, input, spec.classes, weights, { masks: arch.dropout });
    const logp = logSoftmax(g, forward.logits);
    const sampleWeight = g.op('MatMul', [onehot, cw]); // [K, B, 1]: each row's class weight
    const logLikelihood = g.op(
      'ReduceSum',
      [g.op('Mul', [g.op('Mul', [onehot, logp]), sampleWeight]), g.constInt64([1, 2])],
      { keepdims: 0 },
    );
    g.op('Div', [g.op('Neg', [logLikelihood]), batch], undefined, `${p}loss`);
    const pred = g.op('ArgMax', [forward.logits], { axis: 2, keepdims: 0 });
    const hits = g.op('Cast', [g.op('Equal', [pred, y])], { to: 1 });
    g.op('ReduceSum', [hits, g.constInt64([1])], { keepdims: 0 }, `${p}correct`);

    let d = g.op('Div', [g.op('Mul', [g.op('Sub', [g.op('Exp', [logp]), onehot]), sampleWeight]), batch]);
    const widths = layerWidths(arch, spec.dims, spec.classes);
    for (let l = arch.hidden.length; l >= 0; l--) {
      const w = weights.w[l]!;
      const product =
        l === 0
          ? sharedInputGradient(g, input, d, widths[1]!)
          : g.op('MatMul', [g.op('Transpose', [forward.inputs[l]!], { perm: [0, 2, 1] }), d]);
      const dw = g.op('Add', [product, g.op('Mul', [l2, w])]);
      const db = g.op('Squeeze', [g.op('MatMul', [ones, d]), g.constInt64([1])]);
      if (l > 0) {
        let da = g.op('MatMul', [d, g.op('Transpose', [w], { perm: [0, 2, 1] })]);
        if (arch.dropout) da = g.op('Mul', [da, forward.masks[l - 1]!]);
        const active = g.op('Cast', [g.op('Greater', [forward.pre[l - 1]!, g.constFloat([0], [])])], {
          to: 1,
        });
        d = g.op('Mul', [da, active]);
      }
      applyUpdate(g, p, `W${l}`, dw, hyper, 3);
      applyUpdate(g, p, `b${l}`, db, hyper, 2);
    }

    for (let l = 0; l + 1 < widths.length; l++) {
      g.output(nextName(`${p}W${l}`), 'float32', [k, widths[l]!, widths[l + 1]!]);
      g.output(nextName(`${p}b${l}`), 'float32', [k, widths[l + 1]!]);
    }
    for (const [name, shape] of Object.entries(optimizerShapes(arch, spec.dims, spec.classes)))
      g.output(nextName(`${p}${name}`), 'float32', [k, ...shape]);
    g.output(`${p}loss`, 'float32', [k]);
    g.output(`${p}correct`, 'float32', [k]);
  });
  return encodeModel({ graph: g.build(), opsets: OPSET, producerName: 'layerlab' });
}

/**
 * Evaluation of every head of the group on a batch: per stack lossSum [K] (summed, unweighted
 * cross-entropy) and pred [K, B] int32 (arg-max class). Takes only the weights, not optimizer state.
 */
export function buildEvalGraph(spec: GroupGraphSpec): Uint8Array {
  const g = new GraphBuilder('fused_head_eval');
  const x = g.input('X', 'float32', ['B', spec.dims]);
  const y = g.input('y', 'int64', ['B']);
  const input = sharedInput(g, x, standardized(g, x, spec), spec.dims);
  const onehot = oneHot(g, y, spec.classes);
  spec.stacks.forEach((arch, i) => {
    const p = stackPrefix(i);
    const weights = weightInputs(g, p, arch, spec.dims, spec.classes);
    const forward = stackForward(g, p, arch, input, spec.classes, weights, { masks: false });
    const logLikelihood = g.op(
      'ReduceSum',
      [g.op('Mul', [onehot, logSoftmax(g, forward.logits)]), g.constInt64([1, 2])],
      { keepdims: 0 },
    );
    g.op('Neg', [logLikelihood], undefined, `${p}lossSum`);
    // int32, so the workers tally confusion matrices without a BigInt conversion per prediction
    g.op('Cast', [g.op('ArgMax', [forward.logits], { axis: 2, keepdims: 0 })], { to: 6 }, `${p}pred`);
    g.output(`${p}lossSum`, 'float32', [`${p}K`]);
    g.output(`${p}pred`, 'int32', [`${p}K`, 'B']);
  });
  return encodeModel({ graph: g.build(), opsets: OPSET, producerName: 'layerlab' });
}
