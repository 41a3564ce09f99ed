import type { Backbone, LoadOptions } from './backbone.js';
import { HfBackbone } from './hf-backbone.js';
import { resolveModelRef } from './model-ref.js';
import { OnnxBackbone } from './onnx-backbone.js';
import { TfjsBackbone } from './tfjs-backbone.js';

/** Opens a model ref (docs/contract.md, "Model refs") with the adapter for its format. */
export async function loadBackbone(ref: string, options: LoadOptions = {}): Promise<Backbone> {
  const resolved = resolveModelRef(ref, options);
  switch (resolved.format) {
    case 'onnx':
      return OnnxBackbone.load(ref, resolved);
    case 'transformers.js':
      return HfBackbone.load(resolved, options);
    case 'tfjs':
      return TfjsBackbone.load(resolved);
  }
}
