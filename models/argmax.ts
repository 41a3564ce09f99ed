/** Index of the largest of `classes` scores in row `row` of a row-major [rows, classes] matrix. */
export function argmaxRow(scores: Float32Array, row: number, classes: number): number {
  let best = 0;
  for (let k = 1; k < classes; k++) if (scores[row * classes + k]! > scores[row * classes + best]!) best = k;
  return best;
}
