import { readFileSync } from 'node:fs';
import { Redis as IORedis } from 'ioredis';

/**
 * CPU seconds a process has used (Linux): its main thread's run time in nanoseconds, from
 * /proc/PID/schedstat (Redis runs every command on its main thread: the part that queues), else its
 * user + system time from /proc/PID/stat, in ticks of 10 ms (too coarse for one unit's share).
 */
export function cpuSeconds(pid: number): number {
  try {
    const ns = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
    if (ns > 0) return ns / 1e9;
  } catch {
    // no schedstat in this kernel: the ticks below
  }
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** One command's share of Redis's work over a window (from INFO commandstats). */
export interface CommandLoad {
  command: string;
  calls: number;
  /** microseconds Redis spent in it; a script's own commands count inside `evalsha` and again by name */
  usec: number;
}

export interface RedisLoad {
  /** Redis's CPU seconds over the window (`cpuSeconds`: its main thread's run time) */
  cpuSeconds: number;
  /** per command, most time first */
  commands: CommandLoad[];
}

async function commandStats(redis: IORedis): Promise<Map<string, { calls: number; usec: number }>> {
  const stats = new Map<string, { calls: number; usec: number }>();
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (match) stats.set(match[1]!, { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return stats;
}

/**
 * Watches what a window of work costs a private redis-server: its CPU time and, per command, calls
 * and time. `stop` gives the difference since `start` (the two INFO calls are in it, a few µs).
 */
export async function watchRedisLoad(url: string, pid: number): Promise<{ stop: () => Promise<RedisLoad> }> {
  const redis = new IORedis(url, { maxRetriesPerRequest: 1 });
  const before = await commandStats(redis);
  const cpuBefore = cpuSeconds(pid);
  return {
    stop: async () => {
      const cpu = cpuSeconds(pid) - cpuBefore;
      const after = await commandStats(redis);
      redis.disconnect();
      const commands = [...after]
        .map(([command, { calls, usec }]) => ({
          command,
          calls: calls - (before.get(command)?.calls ?? 0),
          usec: usec - (before.get(command)?.usec ?? 0),
        }))
        .filter((c) => c.calls > 0)
        .sort((a, b) => b.usec - a.usec);
      return { cpuSeconds: cpu, commands };
    },
  };
}
