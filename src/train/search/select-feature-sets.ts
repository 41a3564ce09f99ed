import { notFound, usageError } from '../../core/errors.js';
import type { FeatureSetManifest } from '../../store/manifest.js';

export interface SelectedFeatureSet {
  key: string;
  layer: string;
}

const globPattern = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

/**
 * The stored feature sets `train --layers` selects (docs/contract.md, "Layer selection"), among the store's
 * complete, non-temporary sets ordered by capture point (then name): exact feature view names or
 * keys first (derived views like `sum(last:4)` are names too), then globs, `all`/`blocks` (every
 * stored set), `last:K`, `every:K` and indices (negative from the end). Without selectors: all.
 */
export function selectFeatureSets(
  stored: readonly FeatureSetManifest[],
  selectors: readonly string[] = [],
): SelectedFeatureSet[] {
  const sets = stored
    .filter((s) => s.complete && !s.temporary)
    .sort(
      (a, b) => (a.pointIndex ?? Infinity) - (b.pointIndex ?? Infinity) || a.layer.localeCompare(b.layer),
    );
  if (sets.length === 0)
    throw notFound('the store holds no complete feature sets; run `layerlab extract` first');
  const wanted = selectors.map((s) => s.trim()).filter(Boolean);
  if (wanted.length === 0) return sets.map(({ key, layer }) => ({ key, layer }));
  const chosen = new Set<FeatureSetManifest>();
  for (const selector of wanted) for (const set of resolveOne(selector, sets)) chosen.add(set);
  return sets.filter((s) => chosen.has(s)).map(({ key, layer }) => ({ key, layer }));
}

function resolveOne(selector: string, sets: readonly FeatureSetManifest[]): FeatureSetManifest[] {
  const exact = sets.filter((s) => s.layer === selector || s.key === selector);
  if (exact.length > 0) return exact;
  if (selector === 'all' || selector === 'blocks') return [...sets];
  const count = /^(last|every):(\d+)$/.exec(selector);
  if (count) {
    const k = Number(count[2]);
    if (k < 1) throw usageError(`${selector}: K must be at least 1`);
    return count[1] === 'last' ? sets.slice(-k) : sets.filter((_, i) => (sets.length - 1 - i) % k === 0);
  }
  if (/^-?\d+$/.test(selector)) {
    const set = sets.at(Number(selector));
    if (!set)
      throw usageError(`layer index ${selector} is out of range: the store has ${sets.length} feature sets`);
    return [set];
  }
  if (selector.includes('*') || selector.includes('?')) {
    const pattern = globPattern(selector);
    const matched = sets.filter((s) => pattern.test(s.layer));
    if (matched.length > 0) return matched;
  }
  throw notFound(
    `no stored feature set matches ${selector}; the store has ${sets.map((s) => s.layer).join(', ')}`,
  );
}
