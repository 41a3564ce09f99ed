import type { DTypeName } from '../dtype.js';
import type {
  AttributeValue,
  Dim,
  GraphSpec,
  NodeSpec,
  TensorData,
  TensorSpec,
  ValueInfoSpec,
} from './model-spec.js';

/**
 * Builds ONNX graphs in code: the embedded backbone, in-graph pooling, training-step graphs.
 * Tensor names are returned as strings so graphs read like the math they compute.
 */
export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly inputs: ValueInfoSpec[] = [];
  private readonly outputs: ValueInfoSpec[] = [];
  private readonly initializers: TensorSpec[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(
    readonly name: string,
    /** prefix for generated names, so additions to a foreign graph cannot collide with its names */
    private readonly prefix = '',
  ) {}

  fresh(hint: string): string {
    let name: string;
    do name = `${this.prefix}${hint}_${this.counter++}`;
    while (this.names.has(name));
    this.names.add(name);
    return name;
  }

  input(name: string, dtype: DTypeName, shape: readonly Dim[]): string {
    this.names.add(name);
    this.inputs.push({ name, dtype, shape });
    return name;
  }

  /** Declares a graph output; without a dtype ONNX Runtime infers its type. */
  output(name: string, dtype?: DTypeName, shape?: readonly Dim[]): void {
    this.outputs.push(dtype ? (shape ? { name, dtype, shape } : { name, dtype }) : { name });
  }

  initializer(name: string, dtype: DTypeName, dims: readonly number[], data: TensorData): string {
    this.names.add(name);
    this.initializers.push({ name, dtype, dims, data });
    return name;
  }

  constFloat(
    values: readonly number[] | Float32Array,
    dims: readonly number[] = [values.length],
    hint = 'const',
  ): string {
    return this.initializer(this.fresh(hint), 'float32', dims, Float32Array.from(values));
  }

  constInt64(values: readonly number[], dims: readonly number[] = [values.length], hint = 'const'): string {
    return this.initializer(this.fresh(hint), 'int64', dims, BigInt64Array.from(values.map(BigInt)));
  }

  /** Adds one node and returns its (first) output name. */
  op(
    opType: string,
    inputs: readonly string[],
    attributes?: Record<string, AttributeValue>,
    output?: string,
  ): string {
    return this.opN(opType, inputs, 1, attributes, output ? [output] : undefined)[0]!;
  }

  /** Adds one node with several outputs. */
  opN(
    opType: string,
    inputs: readonly string[],
    outputCount: number,
    attributes?: Record<string, AttributeValue>,
    outputNames?: readonly string[],
  ): string[] {
    const outputs = outputNames ? [...outputNames] : [];
    for (const name of outputs) this.names.add(name);
    while (outputs.length < outputCount) outputs.push(this.fresh(opType.toLowerCase()));
    const node: NodeSpec = { opType, inputs, outputs, name: this.fresh(`${opType}_node`) };
    this.nodes.push(attributes ? { ...node, attributes } : node);
    return outputs;
  }

  build(): GraphSpec {
    return {
      name: this.name,
      nodes: [...this.nodes],
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      initializers: [...this.initializers],
    };
  }
}
