import { runBenchScript } from './child.js';
import type { SoakVerdict } from './soak-samples.js';

export interface SoakOutcome {
  seconds: number;
  iterations: number;
  verdict: SoakVerdict;
  resultsFile: string;
}

/** Runs the soak benchmark in its own process (with --expose-gc, so samples follow a full collection). */
export async function runSoak(seconds: number): Promise<SoakOutcome | undefined> {
  const run = await runBenchScript('soak.js', ['--seconds', String(seconds)], {
    NODE_OPTIONS: [process.env.NODE_OPTIONS, '--expose-gc'].filter(Boolean).join(' '),
  });
  const last = run.stdout.trim().split('\n').at(-1);
  if (run.code !== 0 || !last) return undefined;
  const { iterations, verdict, resultsFile } = JSON.parse(last) as Omit<SoakOutcome, 'seconds'>;
  return { seconds, iterations, verdict, resultsFile };
}

export function formatSoak(outcome: SoakOutcome | undefined): string {
  if (!outcome) return 'soak: failed (see its output above)';
  const v = outcome.verdict;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return [
    `soak: ${outcome.iterations} training runs in ${outcome.seconds} s, warm-up ${Math.round(v.warmupSeconds)} s`,
    `    RSS ${v.rssStartMb} → ${v.rssEndMb} MiB after warm-up: growth ${pct(v.rssGrowth)} (peak ${pct(v.rssPeakGrowth)}; target ≤ 5%)`,
    `    heap ${v.heapStartMb} → ${v.heapEndMb} MiB; open descriptors ${v.openFdsGrowth >= 0 ? '+' : ''}${v.openFdsGrowth}, active handles ${v.activeResourcesGrowth >= 0 ? '+' : ''}${v.activeResourcesGrowth}`,
    `    ${v.pass ? 'PASS' : 'FAIL'}`,
  ].join('\n');
}
