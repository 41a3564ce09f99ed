import { readdirSync } from 'node:fs';

/** One reading of the process's resources between training runs. */
export interface SoakSample {
  /** seconds since the loop began */
  at: number;
  iteration: number;
  rssMb: number;
  heapUsedMb: number;
  /** open file descriptors (/proc/self/fd), or -1 where there is no /proc */
  openFds: number;
  /** libuv handles and requests keeping the event loop alive */
  activeResources: number;
  /** their kinds, e.g. `Timeout×1` */
  resourceKinds: string;
}

function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return -1;
  }
}

function kinds(resources: string[]): string {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k}×${n}`).join(' ');
}

/**
 * A sample once pending callbacks have run (a run's last immediates are not a leak) and after a full
 * garbage collection when the process runs with --expose-gc (steadier RSS).
 */
export async function sample(at: number, iteration: number): Promise<SoakSample> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  const resources = process.getActiveResourcesInfo();
  return {
    at: Math.round(at * 10) / 10,
    iteration,
    rssMb: Math.round((memory.rss / 2 ** 20) * 10) / 10,
    heapUsedMb: Math.round((memory.heapUsed / 2 ** 20) * 10) / 10,
    openFds: openFds(),
    activeResources: resources.length,
    resourceKinds: kinds(resources),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? Number.NaN
    : (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2;
};

export interface SoakVerdict {
  /** samples before this many seconds are warm-up (sessions, caches, allocator arenas filling) */
  warmupSeconds: number;
  samplesAfterWarmup: number;
  /** median RSS of the first and of the last quarter of the samples after warm-up */
  rssStartMb: number;
  rssEndMb: number;
  /** (end − start) / start */
  rssGrowth: number;
  /** the largest sample after warm-up relative to the start median */
  rssPeakGrowth: number;
  heapStartMb: number;
  heapEndMb: number;
  /** last minus first sample after warm-up */
  openFdsGrowth: number;
  activeResourcesGrowth: number;
  /** RSS grew by at most 5% and no descriptor or handle was left open */
  pass: boolean;
}

/** Growth after warm-up: the first and last quarters' medians, so one noisy sample decides nothing. */
export function judgeSoak(samples: readonly SoakSample[], warmupSeconds: number): SoakVerdict {
  const after = samples.filter((s) => s.at >= warmupSeconds);
  const quarter = Math.max(1, Math.floor(after.length / 4));
  const first = after.slice(0, quarter);
  const last = after.slice(-quarter);
  const rssStartMb = median(first.map((s) => s.rssMb));
  const rssEndMb = median(last.map((s) => s.rssMb));
  const rssGrowth = (rssEndMb - rssStartMb) / rssStartMb;
  const openFdsGrowth = (after.at(-1)?.openFds ?? 0) - (after[0]?.openFds ?? 0);
  const activeResourcesGrowth = (after.at(-1)?.activeResources ?? 0) - (after[0]?.activeResources ?? 0);
  return {
    warmupSeconds,
    samplesAfterWarmup: after.length,
    rssStartMb,
    rssEndMb,
    rssGrowth: Math.round(rssGrowth * 10000) / 10000,
    rssPeakGrowth:
      Math.round(((Math.max(...after.map((s) => s.rssMb)) - rssStartMb) / rssStartMb) * 10000) / 10000,
    heapStartMb: median(first.map((s) => s.heapUsedMb)),
    heapEndMb: median(last.map((s) => s.heapUsedMb)),
    openFdsGrowth,
    activeResourcesGrowth,
    pass: after.length >= 2 && rssGrowth <= 0.05 && openFdsGrowth <= 0 && activeResourcesGrowth <= 0,
  };
}
