/**
 * End to end: "which layer?" answered the status-quo way and the layerlab way, on the same workload
 * (every layer × 8 head configurations × a few epochs), for the built-in backbone and every real
 * model × dataset pair under ../shared/assets (LAYERLAB_ASSETS). Status quo: one backbone pass per
 * layer, then each head trained on its own, one after the other. layerlab: one pass for all layers,
 * fused heads, MOP over the cores. Each plan runs in its own process; prints total and per-phase
 * ratios, both best validation accuracies, both peak RSS and the store size, and writes
 * bench/results/end-to-end-<pair>.json. `npm run bench` runs it with every other benchmark.
 *
 *   npm run build && node dist/bench/end-to-end.js [--quick]
 *
 * Internally (one plan of one pair, in a child process):
 *   node dist/bench/end-to-end.js --plan status-quo|layerlab --pair ID --data REF --work DIR --out FILE
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runEndToEnd } from './harness/end-to-end-suite.js';
import { formatEndToEnd } from './harness/format-end-to-end.js';
import { benchPairs } from './harness/pairs.js';
import { runPlan, type PlanName } from './harness/plans.js';
import { benchWorkload } from './harness/workload.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    plan: { type: 'string' },
    pair: { type: 'string' },
    data: { type: 'string' },
    work: { type: 'string' },
    out: { type: 'string' },
  },
});

if (values.plan) {
  const plan = values.plan as PlanName;
  const pair = benchPairs(values.quick).pairs.find((p) => p.id === values.pair);
  if (!pair || !values.data || !values.work || !values.out || !['status-quo', 'layerlab'].includes(plan))
    throw new Error('usage: --plan status-quo|layerlab --pair ID --data REF --work DIR --out FILE');
  mkdirSync(values.work, { recursive: true });
  const result = await runPlan(plan, pair, values.data, values.work, benchWorkload(values.quick));
  // maxRSS (getrusage) is the process's peak resident set, worker threads included, in KiB
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  writeFileSync(values.out, JSON.stringify({ ...result, peakRssMb }));
} else {
  const { outcomes } = await runEndToEnd(values.quick, (line) => console.log(line));
  console.log(`\n${formatEndToEnd(outcomes)}`);
}
