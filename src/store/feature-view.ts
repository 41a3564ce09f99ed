import { LayerlabError, notFound, usageError } from '../core/errors.js';
import type { FeatureStore } from './feature-store.js';
import type { FeatureSetManifest } from './manifest.js';

export type Combine = 'sum' | 'mean' | 'concat';

/** A derived view name, e.g. `sum(last:4)`: `K` stored pooled layers combined. */
export interface DerivedViewSpec {
  combine: Combine;
  last: number;
}

export function parseDerivedView(name: string): DerivedViewSpec | undefined {
  const match = /^(sum|mean|concat)\(last:(\d+)\)$/.exec(name.trim());
  if (!match) return undefined;
  const last = Number(match[2]);
  if (last < 1) throw usageError(`${name}: K must be at least 1`);
  return { combine: match[1] as Combine, last };
}

/** A readable feature view: one stored set, or a derived view over several. */
export interface FeatureView {
  /** the view name (docs/contract.md, "Feature view names") */
  name: string;
  dims: number;
  /** the stored sets it reads, graph order */
  sets: FeatureSetManifest[];
  combine?: Combine;
  /** rows (storage order) as one [rows, dims] array */
  readRows(rows: ArrayLike<number>): Float32Array;
}

const graphOrder = (a: FeatureSetManifest, b: FeatureSetManifest) =>
  (a.pointIndex ?? 0) - (b.pointIndex ?? 0) || a.createdAt.localeCompare(b.createdAt);

/** The complete stored set of a view name; float32 first when both dtypes are stored. */
export function findFeatureSet(store: FeatureStore, layer: string): FeatureSetManifest {
  const sets = store.featureSets().filter((s) => !s.temporary);
  const matches = sets.filter((s) => s.layer === layer || s.key === layer);
  const complete = matches
    .filter((s) => s.complete)
    .sort((a, b) => (a.dtype === 'float32' ? -1 : 0) - (b.dtype === 'float32' ? -1 : 0));
  if (complete[0]) return complete[0];
  if (matches.length > 0)
    throw new LayerlabError('BAD_DATA', `feature set ${layer} is not complete; re-run \`layerlab extract\``);
  const names = [...new Set(sets.filter((s) => s.complete).map((s) => s.layer))];
  throw notFound(`no feature set ${layer} in ${store.dir}; stored: ${names.join(', ') || 'none'}`);
}

/**
 * Resolves a view: a stored set by its name, or a derived view (`sum(last:K)`, `mean(last:K)`,
 * `concat(last:K)`) over the K complete pooled sets that end at `anchor` (default: the last stored
 * layer) in graph order, with the anchor's pooling. Derived views are computed from the stored
 * vectors, never by running the model again; sum and mean need equal dims (exact for linear
 * pooling: the mean of pooled maps is the pooled mean).
 */
export function resolveView(store: FeatureStore, name: string, anchor?: string): FeatureView {
  const derived = parseDerivedView(name);
  if (!derived) {
    const set = findFeatureSet(store, name);
    return {
      name: set.layer,
      dims: set.dims,
      sets: [set],
      readRows: (rows) => store.readRows(set.key, rows),
    };
  }
  const candidates = store
    .featureSets()
    .filter((s) => s.complete && !s.temporary && !s.derivedFrom && s.pooling !== 'none')
    .sort(graphOrder);
  const end = anchor ? findFeatureSet(store, anchor) : candidates.at(-1);
  if (!end) throw notFound(`no complete pooled feature sets in ${store.dir} to derive ${name} from`);
  const family = candidates.filter((s) => s.pooling === end.pooling && s.dtype === end.dtype);
  const upTo = family.slice(0, family.findIndex((s) => s.key === end.key) + 1);
  if (upTo.length < derived.last)
    throw new LayerlabError(
      'CONFIG',
      `${name} needs ${derived.last} stored layers ending at ${end.layer}, but ${upTo.length} are stored; extract more layers`,
    );
  const sets = upTo.slice(-derived.last);
  if (derived.combine !== 'concat' && new Set(sets.map((s) => s.dims)).size > 1)
    throw new LayerlabError(
      'CONFIG',
      `${name}: ${sets.map((s) => `${s.layer} has ${s.dims}`).join(', ')} dims; ${derived.combine} needs equal dims (use concat(last:${derived.last}))`,
    );
  const dims = derived.combine === 'concat' ? sets.reduce((a, s) => a + s.dims, 0) : sets[0]!.dims;
  const viewName = anchor ? `${name}@${end.layer}` : name;
  return {
    name: viewName,
    dims,
    sets,
    combine: derived.combine,
    readRows(rows) {
      const out = new Float32Array(rows.length * dims);
      let column = 0;
      for (const set of sets) {
        const part = store.readRows(set.key, rows);
        if (derived.combine === 'concat') {
          for (let r = 0; r < rows.length; r++)
            out.set(part.subarray(r * set.dims, (r + 1) * set.dims), r * dims + column);
          column += set.dims;
        } else for (let i = 0; i < part.length; i++) out[i] = out[i]! + part[i]!;
      }
      if (derived.combine === 'mean') for (let i = 0; i < out.length; i++) out[i] = out[i]! / sets.length;
      return out;
    },
  };
}
