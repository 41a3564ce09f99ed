import { OnnxDataType } from '../dtype.js';
import type {
  AttributeValue,
  GraphSpec,
  ModelSpec,
  NodeSpec,
  TensorSpec,
  ValueInfoSpec,
} from './model-spec.js';
import { ProtoWriter } from './wire.js';

/* Field numbers from onnx/onnx.proto (IR version 8+). */
const Model = {
  irVersion: 1,
  producerName: 2,
  producerVersion: 3,
  docString: 6,
  graph: 7,
  opsetImport: 8,
  metadataProps: 14,
};
const Graph = { node: 1, name: 2, initializer: 5, input: 11, output: 12, valueInfo: 13 };
const Node = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 };
const Attr = { name: 1, f: 2, i: 3, s: 4, t: 5, g: 6, floats: 7, ints: 8, type: 20 };
const AttrType = { float: 1, int: 2, string: 3, tensor: 4, graph: 5, floats: 6, ints: 7 };
const Tensor = { dims: 1, dataType: 2, name: 8, rawData: 9 };

function writeTensor(w: ProtoWriter, t: TensorSpec): void {
  w.packedInts(Tensor.dims, t.dims);
  w.int(Tensor.dataType, OnnxDataType[t.dtype]);
  w.string(Tensor.name, t.name);
  w.bytes(Tensor.rawData, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function writeValueInfo(w: ProtoWriter, v: ValueInfoSpec): void {
  w.string(1, v.name);
  const dtype = v.dtype;
  if (!dtype) return;
  w.message(2, (type) =>
    type.message(1, (tensorType) => {
      tensorType.int(1, OnnxDataType[dtype]);
      if (v.shape) {
        const shape = v.shape;
        tensorType.message(2, (s) => {
          for (const dim of shape) {
            s.message(1, (d) => {
              if (typeof dim === 'number') d.int(1, dim);
              else if (typeof dim === 'string') d.string(2, dim);
            });
          }
        });
      }
    }),
  );
}

const isIntList = (value: AttributeValue): value is readonly number[] => Array.isArray(value);

function writeAttribute(w: ProtoWriter, name: string, value: AttributeValue): void {
  w.string(Attr.name, name);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: use {float: x} for non-integer values`);
    w.int(Attr.i, value).int(Attr.type, AttrType.int);
  } else if (typeof value === 'string') {
    w.string(Attr.s, value).int(Attr.type, AttrType.string);
  } else if (isIntList(value)) {
    w.packedInts(Attr.ints, value).int(Attr.type, AttrType.ints);
  } else if ('float' in value) {
    w.float(Attr.f, value.float).int(Attr.type, AttrType.float);
  } else if ('floats' in value) {
    w.packedFloats(Attr.floats, value.floats).int(Attr.type, AttrType.floats);
  } else if ('tensor' in value) {
    w.message(Attr.t, (t) => writeTensor(t, value.tensor)).int(Attr.type, AttrType.tensor);
  } else {
    w.message(Attr.g, (g) => writeGraph(g, value.graph)).int(Attr.type, AttrType.graph);
  }
}

function writeNode(w: ProtoWriter, node: NodeSpec): void {
  for (const input of node.inputs) w.string(Node.input, input);
  for (const output of node.outputs) w.string(Node.output, output);
  if (node.name) w.string(Node.name, node.name);
  w.string(Node.opType, node.opType);
  if (node.domain) w.string(Node.domain, node.domain);
  for (const [name, value] of Object.entries(node.attributes ?? {})) {
    w.message(Node.attribute, (a) => writeAttribute(a, name, value));
  }
}

/** Writes graph fields; any part may be empty, which is what appending to an existing graph needs. */
function writeGraph(w: ProtoWriter, graph: Partial<GraphSpec>): void {
  for (const node of graph.nodes ?? []) w.message(Graph.node, (n) => writeNode(n, node));
  if (graph.name) w.string(Graph.name, graph.name);
  for (const t of graph.initializers ?? []) w.message(Graph.initializer, (m) => writeTensor(m, t));
  for (const v of graph.inputs ?? []) w.message(Graph.input, (m) => writeValueInfo(m, v));
  for (const v of graph.outputs ?? []) w.message(Graph.output, (m) => writeValueInfo(m, v));
  for (const v of graph.valueInfo ?? []) w.message(Graph.valueInfo, (m) => writeValueInfo(m, v));
}

export function encodeModel(spec: ModelSpec): Uint8Array {
  const w = new ProtoWriter();
  w.int(Model.irVersion, spec.irVersion ?? 8);
  w.string(Model.producerName, spec.producerName ?? 'layerlab');
  if (spec.producerVersion) w.string(Model.producerVersion, spec.producerVersion);
  if (spec.docString) w.string(Model.docString, spec.docString);
  w.message(Model.graph, (g) => writeGraph(g, spec.graph));
  for (const opset of spec.opsets) {
    w.message(Model.opsetImport, (o) => {
      if (opset.domain) o.string(1, opset.domain);
      o.int(2, opset.version);
    });
  }
  for (const [key, value] of Object.entries(spec.metadata ?? {})) {
    w.message(Model.metadataProps, (m) => m.string(1, key).string(2, value));
  }
  return w.finish();
}

/**
 * Adds nodes, initializers and outputs to a model without decoding it: protobuf merges a repeated
 * occurrence of the `graph` field into the first, concatenating its repeated fields (docs/architecture.md).
 * Every byte of the original model is kept, so its own outputs are computed exactly as before.
 */
export function appendToGraph(model: Uint8Array, additions: Partial<Omit<GraphSpec, 'name'>>): Uint8Array {
  const tail = new ProtoWriter().message(Model.graph, (g) => writeGraph(g, additions)).finish();
  const out = new Uint8Array(model.length + tail.length);
  out.set(model, 0);
  out.set(tail, model.length);
  return out;
}
