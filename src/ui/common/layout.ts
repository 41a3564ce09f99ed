/** Size limits and height budgets of the full-screen UI. Pure. */

/** Below this the UI shows a message instead of a squeezed screen. */
export const MIN_COLUMNS = 72;
export const MIN_ROWS = 18;

export function tooSmall(size: { columns: number; rows: number }): boolean {
  return size.columns < MIN_COLUMNS || size.rows < MIN_ROWS;
}

/**
 * Splits `available` lines between two lists: each gets what it needs when both fit, otherwise the
 * first gets at most a third (at least `min`) and the second the rest.
 */
export function splitHeight(
  available: number,
  first: number,
  second: number,
  min = 2,
): { first: number; second: number } {
  if (first + second <= available) return { first, second: available - first };
  const firstShare = Math.min(first, Math.max(min, Math.floor(available / 3)));
  return { first: firstShare, second: Math.max(0, available - firstShare) };
}
