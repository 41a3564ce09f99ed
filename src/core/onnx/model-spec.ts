import type { DTypeName } from '../dtype.js';

/** Plain descriptions of ONNX model parts, encoded by encode-model.ts. */
export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array | Float64Array;

export interface TensorSpec {
  name: string;
  dtype: DTypeName;
  dims: readonly number[];
  data: TensorData;
}

export type AttributeValue =
  | number
  | string
  | readonly number[]
  | { float: number }
  | { floats: readonly number[] }
  | { tensor: TensorSpec }
  | { graph: GraphSpec };

export interface NodeSpec {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  domain?: string;
  attributes?: Readonly<Record<string, AttributeValue>>;
}

/** A dimension is a fixed size, a symbolic name, or unknown (null). */
export type Dim = number | string | null;

export interface ValueInfoSpec {
  name: string;
  /** left out for outputs whose type ONNX Runtime should infer */
  dtype?: DTypeName;
  shape?: readonly Dim[];
}

export interface GraphSpec {
  name: string;
  nodes: readonly NodeSpec[];
  inputs: readonly ValueInfoSpec[];
  outputs: readonly ValueInfoSpec[];
  initializers: readonly TensorSpec[];
  valueInfo?: readonly ValueInfoSpec[];
}

export interface OpsetSpec {
  domain: string;
  version: number;
}

export interface ModelSpec {
  graph: GraphSpec;
  opsets: readonly OpsetSpec[];
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  metadata?: Readonly<Record<string, string>>;
}
