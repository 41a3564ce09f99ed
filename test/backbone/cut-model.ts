import {
  decodeString,
  ProtoWriter,
  readFields,
  WireType,
  type ProtoField,
} from '../../src/core/onnx/wire.js';

/**
 * The independent reference for a captured tensor: a sub-model cut at `tensor`. The graph keeps only
 * the nodes that tensor depends on and declares it as the one output; every other field of the
 * model (opsets, initializers, metadata) is copied byte for byte. Only varint and length-delimited
 * fields occur at the model and graph levels, which is all this re-emits.
 */
export function cutModel(model: Uint8Array, tensor: string): Uint8Array {
  const out = new ProtoWriter();
  for (const field of readFields(model)) {
    if (field.field === 7 && field.wireType === WireType.bytes) out.bytes(7, cutGraph(field.bytes, tensor));
    else copy(out, field);
  }
  return out.finish();
}

function cutGraph(graph: Uint8Array, tensor: string): Uint8Array {
  const fields = [...readFields(graph)];
  const nodes = fields
    .map((f, index) => ({ f, index }))
    .filter(({ f }) => f.field === 1)
    .map(({ f, index }) => ({ index, ...nodeEdges(f.bytes) }));
  const needed = new Set([tensor]);
  const keep = new Set<number>();
  for (const node of [...nodes].reverse()) {
    if (!node.outputs.some((o) => needed.has(o))) continue;
    keep.add(node.index);
    for (const input of node.inputs) needed.add(input);
  }
  const out = new ProtoWriter();
  fields.forEach((f, index) => {
    if (f.field === 1 && !keep.has(index)) return;
    if (f.field === 12) return; // the original outputs
    copy(out, f);
  });
  out.message(12, (v) => v.string(1, tensor));
  return out.finish();
}

function nodeEdges(node: Uint8Array): { inputs: string[]; outputs: string[] } {
  const inputs: string[] = [];
  const outputs: string[] = [];
  for (const f of readFields(node)) {
    if (f.field === 1) inputs.push(decodeString(f.bytes));
    if (f.field === 2) outputs.push(decodeString(f.bytes));
  }
  return { inputs, outputs };
}

function copy(out: ProtoWriter, field: ProtoField): void {
  if (field.wireType === WireType.varint) out.int(field.field, field.value);
  else if (field.wireType === WireType.bytes) out.bytes(field.field, field.bytes);
  else throw new Error(`cutModel: unexpected wire type ${field.wireType} in field ${field.field}`);
}
