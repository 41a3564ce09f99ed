/**
 * The one way layerlab prints a byte size. Sizes are counted in powers of 1024, so they carry the
 * IEC binary labels (KiB, MiB, GiB): "MB" would claim powers of 1000 and misstate every figure by
 * 5–10 %. `store ls`, `extract`, `doctor`, the plain progress lines and the TUI all print through it.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * `512 B`, `4.7 KiB`, `251 KiB`, `1 MiB`, `1.5 GiB`: one decimal below 10 (dropped when it is .0),
 * whole numbers above, and the next unit from 1000 on so a figure never needs four digits.
 * Anything that is not a finite size prints `fallback`.
 * @example formatBytes(4.7 * 2 ** 20) // '4.7 MiB'
 */
export function formatBytes(bytes: number, fallback = '–'): string {
  if (!Number.isFinite(bytes) || bytes < 0) return fallback;
  let value = bytes;
  let unit = 0;
  while (value >= 999.5 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  const text = value < 9.95 ? String(Number(value.toFixed(1))) : String(Math.round(value));
  return `${text} ${UNITS[unit]}`;
}

/** A size given in MiB (how RSS figures travel in events), printed like {@link formatBytes}. */
export function formatMebibytes(mib: number, fallback = '–'): string {
  return formatBytes(mib * 2 ** 20, fallback);
}
