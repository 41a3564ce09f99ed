/**
 * Output for a terminal that is not interactive (a pipe, a log file, CI): concise lines with no
 * escape codes. It must not import Ink or React: the CLI loads it on every headless run.
 */
import type { EventSink, ExtractProgressEvent } from '../core/events.js';
import type { TrainingResult } from '../core/result.js';
import { hashBar } from './bar-glyphs.js';
import { formatMebibytes } from '../core/format-bytes.js';
import { axisFraction, metricAxis, type MetricAxis } from '../core/metric-axis.js';
import { formatCount, formatEta, formatHyper, formatPercent, formatRate, formatSeconds } from './format.js';
import { resultBestIndex } from './layer-summary.js';
import type { LogLine } from './run-state.js';
import { initialRunState, reduceRunState } from './run-state.js';

export interface PlainPrinterOptions {
  /** milliseconds since some epoch; @default Date.now */
  now?: () => number;
  /** print extraction progress at least this often, in ms, besides every 10%; @default 5000 */
  progressIntervalMs?: number;
}

/**
 * An event sink that prints one line per milestone (stage start and end, each epoch with the best
 * validation accuracy so far), warnings and log messages, and extraction progress every 10% or every
 * few seconds, whichever comes first.
 */
export function createPlainPrinter(
  write: (line: string) => void,
  options: PlainPrinterOptions = {},
): EventSink {
  const now = options.now ?? Date.now;
  const intervalMs = options.progressIntervalMs ?? 5000;
  let state = initialRunState({ title: '', model: '', dataset: '' });
  let lastDecile = 0;
  let lastPrintedAt = now();

  const shouldPrintProgress = (event: ExtractProgressEvent): boolean => {
    const decile = event.total > 0 ? Math.floor((event.records / event.total) * 10) : 0;
    const at = now();
    if (decile <= lastDecile && at - lastPrintedAt < intervalMs) return false;
    lastDecile = Math.max(lastDecile, decile);
    lastPrintedAt = at;
    return true;
  };

  return (event) => {
    const before = state.log.length;
    state = reduceRunState(state, event);
    for (const line of state.log.slice(before)) write(plainLogLine(line));
    if (event.type === 'extract.start') {
      lastDecile = 0;
      lastPrintedAt = now();
    } else if (event.type === 'extract.progress' && shouldPrintProgress(event)) {
      write(progressLine(event));
    }
  };
}

function plainLogLine(line: LogLine): string {
  return line.level === 'warn' ? `warning: ${line.text}` : line.text;
}

function progressLine(event: ExtractProgressEvent): string {
  const fraction = event.total > 0 ? event.records / event.total : 0;
  return (
    `extract: ${formatPercent(fraction, 0)} · ${formatCount(event.records)}/${formatCount(event.total)} records · ` +
    `${formatRate(event.recordsPerSecond)} · ETA ${formatEta(event.etaSeconds)} · RSS ${formatMebibytes(event.rssMb)}`
  );
}

const BAR_WIDTH = 30;

/**
 * The result as a plain text table, one row per layer (best marked `*`), then one line with the
 * best layer, its validation and test accuracy, whether features came from the store, and timings.
 *
 * @example
 * ```
 *   layer  best val acc  head (lr, l2)        60%                       100%
 *   conv1         71.2%  linear (0.01, 1e-4)  ########
 * * conv3         91.3%  linear (0.1, 0)      #########################
 * best: conv3 · val 91.3% · test 90.8% · linear (0.1, 0) · features computed · extract 3.2 s, train 12.3 s, total 15.5 s
 * ```
 */
export function formatLayerTable(result: TrainingResult): string {
  const marked = resultBestIndex(result);
  // Bars on an axis scaled to the values: on 0–100 %, layers at 59–61 % all draw the same bar.
  const axis = metricAxis(
    result.layers.map((l) => l.best.value),
    { unit: true },
  );
  const cells = result.layers.map((l) => ({
    layer: l.layer,
    value: formatPercent(l.best.value),
    head: headCell(l.best.head),
    bar: hashBar(axisFraction(axis, l.best.value), BAR_WIDTH),
  }));
  const header = {
    layer: 'layer',
    value: 'best val acc',
    head: 'head (lr, l2)',
    bar: axisCaption(axis, BAR_WIDTH),
  };
  const width = (pick: (c: typeof header) => string) =>
    Math.max(...[header, ...cells].map((c) => pick(c).length));
  const layerWidth = width((c) => c.layer);
  const valueWidth = width((c) => c.value);
  const headWidth = width((c) => c.head);
  const row = (mark: string, c: typeof header) =>
    `${mark} ${c.layer.padEnd(layerWidth)}  ${c.value.padStart(valueWidth)}  ${c.head.padEnd(headWidth)}  ${c.bar}`.trimEnd();
  const { seconds } = result;
  const summary =
    `best: ${result.best.layer} · val ${formatPercent(result.best.value)} · test ${formatPercent(result.best.test)} · ` +
    `${headCell(result.best.head)} · ${result.cached ? 'features reused from store' : 'features computed'} · ` +
    `extract ${formatSeconds(seconds.extract)}, train ${formatSeconds(seconds.train)}, total ${formatSeconds(seconds.total)}`;
  return [row(' ', header), ...cells.map((c, i) => row(i === marked ? '*' : ' ', c)), summary].join('\n');
}

/** `50%                       100%`: where the bars start and end, over their full width. */
function axisCaption(axis: MetricAxis, width: number): string {
  const lo = `${Number((axis.lo * 100).toFixed(1))}%`;
  const hi = `${Number((axis.hi * 100).toFixed(1))}%`;
  return `${lo}${' '.repeat(Math.max(1, width - lo.length - hi.length))}${hi}`;
}

function headCell(head: TrainingResult['best']['head']): string {
  return `${head.type} (${formatHyper(head.lr)}, ${formatHyper(head.l2)})`;
}
