/**
 * Module paths read from tensor and node names (`/encoder/layer.0/output/LayerNorm/Add_1_output_0`
 * → `encoder.layer.0`): the backbone groups capture points into blocks with them, and charts label
 * points with the same block names.
 */

/** `['layer1', 'layer1.0', 'conv1']` -> `['layer1', '0', 'conv1']`: scopes that repeat their parent's path. */
function mergeScopes(scopes: readonly string[]): string[] {
  const path: string[] = [];
  for (const scope of scopes) {
    const parts = scope.split('.').filter((p) => p.length > 0);
    // A scope that spells out its parent's path (torch: `layer1` then `layer1.0`) adds only its tail.
    let overlap = 0;
    for (let k = Math.min(parts.length - 1, path.length); k > 0; k--) {
      if (path.slice(path.length - k).join('.') === parts.slice(0, k).join('.')) {
        overlap = k;
        break;
      }
    }
    path.push(...parts.slice(overlap));
  }
  return path;
}

/** The module path in a scoped name, without its last part (the op or tensor itself). */
export function scopePath(name: string): string[] | undefined {
  const parts = name.split('/').filter((p) => p.length > 0);
  if (parts.length < 2) return undefined;
  return mergeScopes(parts.slice(0, -1));
}

/** A module path up to its first list index: `encoder.layer.0`, `layer1.0`; else its first part. */
export function blockOfPath(path: readonly string[]): string {
  for (let i = 1; i < path.length; i++) {
    if (/^\d+$/.test(path[i]!)) return path.slice(0, i + 1).join('.');
  }
  return path[0]!;
}

/** How many leading components every path shares (when there are several distinct paths). */
export function commonPrefix(paths: readonly (readonly string[])[]): number {
  if (paths.length < 2) return 0;
  let n = 0;
  for (;;) {
    const part = paths[0]![n];
    if (part === undefined || paths.some((p) => p[n] !== part || p.length <= n + 1)) return n;
    n++;
  }
}
