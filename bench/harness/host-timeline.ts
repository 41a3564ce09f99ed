import { wallMs } from '../../src/cluster/unit-trace.js';

/** One job a host ran, from its `worker.unit` line: wall-clock ms (this machine's clock). */
export interface HostJob {
  host: string;
  /** the coordinator session (a job id is `SESSION:KIND:SEQ`) */
  session: string;
  kind: string;
  start: number;
  end: number;
}

/**
 * Reads the hosts' NDJSON lines as they come and stamps each `worker.unit` line on arrival: the
 * line is printed when the job ends, so its start is the arrival less its `seconds` (the pipe's
 * delay, well under a millisecond, is left in). Lines cut across chunks are put back together.
 */
export class HostJobLog {
  readonly jobs: HostJob[] = [];
  private readonly partial = new Map<string, string>();

  hear(chunk: string, host: string): void {
    const at = wallMs();
    const text = (this.partial.get(host) ?? '') + chunk;
    const lines = text.split('\n');
    this.partial.set(host, lines.pop()!);
    for (const line of lines) {
      if (!line.includes('"worker.unit"')) continue;
      const parsed = JSON.parse(line) as { job: string; kind: string; ok: boolean; seconds: number };
      if (!parsed.ok) continue;
      const session = parsed.job.split(':')[0]!;
      this.jobs.push({ host, session, kind: parsed.kind, start: at - parsed.seconds * 1000, end: at });
    }
  }
}

export interface HostTimeline {
  host: string;
  /** seconds from the start of train() */
  firstJob: number;
  /** each shard-stats job's seconds, in order (summary, mean, variance) */
  statsSeconds: number[];
  statsEnd: number;
  firstUnitStart: number;
  /** the first training job's handler seconds: the session's shard thread starts in it */
  firstUnitSeconds: number;
  medianUnitSeconds: number;
  lastJobEnd: number;
  busy: number;
  /** idle time between the first unit's start and the last job's end */
  idle: number;
  largestGap: { seconds: number; at: number };
}

/** Per host, when the session's jobs ran on it, in seconds from `t0` (the start of train()). */
export function hostTimelines(jobs: readonly HostJob[], session: string, t0: number): HostTimeline[] {
  const hosts = [...new Set(jobs.filter((j) => j.session === session).map((j) => j.host))].sort();
  const s = (ms: number) => (ms - t0) / 1000;
  return hosts.map((host) => {
    const mine = jobs
      .filter((j) => j.session === session && j.host === host)
      .sort((a, b) => a.start - b.start);
    const stats = mine.filter((j) => j.kind === 'shard-stats');
    // training jobs: one unit (`train-unit`) or a worker's units sent together (`train-units`)
    const units = mine.filter((j) => j.kind.startsWith('train-unit'));
    const first = units[0]!;
    let idle = 0;
    let largestGap = { seconds: 0, at: 0 };
    for (let i = mine.indexOf(first) + 1; i < mine.length; i++) {
      const gap = (mine[i]!.start - mine[i - 1]!.end) / 1000;
      if (gap <= 0) continue;
      idle += gap;
      if (gap > largestGap.seconds) largestGap = { seconds: gap, at: s(mine[i - 1]!.end) };
    }
    const seconds = units.map((u) => (u.end - u.start) / 1000).sort((a, b) => a - b);
    return {
      host,
      firstJob: s(mine[0]!.start),
      statsSeconds: stats.map((j) => (j.end - j.start) / 1000),
      statsEnd: stats.length > 0 ? s(Math.max(...stats.map((j) => j.end))) : 0,
      firstUnitStart: s(first.start),
      firstUnitSeconds: (first.end - first.start) / 1000,
      medianUnitSeconds: seconds[Math.floor(seconds.length / 2)]!,
      lastJobEnd: s(Math.max(...mine.map((j) => j.end))),
      busy: mine.reduce((n, j) => n + (j.end - j.start) / 1000, 0),
      idle,
      largestGap,
    };
  });
}

/** The timeline as lines for the bench's output. */
export function timelineLines(timelines: readonly HostTimeline[]): string[] {
  return timelines.map(
    (t) =>
      `    ${t.host}: first job ${t.firstJob.toFixed(2)} s, shard statistics (${t.statsSeconds.map((x) => x.toFixed(2)).join(' + ')} s) done ${t.statsEnd.toFixed(2)} s, ` +
      `first training job ${t.firstUnitStart.toFixed(2)} s (its handler ${t.firstUnitSeconds.toFixed(2)} s, median job ${t.medianUnitSeconds.toFixed(2)} s), ` +
      `last job ends ${t.lastJobEnd.toFixed(2)} s; busy ${t.busy.toFixed(2)} s, idle after the first training job ${t.idle.toFixed(2)} s ` +
      `(largest gap ${t.largestGap.seconds.toFixed(2)} s at ${t.largestGap.at.toFixed(2)} s)`,
  );
}
