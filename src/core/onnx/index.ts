export type * from './model-spec.js';
export { encodeModel, appendToGraph } from './encode-model.js';
export { readModel, defaultOpset } from './read-model.js';
export type {
  ModelInfo,
  GraphInfo,
  NodeInfo,
  ValueInfo,
  InitializerInfo,
  AttributeInfo,
} from './read-model.js';
export { GraphBuilder } from './graph-builder.js';
export { ProtoFormatError } from './wire.js';
