import { badModel, usageError } from '../core/errors.js';
import type { CapturePoint } from './capture-point.js';

/**
 * Resolves `--layers` selectors (docs/contract.md, "Layer selection") against the capture points, in graph
 * order, without duplicates: exact names, block names (`layer2.1`: the block's output), globs
 * (`block*\/relu`), `blocks` (the last point of each block), `last:K` and `every:K` over blocks, and
 * block indices (negative from the end). An exact capture point name wins over every other reading,
 * because older PyTorch exports name tensors `54`, `107`: `onNote` hears when a selector was both.
 */
export function selectLayers(
  points: readonly CapturePoint[],
  selectors: readonly string[],
  excludedTensors: ReadonlyMap<string, string> = new Map(),
  onNote: (message: string) => void = () => {},
): CapturePoint[] {
  const blocks = blockOutputs(points);
  const chosen = new Set<CapturePoint>();
  for (const raw of selectors) {
    const selector = raw.trim();
    if (!selector) continue;
    const why = excludedTensors.get(selector);
    if (why !== undefined)
      throw badModel(
        `${selector} ${why}, so it cannot be a layer; pick a capture point (\`layerlab layers MODEL --all\` lists them)`,
      );
    for (const point of resolveOne(selector, points, blocks, onNote)) chosen.add(point);
  }
  if (chosen.size === 0)
    throw usageError('--layers selected nothing; run `layerlab layers MODEL` to see the capture points');
  return points.filter((p) => chosen.has(p));
}

/** Ops that only rearrange or relabel values another point already holds. */
const VIEW_OPS = new Set([
  'Reshape',
  'Flatten',
  'Transpose',
  'Squeeze',
  'Unsqueeze',
  'Identity',
  'Cast',
  'Expand',
  'Dropout',
]);

/**
 * The output of each block, in graph order: its last capture point that computes something (a
 * trailing Flatten or Reshape only restates the block output before it).
 */
export function blockOutputs(points: readonly CapturePoint[]): CapturePoint[] {
  const last = new Map<string, CapturePoint>();
  for (const point of points) if (!VIEW_OPS.has(point.op)) last.set(point.block, point);
  return points.filter((p) => last.get(p.block) === p);
}

function resolveOne(
  selector: string,
  points: readonly CapturePoint[],
  blocks: CapturePoint[],
  onNote: (message: string) => void,
): CapturePoint[] {
  const exact = points.find((p) => p.name === selector);
  if (exact) {
    if (/^-?\d+$/.test(selector) && blocks.length > 0) {
      const indexed = blocks.at(Number(selector));
      if (indexed !== exact)
        onNote(
          indexed
            ? `--layers ${selector}: took the capture point named ${selector}, not block index ${selector} (${indexed.name}); select that one by its name`
            : `--layers ${selector}: took the capture point named ${selector} (the model has no block index ${selector})`,
        );
    }
    return [exact];
  }
  if (selector === 'blocks' || selector === 'all') return selector === 'all' ? [...points] : blocks;
  const block = blocks.find((p) => p.block === selector);
  if (block) return [block];
  const countMatch = /^(last|every):(\d+)$/.exec(selector);
  if (countMatch) {
    const k = Number(countMatch[2]);
    if (k < 1) throw usageError(`${selector}: K must be at least 1`);
    return countMatch[1] === 'last'
      ? blocks.slice(-k)
      : blocks.filter((_, i) => (blocks.length - 1 - i) % k === 0);
  }
  if (/^-?\d+$/.test(selector)) {
    const index = Number(selector);
    const block = blocks.at(index);
    if (!block)
      throw badModel(
        `block index ${index} is out of range: the model has ${blocks.length} blocks (0..${blocks.length - 1})`,
      );
    return [block];
  }
  if (selector.includes('*') || selector.includes('?')) {
    const pattern = new RegExp(
      `^${selector
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    );
    const matched = points.filter((p) => pattern.test(p.name));
    if (matched.length === 0)
      throw badModel(`no capture point matches ${selector}; run \`layerlab layers MODEL\` to list them`);
    return matched;
  }
  const nearest = [...points]
    .sort((a, b) => editDistance(selector, a.name) - editDistance(selector, b.name))
    .slice(0, 3)
    .map((p) => p.name);
  throw badModel(`unknown layer ${selector}; nearest capture points: ${nearest.join(', ')}`);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
