import { encodeModel, GraphBuilder } from '../../core/onnx/index.js';
import { layerWidths, optimizerShapes, type HeadArch } from './head-arch.js';
import { stackPrefix } from './head-graph-forward.js';
import { adamStep, applyUpdate, type OptimizerInputs } from './head-graph-optimizer.js';
import { nextName } from './group-state.js';

/**
 * A fused group trained per data group (Kingpin, VLDB 2021: grouped learning). Every head of every
 * stack has one copy of its weights per data group, stacked as [K, G, …]; a step reads one batch per
 * group, laid out [G, B, D] (padded to the longest), and each group's rows reach only that group's
 * weights: the layers are batched MatMuls over the (K, G) axes, a block-diagonal product, so the
 * arithmetic of a group's heads is what it would be trained alone on that group's rows.
 */
export interface GroupedGraphSpec {
  dims: number;
  classes: number;
  /** data groups G */
  groups: number;
  stacks: HeadArch[];
}

const OPSET = [{ domain: '', version: 17 }];

/**
 * One training step of every (head, group) pair. Inputs: X [G, B, D] standardized, y [G, B] int64,
 * rowWeight [G, B] (1 for a group's rows, 0 for padding), count [G] (its rows this step); per stack
 * `s{i}/`: state W{l} [K, G, in, out], b{l} [K, G, out] and optimizer buffers [K, G, …];
 * lr, l2 (momentum) [K, 1, 1, 1]; class weights cw [K, G, C, 1] (balanced within each group); dropout
 * masks mask{l} [K, G, B, H]. A group with count 0 keeps its state bit for bit (Where on every output).
 * Outputs: every state's `_next`, loss [K, G] (weighted mean cross-entropy over the group's rows) and
 * correct [K, G]. Gradients in closed form, as in the ungrouped graph: d = (softmax − onehot)·w_y / n_g.
 */
