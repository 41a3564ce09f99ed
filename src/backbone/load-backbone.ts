import type { Backbone } from './backbone.js';
import { OnnxBackbone } from './onnx-backbone.js';

/** Opens a model ref (DESIGN.md, "Model refs") with the adapter for its format. */
export async function loadBackbone(ref: string): Promise<Backbone> {
  return OnnxBackbone.load(ref);
}
