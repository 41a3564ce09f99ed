/**
 * Every benchmark in one command, every figure measured in this run:
 *   1. end to end, status quo vs layerlab, for the built-in backbone and each real model × dataset
 *      pair under ../shared/assets (skipped when absent): total and per-phase ratios, best validation
 *      accuracy of each plan, peak RSS of each, store size;
 *   2. the per-issue benchmarks: capture overhead, cache reuse, memory scaling, fusion, MOP scaling;
 *   3. the soak: ten minutes of training, RSS and open handles sampled (growth after warm-up).
 * Writes bench/results/summary.json (and each benchmark's own file).
 *
 *   npm run bench                        everything (about 12 minutes on 2 cores, plus the soak)
 *   npm run bench -- --quick             a one-minute smoke run: the built-in pair, small; no soak;
 *                                        per-issue figures as last recorded (results in bench/results/quick/)
 *   npm run bench -- --soak-seconds 60   a shorter soak (0: none)
 */
import { parseArgs } from 'node:util';
import { runEndToEnd } from './harness/end-to-end-suite.js';
import { formatEndToEnd } from './harness/format-end-to-end.js';
import { describeMachine } from './harness/machine.js';
import { formatPerIssue, recordedPerIssue, runPerIssue } from './harness/per-issue.js';
import { writeResults } from './harness/results-file.js';
import { formatSoak, runSoak } from './harness/soak-run.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'soak-seconds': { type: 'string', default: '600' },
  },
});
const quick = values.quick;
const soakSeconds = quick ? 0 : Number(values['soak-seconds']);
if (!Number.isFinite(soakSeconds) || soakSeconds < 0)
  throw new Error(`--soak-seconds takes a number of seconds, got ${values['soak-seconds']}`);

const began = performance.now();
const minutes = () => ((performance.now() - began) / 60_000).toFixed(1);
const log = (line: string) => console.log(`[${minutes()} min] ${line}`);
const machine = describeMachine();
console.log(
  `layerlab benchmarks${quick ? ' (quick)' : ''} on ${machine.cpus} × ${machine.cpuModel}, ` +
    `${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}; load average ${machine.loadAverage.join(' ')}\n`,
);

console.log('== End to end: status quo ÷ layerlab, same workload ==');
const endToEnd = await runEndToEnd(quick, log);
console.log(`\n${formatEndToEnd(endToEnd.outcomes)}\n`);

console.log(`== Per-issue benchmarks${quick ? ' (not re-run in --quick: figures as last recorded)' : ''} ==`);
const perIssue = quick ? recordedPerIssue() : await runPerIssue(log);
console.log(`\n${formatPerIssue(perIssue)}\n`);

let soak;
if (soakSeconds > 0) {
  console.log('== Soak ==');
  log(`training for ${soakSeconds} s…`);
  soak = await runSoak(soakSeconds);
  console.log(`\n${formatSoak(soak)}\n`);
}

const summary = {
  quick,
  machine,
  minutes: Number(minutes()),
  endToEnd: Object.fromEntries(
    endToEnd.outcomes.map((o) => [
      o.pair.id,
      {
        model: o.pair.model,
        dataset: o.pair.dataset,
        records: o.records,
        layers: o.layers.length,
        models: o.models,
        endToEnd: o.endToEnd,
      },
    ]),
  ),
  skippedPairs: endToEnd.skipped,
  perIssue,
  ...(soak ? { soak: { seconds: soak.seconds, iterations: soak.iterations, verdict: soak.verdict } } : {}),
};
const path = writeResults('summary', quick, summary);
const failed = [
  ...endToEnd.outcomes
    .filter((o) => !o.endToEnd.accuracy.agree)
    .map((o) => `${o.pair.id}: accuracies differ`),
  ...perIssue.filter((p) => p.status === 'failed').map((p) => `${p.id}: failed`),
  ...(soakSeconds > 0 && !soak?.verdict.pass ? ['soak: did not pass'] : []),
];
console.log(`all figures: ${path} (${minutes()} min)`);
if (failed.length > 0) {
  console.log(`problems: ${failed.join('; ')}`);
  process.exitCode = 1;
}