export function buildGroupedTrainGraph(spec: GroupedGraphSpec): Uint8Array {
  const g = new GraphBuilder('grouped_head_train');
  const x = g.input('X', 'float32', [spec.groups, 'B', spec.dims]);
  const y = g.input('y', 'int64', [spec.groups, 'B']);
  const rowWeight = g.input('rowWeight', 'float32', [spec.groups, 'B']);
  const count = g.input('count', 'float32', [spec.groups]);
  const onehot = g.op('OneHot', [y, g.constInt64([spec.classes], []), g.constFloat([0, 1])], {
    axis: -1,
  }); // [G, B, C]
  const rows = g.op('Unsqueeze', [rowWeight, g.constInt64([2])]); // [G, B, 1]
  const active = g.op('Greater', [count, g.constFloat([0], [])]); // [G]
  const gate4 = g.op('Reshape', [active, g.constInt64([1, -1, 1, 1])]);
  const gate3 = g.op('Reshape', [active, g.constInt64([1, -1, 1])]);
  // n_g as [1, G, 1, 1]; an idle group divides by 1 (its outputs are discarded by the gate)
  const n = g.op('Reshape', [g.op('Max', [count, g.constFloat([1], [])]), g.constInt64([1, -1, 1, 1])]);
  const input = g.op('Unsqueeze', [x, g.constInt64([0])]); // [1, G, B, D]: shared by every head
  const batchDim = g.op('Slice', [g.op('Shape', [x]), g.constInt64([1]), g.constInt64([2])]);
  const ones = g.op('ConstantOfShape', [g.op('Concat', [g.constInt64([1]), batchDim], { axis: 0 })], {
    value: { tensor: { name: 'one', dtype: 'float32', dims: [1], data: Float32Array.from([1]) } },
  }); // [1, B]: Σ over the batch as a MatMul, like the ungrouped graph
  const transpose = (t: string) => g.op('Transpose', [t], { perm: [0, 1, 3, 2] });

  spec.stacks.forEach((arch, i) => {
    const p = stackPrefix(i);
    const k = `${p}K`;
    const widths = layerWidths(arch, spec.dims, spec.classes);
    const w: string[] = [];
    const b: string[] = [];
    for (let l = 0; l + 1 < widths.length; l++) {
      w.push(g.input(`${p}W${l}`, 'float32', [k, spec.groups, widths[l]!, widths[l + 1]!]));
      b.push(g.input(`${p}b${l}`, 'float32', [k, spec.groups, widths[l + 1]!]));
    }
    const buffers = optimizerShapes(arch, spec.dims, spec.classes);
    for (const [name, shape] of Object.entries(buffers))
      g.input(`${p}${name}`, 'float32', [k, spec.groups, ...shape]);
    const lr = g.input(`${p}lr`, 'float32', [k, 1, 1, 1]);
    const l2 = g.input(`${p}l2`, 'float32', [k, 1, 1, 1]);
    const cw = g.input(`${p}cw`, 'float32', [k, spec.groups, spec.classes, 1]);
    const hyper: OptimizerInputs =
      arch.optimizer === 'adam'
        ? adamStep(g, p, lr, gate4)
        : { lr, momentum: g.input(`${p}momentum`, 'float32', [k, 1, 1, 1]) };

    // forward: per layer its input (a [1|K, G, B, in]), pre-activations and dropout masks
    const inputs = [input];
    const pre: string[] = [];
    const masks: string[] = [];
    let a = input;
    arch.hidden.forEach((units, l) => {
      const z = g.op('Add', [g.op('MatMul', [a, w[l]!]), g.op('Unsqueeze', [b[l]!, g.constInt64([2])])]);
      pre.push(z);
      a = g.op('Relu', [z]);
      if (arch.dropout) {
        const mask = g.input(`${p}mask${l}`, 'float32', [k, spec.groups, 'B', units]);
        masks.push(mask);
        a = g.op('Mul', [a, mask]);
      }
      inputs.push(a);
    });
    const last = arch.hidden.length;
    const logits = g.op('Add', [
      g.op('MatMul', [a, w[last]!]),
      g.op('Unsqueeze', [b[last]!, g.constInt64([2])]),
    ]); // [K, G, B, C]
    const logp = g.op('LogSoftmax', [logits], { axis: 3 });
    const sampleWeight = g.op('Mul', [g.op('MatMul', [onehot, cw]), rows]); // [K, G, B, 1], 0 on padding
    const logLikelihood = g.op(
      'ReduceSum',
      [g.op('Mul', [g.op('Mul', [onehot, logp]), sampleWeight]), g.constInt64([2, 3])],
      { keepdims: 0 },
    );
    const nFlat = g.op('Reshape', [n, g.constInt64([1, -1])]);
    g.op('Div', [g.op('Neg', [logLikelihood]), nFlat], undefined, `${p}loss`);
    const pred = g.op('ArgMax', [logits], { axis: 3, keepdims: 0 }); // [K, G, B]
    const hits = g.op('Mul', [g.op('Cast', [g.op('Equal', [pred, y])], { to: 1 }), rowWeight]);
    g.op('ReduceSum', [hits, g.constInt64([2])], { keepdims: 0 }, `${p}correct`);

    let d = g.op('Div', [g.op('Mul', [g.op('Sub', [g.op('Exp', [logp]), onehot]), sampleWeight]), n]);
    for (let l = last; l >= 0; l--) {
      const dw = g.op('Add', [g.op('MatMul', [transpose(inputs[l]!), d]), g.op('Mul', [l2, w[l]!])]);
      const db = g.op('Squeeze', [g.op('MatMul', [ones, d]), g.constInt64([2])]);
      if (l > 0) {
        let da = g.op('MatMul', [d, transpose(w[l]!)]);
        if (arch.dropout) da = g.op('Mul', [da, masks[l - 1]!]);
        const on = g.op('Cast', [g.op('Greater', [pre[l - 1]!, g.constFloat([0], [])])], { to: 1 });
        d = g.op('Mul', [da, on]);
      }
      // W is [K, G, in, out]: hyper-parameters [K, 1, 1, 1] broadcast as they are ("rank 3");
      // b is [K, G, out]: they are squeezed to [K, 1, 1] ("rank 2")
      applyUpdate(g, p, `W${l}`, dw, hyper, 3, gate4);
      applyUpdate(g, p, `b${l}`, db, hyper, 2, gate3);
    }

    for (let l = 0; l + 1 < widths.length; l++) {
      g.output(nextName(`${p}W${l}`), 'float32', [k, spec.groups, widths[l]!, widths[l + 1]!]);
      g.output(nextName(`${p}b${l}`), 'float32', [k, spec.groups, widths[l + 1]!]);
    }
    for (const [name, shape] of Object.entries(buffers))
      g.output(nextName(`${p}${name}`), 'float32', [k, spec.groups, ...shape]);
    g.output(`${p}loss`, 'float32', [k, spec.groups]);
    g.output(`${p}correct`, 'float32', [k, spec.groups]);
  });
  return encodeModel({ graph: g.build(), opsets: OPSET, producerName: 'layerlab' });
}
