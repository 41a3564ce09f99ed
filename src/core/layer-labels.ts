import { blockOfPath, scopePath } from './module-path.js';

/** Names up to this long fit a chart label as they are (`block2/relu`, `Pooling66_Output_0@grid:2`). */
const LONG_NAME = 26;

/**
 * Short chart labels for layers: the block name (`encoder.layer.0`) where it identifies the point,
 * else the full name. Exported graphs name tensors like `/encoder/layer.0/output/LayerNorm/Add_1_output_0`;
 * cut to fit a chart, such names lose the part that tells layers apart. Charts show the full name on
 * hover and tables print it whole.
 */
export function layerLabels(layers: readonly string[], longerThan = LONG_NAME): Map<string, string> {
  const split = layers.map((layer) => {
    // a feature view name is the point's name, then `@pooling` when not the default
    const at = layer.lastIndexOf('@');
    return at > 0 ? { point: layer.slice(0, at), suffix: layer.slice(at) } : { point: layer, suffix: '' };
  });
  const paths = split.map(({ point }) => scopePath(point));
  const blocks = paths.map((path, i) => {
    if (path === undefined || path.length === 0) return layers[i]!;
    // unlike the backbone's grouping, no shared prefix is dropped: a label must stand on its own
    return blockOfPath(path) + split[i]!.suffix;
  });
  const uses = new Map<string, number>();
  for (const block of blocks) uses.set(block, (uses.get(block) ?? 0) + 1);
  return new Map(
    layers.map((layer, i) => {
      const block = blocks[i]!;
      const short = layer.length > longerThan && uses.get(block) === 1 && block.length < layer.length;
      return [layer, short ? block : layer];
    }),
  );
}
