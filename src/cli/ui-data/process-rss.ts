import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Resident memory of a process on this host in MiB: this process's own from Node, another's from
 * /proc (Linux). Undefined where it cannot be known (another host, another OS, process gone).
 */
export function processRssMb(pid: number, host: string): number | undefined {
  if (host !== hostname()) return undefined;
  if (pid === process.pid) return process.memoryUsage.rss() / (1024 * 1024);
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}
