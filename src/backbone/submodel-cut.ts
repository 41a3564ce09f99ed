import { OnnxDataType } from '../core/dtype.js';
import type { Dim } from '../core/onnx/index.js';
import { decodeString, ProtoWriter, readFields, WireType, type ProtoField } from '../core/onnx/wire.js';

/* Field numbers from onnx/onnx.proto. */
const ModelField = { graph: 7 };
const GraphField = {
  node: 1,
  initializer: 5,
  input: 11,
  output: 12,
  valueInfo: 13,
  quantizationAnnotation: 14,
  sparseInitializer: 15,
};
const NodeField = { input: 1, output: 2, attribute: 5 };
const AttrField = { g: 6, graphs: 11 };

interface RawNode {
  raw: Uint8Array;
  inputs: string[];
  outputs: string[];
  /** outer-scope tensors its subgraphs (If/Loop/Scan bodies) read without listing them as inputs */
  implicit: string[];
}

interface ParsedGraph {
  nodes: RawNode[];
  /** every graph field but nodes, in order, with the tensor name each refers to (when it names one) */
  others: { field: ProtoField; name?: string }[];
  initializers: Set<string>;
}

/** Where a sub-model starts: a tensor of the original graph, fed as the sub-model's only input. */
export interface CutBoundary {
  name: string;
  /** with the batch axis symbolic, e.g. `['N', 16, 16, 16]` */
  shape: readonly Dim[];
  /** @default 'float32' */
  dtype?: 'float32' | 'float16' | 'float64';
}

export interface CutAnalysis {
  /** nodes the sub-model keeps */
  nodes: number;
  /** tensors it needs that neither the boundary nor its own nodes give (graph inputs, other tensors) */
  external: string[];
}

function nameOf(bytes: Uint8Array, field: number): string | undefined {
  for (const f of readFields(bytes))
    if (f.field === field && f.wireType === WireType.bytes) return decodeString(f.bytes);
  return undefined;
}

/** Tensors a subgraph reads from its enclosing scope: node inputs it does not produce itself. */
function freeInputs(graph: Uint8Array): string[] {
  const produced = new Set<string>();
  const used: string[] = [];
  for (const f of readFields(graph)) {
    if (f.wireType !== WireType.bytes) continue;
    if (f.field === GraphField.input || f.field === GraphField.initializer) {
      const name = nameOf(f.bytes, f.field === GraphField.initializer ? 8 : 1);
      if (name) produced.add(name);
    }
    if (f.field === GraphField.node) {
      const node = parseNode(f.bytes);
      used.push(...node.inputs, ...node.implicit);
      for (const o of node.outputs) produced.add(o);
    }
  }
  return [...new Set(used.filter((name) => name && !produced.has(name)))];
}

function parseNode(raw: Uint8Array): RawNode {
  const node: RawNode = { raw, inputs: [], outputs: [], implicit: [] };
  for (const f of readFields(raw)) {
    if (f.wireType !== WireType.bytes) continue;
    if (f.field === NodeField.input) node.inputs.push(decodeString(f.bytes));
    if (f.field === NodeField.output) node.outputs.push(decodeString(f.bytes));
    if (f.field === NodeField.attribute) {
      for (const a of readFields(f.bytes)) {
        if ((a.field === AttrField.g || a.field === AttrField.graphs) && a.wireType === WireType.bytes)
          node.implicit.push(...freeInputs(a.bytes));
      }
    }
  }
  return node;
}

/** The graph's fields, merged across repeated `graph` occurrences (appendToGraph writes those). */
function parseGraph(model: Uint8Array): ParsedGraph {
  const graph: ParsedGraph = { nodes: [], others: [], initializers: new Set() };
  for (const m of readFields(model)) {
    if (m.field !== ModelField.graph || m.wireType !== WireType.bytes) continue;
    for (const f of readFields(m.bytes)) {
      if (f.field === GraphField.node && f.wireType === WireType.bytes) {
        graph.nodes.push(parseNode(f.bytes));
        continue;
      }
      let name: string | undefined;
      if (f.wireType === WireType.bytes) {
        if (f.field === GraphField.initializer) name = nameOf(f.bytes, 8);
        else if (f.field === GraphField.sparseInitializer) {
          const values = [...readFields(f.bytes)].find((v) => v.field === 1);
          name = values ? nameOf(values.bytes, 8) : undefined;
        } else if (
          f.field === GraphField.input ||
          f.field === GraphField.output ||
          f.field === GraphField.valueInfo ||
          f.field === GraphField.quantizationAnnotation
        )
          name = nameOf(f.bytes, 1);
      }
      if ((f.field === GraphField.initializer || f.field === GraphField.sparseInitializer) && name)
        graph.initializers.add(name);
      graph.others.push({ field: f, ...(name === undefined ? {} : { name }) });
    }
  }
  return graph;
}

