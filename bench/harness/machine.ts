import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem, type as osType } from 'node:os';

/** What a recorded figure was measured on (results files carry it). */
export interface MachineDescription {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  os: string;
  /** 1, 5 and 15 minute load averages when the measurement began: other work on the machine */
  loadAverage: number[];
}

export function describeMachine(): MachineDescription {
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.versions.node,
    os: `${osType()} ${release()}${distribution()}`,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** ` (Debian GNU/Linux 12 (bookworm))` from /etc/os-release where there is one. */
function distribution(): string {
  try {
    const name = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    return name ? ` (${name})` : '';
  } catch {
    return '';
  }
}
