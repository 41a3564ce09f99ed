import type { ModelState } from '../../src/train/heads/head-state.js';

/** Bitwise equality of two float arrays (a deep equal on large typed arrays is very slow). */
export const sameBits = (a: Float32Array, b: Float32Array): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** The names of the tensors in which two sets of model states differ (empty: identical bits). */
export function differingTensors(
  a: ReadonlyMap<string, ModelState>,
  b: ReadonlyMap<string, ModelState>,
): string[] {
  const differ: string[] = [];
  if ([...a.keys()].join() !== [...b.keys()].join()) differ.push('(model ids)');
  for (const [id, state] of a)
    for (const [name, t] of Object.entries(state)) {
      const other = b.get(id)?.[name];
      if (!other || !sameBits(t.data, other.data)) differ.push(`${id}/${name}`);
    }
  return differ;
}
