import type { Dim, OpsetSpec } from './model-spec.js';
import { decodeString, fixed32ToFloat, readFields, readInts, WireType } from './wire.js';

/** What layerlab needs to know about a model, read without copying weights. */
export interface ModelInfo {
  irVersion: number;
  producerName: string;
  opsets: OpsetSpec[];
  graph: GraphInfo;
}

export interface GraphInfo {
  name: string;
  nodes: NodeInfo[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers: InitializerInfo[];
  valueInfo: ValueInfo[];
}

export interface NodeInfo {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttributeInfo>;
}

export type AttributeInfo = number | string | number[] | { tensor: true } | { graph: true } | { other: true };

export interface ValueInfo {
  name: string;
  /** ONNX TensorProto.DataType code; 0 when the value is not a tensor. */
  elemType: number;
  shape?: Dim[];
}

export interface InitializerInfo {
  name: string;
  dataType: number;
  dims: number[];
  /** stored in an external data file */
  external: boolean;
}

function readValueInfo(bytes: Uint8Array): ValueInfo {
  const info: ValueInfo = { name: '', elemType: 0 };
  for (const f of readFields(bytes)) {
    if (f.field === 1) info.name = decodeString(f.bytes);
    if (f.field !== 2) continue;
    for (const typeField of readFields(f.bytes)) {
      if (typeField.field !== 1) continue; // tensor_type only
      for (const t of readFields(typeField.bytes)) {
        if (t.field === 1) info.elemType = Number(t.value);
        if (t.field === 2) {
          info.shape = [];
          for (const dimField of readFields(t.bytes)) {
            let dim: Dim = null;
            for (const d of readFields(dimField.bytes)) {
              if (d.field === 1) dim = Number(BigInt.asIntN(64, d.value));
              if (d.field === 2) dim = decodeString(d.bytes);
            }
            info.shape.push(dim);
          }
        }
      }
    }
  }
  return info;
}

function readAttribute(bytes: Uint8Array): [string, AttributeInfo] {
  let name = '';
  let value: AttributeInfo = { other: true };
  let type = 0;
  const ints: number[] = [];
  for (const f of readFields(bytes)) {
    switch (f.field) {
      case 1:
        name = decodeString(f.bytes);
        break;
      case 2:
        value = fixed32ToFloat(f);
        break;
      case 3:
        value = Number(BigInt.asIntN(64, f.value));
        break;
      case 4:
        value = decodeString(f.bytes);
        break;
      case 5:
        value = { tensor: true };
        break;
      case 6:
        value = { graph: true };
        break;
      case 8:
        ints.push(...readInts(f).map(Number));
        break;
      case 20:
        type = Number(f.value);
        break;
    }
  }
  if (type === 7) value = ints;
  return [name, value];
}

function readNode(bytes: Uint8Array): NodeInfo {
  const node: NodeInfo = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: {} };
  for (const f of readFields(bytes)) {
    switch (f.field) {
      case 1:
        node.inputs.push(decodeString(f.bytes));
        break;
      case 2:
        node.outputs.push(decodeString(f.bytes));
        break;
      case 3:
        node.name = decodeString(f.bytes);
        break;
      case 4:
        node.opType = decodeString(f.bytes);
        break;
      case 5: {
        const [name, value] = readAttribute(f.bytes);
        node.attributes[name] = value;
        break;
      }
      case 7:
        node.domain = decodeString(f.bytes);
        break;
    }
  }
  return node;
}

function readInitializer(bytes: Uint8Array): InitializerInfo {
  const info: InitializerInfo = { name: '', dataType: 0, dims: [], external: false };
  for (const f of readFields(bytes)) {
    if (f.field === 1) info.dims.push(...readInts(f).map(Number));
    if (f.field === 2) info.dataType = Number(f.value);
    if (f.field === 8) info.name = decodeString(f.bytes);
    if (f.field === 14 && f.value === 1n) info.external = true;
  }
  return info;
}

function mergeGraph(graph: GraphInfo, bytes: Uint8Array): void {
  for (const f of readFields(bytes)) {
    if (f.wireType !== WireType.bytes) continue;
    switch (f.field) {
      case 1:
        graph.nodes.push(readNode(f.bytes));
        break;
      case 2:
        graph.name = decodeString(f.bytes);
        break;
      case 5:
        graph.initializers.push(readInitializer(f.bytes));
        break;
      case 11:
        graph.inputs.push(readValueInfo(f.bytes));
        break;
      case 12:
        graph.outputs.push(readValueInfo(f.bytes));
        break;
      case 13:
        graph.valueInfo.push(readValueInfo(f.bytes));
        break;
    }
  }
}

/** Reads a model's structure. Throws ProtoFormatError when the bytes are not a protobuf message. */
export function readModel(bytes: Uint8Array): ModelInfo {
  const model: ModelInfo = {
    irVersion: 0,
    producerName: '',
    opsets: [],
    graph: { name: '', nodes: [], inputs: [], outputs: [], initializers: [], valueInfo: [] },
  };
  let sawGraph = false;
  for (const f of readFields(bytes)) {
    if (f.field === 1 && f.wireType === WireType.varint) model.irVersion = Number(f.value);
    if (f.field === 2 && f.wireType === WireType.bytes) model.producerName = decodeString(f.bytes);
    if (f.field === 7 && f.wireType === WireType.bytes) {
      sawGraph = true;
      mergeGraph(model.graph, f.bytes);
    }
    if (f.field === 8 && f.wireType === WireType.bytes) {
      const opset: OpsetSpec = { domain: '', version: 0 };
      for (const o of readFields(f.bytes)) {
        if (o.field === 1) opset.domain = decodeString(o.bytes);
        if (o.field === 2) opset.version = Number(o.value);
      }
      model.opsets.push(opset);
    }
  }
  if (!sawGraph) throw new Error('no graph in model');
  return model;
}

/** The default-domain opset version the model was written for. */
export function defaultOpset(model: ModelInfo): number {
  return model.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
}
