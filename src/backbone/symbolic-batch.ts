import {
  decodeString,
  ProtoWriter,
  readFields,
  readInts,
  WireType,
  type ProtoField,
} from '../core/onnx/wire.js';

/* Field numbers from onnx/onnx.proto. */
const ModelField = { graph: 7 };
const GraphField = { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13 };
const NodeField = { input: 1, output: 2, opType: 4, attribute: 5 };
const AttrField = { name: 1, i: 3, t: 5 };
const TensorField = { dims: 1, dataType: 2, int64Data: 7, name: 8, rawData: 9 };
const INT64 = 7;

/**
 * A copy of a model exported with its batch fixed at 1 (CNTK, older PyTorch exports) whose batch is
 * symbolic, so that one ONNX Runtime run takes many records: the image input's first dimension
 * becomes `N`, a Reshape to a constant shape that starts with the batch (`[1, 256]`) reads it from
 * its input instead (`[0, 256]`), declared output shapes and intermediate shape annotations (which
 * spell out the 1) are dropped for ONNX Runtime to infer. Other graphs may still hard-code the
 * batch; the caller checks the copy against record-by-record runs before trusting it. Every other
 * byte is copied as it is. Undefined when the model has no such input.
 */
export function symbolicBatchModel(model: Uint8Array, input: string): Uint8Array | undefined {
  const graphs = [...readFields(model)].filter((f) => f.field === ModelField.graph);
  const shapes = new Map<string, bigint[]>();
  for (const graph of graphs) collectShapeConstants(graph.bytes, shapes);
  let changedInput = false;
  const out = new ProtoWriter();
  for (const f of readFields(model)) {
    if (f.field !== ModelField.graph || f.wireType !== WireType.bytes) {
      copyField(out, f);
      continue;
    }
    const g = new ProtoWriter();
    const added: [string, bigint[]][] = [];
    for (const field of readFields(f.bytes)) {
      switch (field.field) {
        case GraphField.node:
          g.bytes(GraphField.node, rewriteReshape(field.bytes, shapes, added));
          break;
        case GraphField.input:
          if (nameOf(field.bytes) === input) {
            g.bytes(GraphField.input, batchSymbolic(field.bytes));
            changedInput = true;
          } else copyField(g, field);
          break;
        case GraphField.output:
          g.message(GraphField.output, (v) => v.string(1, nameOf(field.bytes)));
          break;
        case GraphField.valueInfo:
          break;
        default:
          copyField(g, field);
      }
    }
    for (const [name, values] of added)
      g.message(GraphField.initializer, (t) => {
        t.packedInts(TensorField.dims, [values.length]);
        t.int(TensorField.dataType, INT64);
        t.packedInts(TensorField.int64Data, values);
        t.string(TensorField.name, name);
      });
    out.bytes(ModelField.graph, g.finish());
  }
  return changedInput ? out.finish() : undefined;
}

function copyField(w: ProtoWriter, f: ProtoField): void {
  if (f.wireType === WireType.varint) w.int(f.field, f.value);
  else if (f.wireType === WireType.bytes) w.bytes(f.field, f.bytes);
  else throw new Error(`unexpected fixed-width field ${f.field} in an ONNX model`);
}

function nameOf(message: Uint8Array): string {
  for (const f of readFields(message)) if (f.field === 1) return decodeString(f.bytes);
  return '';
}

/** The int64 values of a TensorProto, when it holds a small int64 vector. */
function int64Values(tensor: Uint8Array): { name: string; values: bigint[] } | undefined {
  let name = '';
  let type = 0;
  let values: bigint[] = [];
  for (const f of readFields(tensor)) {
    if (f.field === TensorField.name) name = decodeString(f.bytes);
    else if (f.field === TensorField.dataType) type = Number(f.value);
    else if (f.field === TensorField.int64Data) values.push(...readInts(f));
    else if (f.field === TensorField.rawData && f.bytes.length % 8 === 0 && f.bytes.length <= 64) {
      const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.length);
      values = Array.from({ length: f.bytes.length / 8 }, (_, i) => view.getBigInt64(i * 8, true));
    }
  }
  return type === INT64 && values.length > 0 ? { name, values } : undefined;
}

/** Shape-like int64 constants: initializers and Constant node values, by tensor name. */
function collectShapeConstants(graph: Uint8Array, into: Map<string, bigint[]>): void {
  for (const f of readFields(graph)) {
    if (f.field === GraphField.initializer) {
      const t = int64Values(f.bytes);
      if (t) into.set(t.name, t.values);
    } else if (f.field === GraphField.node) {
      let op = '';
      let output = '';
      let value: bigint[] | undefined;
      for (const n of readFields(f.bytes)) {
        if (n.field === NodeField.opType) op = decodeString(n.bytes);
        else if (n.field === NodeField.output && !output) output = decodeString(n.bytes);
        else if (n.field === NodeField.attribute)
          for (const a of readFields(n.bytes))
            if (a.field === AttrField.t) value = int64Values(a.bytes)?.values;
      }
      if (op === 'Constant' && output && value) into.set(output, value);
    }
  }
}

/** A Reshape to a constant shape starting with the batch of 1, pointed at the same shape starting with 0. */
function rewriteReshape(
  node: Uint8Array,
  shapes: ReadonlyMap<string, bigint[]>,
  added: [string, bigint[]][],
): Uint8Array {
  const fields = [...readFields(node)];
  const op = fields.find((f) => f.field === NodeField.opType);
  if (!op || decodeString(op.bytes) !== 'Reshape') return node;
  const inputs = fields.filter((f) => f.field === NodeField.input);
  const shapeName = inputs[1] ? decodeString(inputs[1].bytes) : '';
  const shape = shapes.get(shapeName);
  const allowZero = fields.some(
    (f) =>
      f.field === NodeField.attribute &&
      nameOf(f.bytes) === 'allowzero' &&
      [...readFields(f.bytes)].some((a) => a.field === AttrField.i && a.value === 1n),
  );
  if (!shape || shape[0] !== 1n || allowZero) return node;
  const renamed = `layerlab/symbolic_batch/${shapeName}`;
  if (!added.some(([name]) => name === renamed)) added.push([renamed, [0n, ...shape.slice(1)]]);
  const w = new ProtoWriter();
  let index = 0;
  for (const f of fields) {
    if (f.field === NodeField.input && index++ === 1) w.string(NodeField.input, renamed);
    else copyField(w, f);
  }
  return w.finish();
}

/** A ValueInfoProto whose tensor shape's first dimension becomes the symbolic `N`. */
function batchSymbolic(valueInfo: Uint8Array): Uint8Array {
  const w = new ProtoWriter();
  for (const f of readFields(valueInfo)) {
    if (f.field !== 2) {
      copyField(w, f);
      continue;
    }
    w.message(2, (type) => {
      for (const t of readFields(f.bytes)) {
        if (t.field !== 1) {
          copyField(type, t);
          continue;
        }
        type.message(1, (tensor) => {
          for (const tf of readFields(t.bytes)) {
            if (tf.field !== 2) {
              copyField(tensor, tf);
              continue;
            }
            tensor.message(2, (shape) => {
              let first = true;
              for (const dim of readFields(tf.bytes)) {
                if (first) shape.message(1, (d) => d.string(2, 'N'));
                else copyField(shape, dim);
                first = false;
              }
            });
          }
        });
      }
    });
  }
  return w.finish();
}
