import type { PointLayout, Pooling } from '../../src/backbone/capture-point.js';
import { gridSize } from '../../src/backbone/capture-point.js';

/**
 * Pooling written out in plain loops over a reference tensor, to check the in-graph pooling against.
 * `dims` are the tensor's concrete dims (batch first); `mask[n][t]` marks the tokens record n keeps.
 */
export function poolReference(
  values: ArrayLike<number>,
  dims: readonly number[],
  layout: PointLayout,
  pooling: Pooling,
  mask?: readonly (readonly number[])[],
): number[] {
  const [n, ...rest] = dims as [number, ...number[]];
  const perRecord = rest.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let r = 0; r < n; r++) {
    const at = (offset: number) => values[r * perRecord + offset]!;
    if (layout === 'vector' || pooling === 'none') {
      for (let i = 0; i < perRecord; i++) out.push(at(i));
      continue;
    }
    if (layout === 'tokens') {
      const [t, d] = rest as [number, number];
      const kept = Array.from({ length: t }, (_, i) => (mask ? mask[r]![i]! : 1));
      for (let c = 0; c < d; c++) {
        const column = Array.from({ length: t }, (_, i) => at(i * d + c)).filter((_, i) => kept[i] === 1);
        if (pooling === 'cls') out.push(at(c));
        else if (pooling === 'max') out.push(Math.max(...column));
        else out.push(column.reduce((a, b) => a + b, 0) / column.length);
      }
      continue;
    }
    const [c, h, w] = (
      layout === 'channels-first' ? [rest[0], rest[1], rest[2] ?? 1] : [rest[2], rest[0], rest[1]]
    ) as [number, number, number];
    const pixel = (ch: number, y: number, x: number) =>
      layout === 'channels-first' ? at((ch * h + y) * w + x) : at((y * w + x) * c + ch);
    const k = gridSize(pooling);
    for (let ch = 0; ch < c; ch++) {
      const bins = k ?? 1;
      for (let i = 0; i < bins; i++) {
        for (let j = 0; j < bins; j++) {
          const [y0, y1] = [Math.floor((i * h) / bins), Math.ceil(((i + 1) * h) / bins)];
          const [x0, x1] = [Math.floor((j * w) / bins), Math.ceil(((j + 1) * w) / bins)];
          const cell: number[] = [];
          for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) cell.push(pixel(ch, y, x));
          out.push(pooling === 'max' ? Math.max(...cell) : cell.reduce((a, b) => a + b, 0) / cell.length);
        }
      }
    }
  }
  return out;
}