/** Walks back from the outputs to the boundary: the nodes to keep and what they need from outside. */
function selectNodes(graph: ParsedGraph, from: string | undefined, to: readonly string[]) {
  const needed = new Set(to);
  const keep = new Array<boolean>(graph.nodes.length).fill(false);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i]!;
    if (!node.outputs.some((o) => needed.has(o) && o !== from)) continue;
    keep[i] = true;
    for (const input of [...node.inputs, ...node.implicit])
      if (input && input !== from && !graph.initializers.has(input)) needed.add(input);
  }
  const produced = new Set(graph.nodes.flatMap((n, i) => (keep[i] ? n.outputs : [])));
  const external = [...needed].filter(
    (name) => name !== from && !produced.has(name) && !graph.initializers.has(name),
  );
  const used = new Set<string>();
  graph.nodes.forEach((n, i) => {
    if (keep[i]) for (const input of [...n.inputs, ...n.implicit]) used.add(input);
  });
  return { keep, external, used, produced };
}

/**
 * What a sub-model from `from` (or the model's inputs) to `to` would need. A stage of a staged plan
 * is valid when `external` is empty: the boundary tensor alone determines the outputs (Vista's cut
 * points). For a cut from the model's inputs, `external` lists the graph inputs it reads.
 */
export function analyzeCut(model: Uint8Array, from: string | undefined, to: readonly string[]): CutAnalysis {
  const { keep, external } = selectNodes(parseGraph(model), from, to);
  return { nodes: keep.filter(Boolean).length, external };
}

function writeBoundaryInput(w: ProtoWriter, boundary: CutBoundary): void {
  w.message(GraphField.input, (v) => {
    v.string(1, boundary.name);
    v.message(2, (type) =>
      type.message(1, (tensor) => {
        tensor.int(1, OnnxDataType[boundary.dtype ?? 'float32']);
        tensor.message(2, (shape) => {
          for (const dim of boundary.shape)
            shape.message(1, (d) => {
              if (typeof dim === 'number') d.int(1, dim);
              else if (typeof dim === 'string') d.string(2, dim);
            });
        });
      }),
    );
  });
}

function copyField(w: ProtoWriter, f: ProtoField): void {
  if (f.wireType === WireType.varint) w.int(f.field, f.value);
  else if (f.wireType === WireType.bytes) w.bytes(f.field, f.bytes);
  else throw new Error(`unexpected fixed-width field ${f.field} in an ONNX model`);
}

/**
 * A sub-model of `model` that starts at `from` (the boundary tensor becomes its only input; without
 * it the model's own inputs) and ends at the `to` tensors (its outputs). Built from the original
 * bytes: kept nodes, initializers, value infos and every model-level field (opsets, functions,
 * metadata) are copied verbatim, so nothing the codec does not know is lost, and the kept nodes
 * compute exactly what they did in the whole model. Throws when the cut is not valid.
 * @example cutModel(bytes, { name: 'block1/relu', shape: ['N', 4, 8, 8] }, ['block2/relu'])
 */
export function cutModel(
  model: Uint8Array,
  from: CutBoundary | undefined,
  to: readonly string[],
): Uint8Array {
  const graph = parseGraph(model);
  const { keep, external, used, produced } = selectNodes(graph, from?.name, to);
  const graphInputs = new Set(
    graph.others.filter((o) => o.field.field === GraphField.input && o.name).map((o) => o.name!),
  );
  const foreign = external.filter((name) => from !== undefined || !graphInputs.has(name));
  if (foreign.length > 0)
    throw new Error(
      `cannot cut at ${from?.name ?? 'the inputs'}: the outputs also need ${foreign.slice(0, 3).join(', ')}`,
    );
  const live = new Set([...used, ...produced, ...to]);
  const g = new ProtoWriter();
  graph.nodes.forEach((node, i) => {
    if (keep[i]) g.bytes(GraphField.node, node.raw);
  });
  if (from) writeBoundaryInput(g, from);
  for (const { field, name } of graph.others) {
    switch (field.field) {
      case GraphField.output:
        break; // replaced below
      case GraphField.input:
        // The model's own inputs stay when the sub-model reads them (or they are initializers' defaults).
        if (!from && name && live.has(name)) copyField(g, field);
        else if (from && name && graph.initializers.has(name) && live.has(name)) copyField(g, field);
        break;
      case GraphField.initializer:
      case GraphField.sparseInitializer:
      case GraphField.valueInfo:
      case GraphField.quantizationAnnotation:
        if (name && live.has(name) && name !== from?.name && !to.includes(name)) copyField(g, field);
        break;
      default:
        copyField(g, field); // name, doc string, metadata
    }
  }
  for (const name of to) g.message(GraphField.output, (v) => v.string(1, name));
  const graphBytes = g.finish();
  const out = new ProtoWriter();
  let wroteGraph = false;
  for (const f of readFields(model)) {
    if (f.field === ModelField.graph) {
      if (!wroteGraph) out.bytes(ModelField.graph, graphBytes);
      wroteGraph = true;
    } else copyField(out, f);
  }
  return out.finish();
}
