/**
 * Number and duration formatting shared by the live view and the plain printer. Locale is pinned
 * so output (and the tests that read it) does not depend on the user's environment.
 */
import type { HeadSummary } from '../core/result.js';

const PLACEHOLDER = '–';
// Made on first use: building a NumberFormat loads ICU's locale data, tens of milliseconds that
// `--help` and usage errors (which import this module but format no number) must not pay.
let integer: Intl.NumberFormat | undefined;

/** `0.9134` → `"91.3%"`; missing or non-finite values print as a dash. */
export function formatPercent(fraction: number | undefined, digits = 1): string {
  if (fraction === undefined || !Number.isFinite(fraction)) return PLACEHOLDER;
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** `12345` → `"12,345"`. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return PLACEHOLDER;
  integer ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  return integer.format(value);
}

/** A clock-style ETA: `"0:07"`, `"12:30"`, `"1:02:03"`; unknown when negative or non-finite. */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '--:--';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A phase duration: `"3.2 s"` below a minute, `"2m05s"` above. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return PLACEHOLDER;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const total = Math.round(seconds);
  const m = Math.floor(total / 60);
  return `${m}m${String(total % 60).padStart(2, '0')}s`;
}

export function formatRate(recordsPerSecond: number): string {
  return `${formatCount(Math.round(recordsPerSecond))} rec/s`;
}

/**
 * A hyper-parameter as people write it: `0.01`, `0.5`, `1e-4`, `0`. Exponent form below 1e-3
 * because `0.0001` and `0.00001` are easy to misread in a column.
 */
export function formatHyper(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3 || magnitude >= 1e4) {
    const [mantissa = '', exponent = ''] = value.toExponential(2).split('e');
    return `${String(Number(mantissa))}e${exponent.replace('+', '')}`;
  }
  return String(Number(value.toPrecision(3)));
}

/** `"linear lr=0.01 l2=1e-4"`, with the optimizer named only when it is not plain SGD. */
export function formatHead(head: HeadSummary): string {
  const optimizer = head.optimizer === 'sgd' ? '' : ` ${head.optimizer}`;
  return `${head.type}${optimizer} lr=${formatHyper(head.lr)} l2=${formatHyper(head.l2)}`;
}

/** An ISO timestamp as local `11-21 10:01`: short enough for a list column. */
export function formatShortDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return PLACEHOLDER;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

/** A loss (or any unbounded metric) with three significant digits: `0.912`, `1.43`, `12.1`. */
export function formatLoss(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return PLACEHOLDER;
  return Number(value.toPrecision(3)).toString();
}
