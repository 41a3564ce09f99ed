import { parseHeadSpace, type HeadSpace } from '../train/search/search-space.js';
import type { HeadsBlock } from './sweep-schema.js';

type Spec = NonNullable<HeadsBlock[keyof HeadsBlock]>;
type Scalar = string | number;

/** `[256, 128]` as one value of `hidden` is a two-layer MLP, which the search space spells `256x128`. */
const valueOf = (name: string, v: Scalar | Scalar[]): Scalar =>
  Array.isArray(v) ? (name === 'hidden' ? v.join('x') : String(v)) : v;

/** q_uniform over [a, b] with step q: the values it can take, a grid of multiples of q. */
function quantizedValues(a: number, b: number, q: number): number[] {
  const values: number[] = [];
  for (let k = Math.ceil(a / q - 1e-9); k * q <= b + 1e-9; k++) values.push(Number((k * q).toPrecision(12)));
  return values;
}

function convert(name: string, spec: Spec): unknown {
  if (typeof spec !== 'object') return spec;
  if (Array.isArray(spec)) return spec.map((v) => valueOf(name, v));
  if ('value' in spec) return valueOf(name, spec.value);
  if ('values' in spec) return spec.values.map((v) => valueOf(name, v));
  if ('q_uniform' in spec) return { choice: quantizedValues(...spec.q_uniform) };
  if ('distribution' in spec) {
    if (spec.distribution === 'q_uniform')
      return { choice: quantizedValues(spec.min, spec.max, spec.q ?? 1) };
    return { [spec.distribution]: [spec.min, spec.max] };
  }
  return spec;
}

/**
 * A sweep file's `heads:` block as the trainer's head search space. W&B spellings (`{values}`,
 * `{value}`, `{distribution, min, max}`) become lists, values and distributions; `q_uniform` draws
 * uniformly among the multiples of q in [a, b].
 */
export function headsToSpace(heads: HeadsBlock): HeadSpace {
  const space: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(heads)) if (spec !== undefined) space[name] = convert(name, spec);
  return parseHeadSpace(space, 'sweep heads');
}
