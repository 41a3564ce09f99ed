import type { PairOutcome } from './end-to-end-suite.js';
import { formatTable, mib, pct, times } from './format-table.js';

/** The end-to-end table: one row per pair, every figure measured in this run. */
export function formatEndToEnd(outcomes: readonly PairOutcome[]): string {
  const rows = outcomes.map(({ pair, records, layers, models, endToEnd: e }) => [
    `${pair.model} × ${pair.dataset}`,
    `${records} rec, ${layers.length} layers, ${models} models`,
    `${e.statusQuo.seconds.toFixed(1)} s`,
    `${e.layerlab.seconds.toFixed(1)} s`,
    times(e.ratio),
    times(e.phaseRatios.extract),
    times(e.phaseRatios.train),
    `${pct(e.statusQuo.bestAccuracy)} / ${pct(e.layerlab.bestAccuracy)}${e.accuracy.agree ? '' : ' (DIFFER)'}`,
    `${e.statusQuo.peakRssMb} / ${e.layerlab.peakRssMb} MiB`,
    mib(e.layerlab.storeBytes),
  ]);
  return formatTable(
    [
      'pair',
      'workload',
      'status quo',
      'layerlab',
      'ratio',
      'extract',
      'train',
      'best val acc (sq / ll)',
      'peak RSS (sq / ll)',
      'store',
    ],
    rows,
  );
}
