/**
 * Groups a graph's tensors into blocks a user recognises ("layer3.1", "encoder.layer.5", "block2")
 * instead of hundreds of raw tensors. Exporters leave the module structure in different places, so
 * each tensor's module path is read from the first source that has one:
 *
 * 1. the tensor name's scope (`/encoder/layer.0/output/LayerNorm/Add_1_output_0`, `block1/relu`);
 * 2. the producing node's scope (`/encoder/layer.1/output/LayerNorm/Add_1` producing `last_hidden_state`);
 * 3. the weights the node reads (`layer1.0.conv1.weight` in older PyTorch exports with numeric tensors);
 * 4. a meaningful bare tensor name is its own block (`pool`, `logits`);
 * 5. else the block of the tensor it was computed from, when that block came from 1–3 (a Relu after
 *    a Conv); else its own name.
 *
 * The block is the module path up to its first list index (`layer1.0`, `encoder.layer.5`, `1.0`),
 * after dropping leading scopes every path shares (`bert.`, `StatefulPartitionedCall/model/`).
 */
import { blockOfPath, commonPrefix, scopePath } from '../core/module-path.js';

export interface GraphNodeNames {
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
}

/** Tensor names that exporters generate rather than people choose. */
const GENERATED = [/^\d+$/, /^onnx::/, /_output_\d+$/i, /:\d+$/];

function isMeaningful(name: string): boolean {
  return !GENERATED.some((pattern) => pattern.test(name));
}

/** `layer1.0.conv1.weight` -> `['layer1', '0', 'conv1']`; `block1/conv/weight` -> `['block1', 'conv']`. */
function weightPath(name: string): string[] | undefined {
  if (name.includes('/')) return scopePath(name);
  const parts = name.split('.');
  return parts.length >= 2 && !name.startsWith('onnx::') ? parts.slice(0, -1) : undefined;
}

/** Maps every node output to its block name. */
export function assignBlocks(
  nodes: readonly GraphNodeNames[],
  initializers: ReadonlySet<string>,
): Map<string, string> {
  const paths = new Map<string, string[]>();
  const derived = new Set<string>();
  const blocks = new Map<string, string>();
  for (const node of nodes) {
    const fromNode = scopePath(node.name);
    const fromWeights = node.inputs
      .filter((i) => initializers.has(i))
      .map(weightPath)
      .find((p) => p !== undefined);
    for (const output of node.outputs) {
      if (!output) continue;
      const path = scopePath(output) ?? fromNode ?? fromWeights;
      if (path && path.length > 0) {
        paths.set(output, path);
        derived.add(output);
        continue;
      }
      const source = isMeaningful(output)
        ? undefined
        : node.inputs.find((i) => derived.has(i) && !initializers.has(i));
      if (source) {
        paths.set(output, paths.get(source)!);
        derived.add(output);
      } else {
        blocks.set(output, output);
      }
    }
  }
  const strip = commonPrefix([...new Set([...paths.values()])]);
  for (const [tensor, path] of paths) {
    blocks.set(tensor, blockOfPath(path.length > strip ? path.slice(strip) : path.slice(-1)));
  }
  return blocks;
}
