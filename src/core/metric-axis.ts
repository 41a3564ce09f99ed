/**
 * The value axis of layer-wise charts and learning curves. Drawn from 0 to 100 %, layers scoring
 * 59.1–61.2 % look the same and curves look flat, though those differences decide which layer wins.
 * The axis starts at chance level when the values are near it (so "how far above chance" reads off
 * the bars), else a little below the lowest value, and it says where it starts.
 */
export interface MetricAxis {
  /** value at the start of the axis (a bar of length 0) */
  lo: number;
  /** value at the end of the axis */
  hi: number;
  /** tick values from lo to hi, at a round step */
  ticks: number[];
  /** chance level, when known and inside the axis: charts mark it */
  chance?: number;
}

export interface MetricAxisOptions {
  /** chance level, e.g. 1/classes for accuracy */
  chance?: number;
  /** the metric lives in [0, 1] (accuracy, F1): the axis never leaves it */
  unit?: boolean;
  /** how many ticks to aim for @default 5 */
  ticks?: number;
  /**
   * room below the lowest value, in spreads of the values: bars need some (the lowest bar keeps a
   * length), curves little @default 0.5
   */
  below?: number;
}

/** A round step (1, 2, 2.5 or 5 × 10^k) that cuts `span` into about `count` pieces. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
  return step ?? 10 * power;
}

/** The axis for these values (non-finite ones ignored). */
export function metricAxis(values: readonly number[], options: MetricAxisOptions = {}): MetricAxis {
  const finite = values.filter(Number.isFinite);
  const count = options.ticks ?? 5;
  const clamp = (v: number) => (options.unit ? Math.min(1, Math.max(0, v)) : v);
  if (finite.length === 0) return { lo: 0, hi: 1, ticks: [0, 0.5, 1] };
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  // A flat series still gets an axis of some height around its value.
  const span = max - min || Math.max(Math.abs(max) * 0.05, options.unit ? 0.01 : 1e-6);
  const { chance } = options;
  // From chance when the lowest value is within two spreads of it: bars then read "above chance".
  const fromChance = chance !== undefined && chance <= min && min - chance <= 2 * span;
  let lo = clamp(fromChance ? chance : min - span * (options.below ?? 0.5));
  let hi = clamp(max + span * 0.15);
  const step = niceStep(hi - lo, count);
  lo = clamp(Math.floor(lo / step + 1e-9) * step);
  hi = clamp(Math.ceil(hi / step - 1e-9) * step);
  if (fromChance) lo = chance;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step)
    ticks.push(Number(t.toPrecision(12)));
  const marked = chance !== undefined && chance >= lo && chance <= hi;
  return { lo, hi, ticks, ...(marked ? { chance } : {}) };
}

/** Where a value sits on the axis, as a fraction of its length, clamped to [0, 1]. */
export function axisFraction(axis: MetricAxis, value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value) || !(axis.hi > axis.lo)) return 0;
  return Math.min(1, Math.max(0, (value - axis.lo) / (axis.hi - axis.lo)));
}
