import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths.js';
import { benchDist, runBenchScript } from './child.js';
import { headlineFigures, type Figure } from './headline-figures.js';

/** The per-issue benchmarks other engineers wrote, re-run by the harness so one command reports all. */
export const PER_ISSUE = [
  { id: 'capture-overhead', what: 'capture overhead (one pass capturing K layers ÷ plain pass; lazy)' },
  { id: 'extract-cache', what: 'cache reuse (cached re-run ÷ first extraction)' },
  { id: 'extract-rss', what: 'memory scaling (peak RSS at 10N ÷ at N records)' },
  { id: 'train-fusion', what: 'fusion (16 heads one by one ÷ fused)' },
  { id: 'train-workers', what: 'MOP scaling (2 workers ÷ 1 worker throughput)' },
  {
    id: 'step-cost',
    what: "the unit-cost model's calibration (cutting 8 fused heads in two: measured ÷ model)",
  },
  {
    id: 'train-workers-layers',
    what: 'MOP scaling by fused-group count (2 workers ÷ 1 ÷ step-graph ceiling, 1–8 layers × 8 heads)',
  },
  {
    id: 'mop-timeline',
    what: 'where a MOP epoch goes (workers computing, waiting, validation; 1 and 8 layers × 8 heads, 2 workers)',
  },
  {
    id: 'startup',
    what: 'start-up (median ms of --help, --version, results, store ls, usage errors ÷ node -e 0)',
  },
  {
    id: 'extract-fixed-batch',
    what: 'extraction speed (layerlab extract ÷ a per-record ORT loop; fixed-batch models)',
  },
  {
    id: 'triage-evidence',
    what: 'layer triage (Kendall τ, top-3, triage ÷ training time, --triage 3 speed-up)',
  },
  {
    id: 'triage-overlap',
    what: 'train --triage start-up (triage start → shard pool ready: threads spawned before ÷ after triage)',
  },
  {
    id: 'triage-kernels',
    what: "triage's per-row kernels (row-by-row ÷ blocked Gram update and projection, same bits)",
  },
  {
    id: 'data-sources',
    what: 'data sources (PostgreSQL, Parquet, image-path CSV ÷ folder records/s; RSS 10N ÷ N)',
  },
  { id: 'cluster-dispatch', what: 'cluster dispatch overhead (BullMQ round trip − unit) ÷ unit' },
  {
    id: 'cluster-train',
    what: 'MOP across hosts: dispatch overhead ÷ median unit; 2 hosts × 1 worker ÷ 1 host × 2 threads throughput',
  },
  {
    id: 'cluster-state-pass',
    what: "a group state's pass through Redis (encode, hash, SET with the reply ÷ before; GET, check, decode ÷ before)",
  },
  {
    id: 'grouped-training',
    what: 'grouped learning (50 groups: one train per group ÷ one train --groups scan; peak RSS of both)',
  },
  {
    id: 'cluster-simulation',
    what: 'scale on paper (simulated MOP efficiency at 1–64 hosts × 1–16 workers vs task and data parallelism)',
  },
] as const;

export interface PerIssueOutcome {
  id: string;
  what: string;
  /** absent: its script is not in dist/bench; not recorded: it keeps no results file (quick runs) */
  status: 'measured' | 'recorded earlier' | 'not recorded' | 'failed' | 'absent';
  seconds?: number;
  recordedAt?: string;
  figures: Figure[];
  /** a benchmark that prints a table instead of writing a results file: the table */
  table?: string[];
}

const resultsPath = (id: string) => join(packageRoot(), 'bench', 'results', `${id}.json`);

function readRecorded(id: string, since = 0): { figures: Figure[]; recordedAt?: string } | undefined {
  const path = resultsPath(id);
  if (!existsSync(path) || statSync(path).mtimeMs < since) return undefined;
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { recordedAt?: string };
  return { figures: headlineFigures(doc), ...(doc.recordedAt ? { recordedAt: doc.recordedAt } : {}) };
}

/** The lines of a printed table: from its header (the line naming `model` or `ratio`) to the next blank. */
function printedTable(stdout: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => /^\s*model\s/.test(l) || /\bratio\b.*\bms\b/.test(l));
  if (start < 0) return lines.filter((l) => l.trim()).slice(-12);
  const end = lines.findIndex((l, i) => i > start && l.trim() === '');
  return lines.slice(start, end < 0 ? undefined : end);
}

/** Runs each per-issue benchmark in its own process and reads back the figures it recorded. */
export async function runPerIssue(log: (line: string) => void): Promise<PerIssueOutcome[]> {
  const outcomes: PerIssueOutcome[] = [];
  for (const { id, what } of PER_ISSUE) {
    if (!existsSync(join(benchDist, `${id}.js`))) {
      outcomes.push({ id, what, status: 'absent', figures: [] });
      continue;
    }
    log(`${what}…`);
    const started = Date.now();
    const run = await runBenchScript(`${id}.js`, []);
    const recorded = readRecorded(id, started);
    outcomes.push({
      id,
      what,
      status: run.code === 0 ? 'measured' : 'failed',
      seconds: Math.round(run.seconds),
      figures: recorded?.figures ?? [],
      ...(recorded?.recordedAt ? { recordedAt: recorded.recordedAt } : {}),
      ...(recorded ? {} : { table: printedTable(run.stdout) }),
    });
  }
  return outcomes;
}

/**
 * `--quick`: the figures each per-issue benchmark last recorded, labelled as such (nothing re-run).
 * A benchmark that keeps no results file of its own (it prints a table) is read from the last full
 * run's summary.
 */
export function recordedPerIssue(): PerIssueOutcome[] {
  const summaryPath = join(packageRoot(), 'bench', 'results', 'summary.json');
  const summary = existsSync(summaryPath)
    ? (JSON.parse(readFileSync(summaryPath, 'utf8')) as { perIssue?: PerIssueOutcome[]; recordedAt?: string })
    : undefined;
  return PER_ISSUE.map(({ id, what }) => {
    const recorded = readRecorded(id);
    if (recorded) return { id, what, status: 'recorded earlier' as const, ...recorded };
    const fromSummary = summary?.perIssue?.find((p) => p.id === id && p.status === 'measured');
    if (fromSummary)
      return {
        ...fromSummary,
        status: 'recorded earlier' as const,
        ...(summary?.recordedAt ? { recordedAt: summary.recordedAt } : {}),
      };
    return { id, what, status: 'not recorded' as const, figures: [] };
  });
}

export function formatPerIssue(outcomes: readonly PerIssueOutcome[]): string {
  return outcomes
    .map((o) => {
      const timing = o.seconds !== undefined && o.status !== 'recorded earlier' ? ` in ${o.seconds} s` : '';
      const when = o.status === 'recorded earlier' && o.recordedAt ? ` (${o.recordedAt})` : '';
      const head = `${o.what}: ${o.status}${timing}${when}`;
      const body = [...o.figures.map((f) => `${f.path} = ${f.value}`), ...(o.table ?? [])].map(
        (l) => `    ${l}`,
      );
      return [head, ...body].join('\n');
    })
    .join('\n');
}
