/**
 * Horizontal bars drawn with characters. Values are fractions of a full bar; accuracy bars use the
 * absolute 0–1 scale so a bar's length means the same thing in every run and every layer.
 */

/** Partial blocks from one eighth to seven eighths of a cell. */
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'] as const;
const FULL = '█';

/** `value / max`, clamped to [0, 1]; 0 for anything non-finite so a bar never throws or overflows. */
export function barFraction(value: number | undefined, max = 1): number {
  if (value === undefined || !Number.isFinite(value) || !(max > 0)) return 0;
  return Math.min(1, Math.max(0, value / max));
}

/** How many of `width × steps` sub-cells a fraction fills (rounded to the nearest). */
export function barSteps(fraction: number, width: number, steps = 1): number {
  return Math.round(barFraction(fraction) * width * steps);
}

/** A unicode block bar with eighth-cell resolution, at most `width` cells, not padded. */
export function blockBar(fraction: number, width: number): string {
  const eighths = barSteps(fraction, width, 8);
  return FULL.repeat(Math.floor(eighths / 8)) + (EIGHTHS[eighths % 8] ?? '');
}

/** An ASCII bar of `#` for plain output, at most `width` characters, not padded. */
export function hashBar(fraction: number, width: number): string {
  return '#'.repeat(barSteps(fraction, width));
}
