import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isAlive } from './process-alive.js';

interface LeaseHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

/**
 * A marker that a process is reading a store, so `store gc` can refuse to delete it under the reader.
 * Readers never wait on anything: taking a lease is one small file, and a store on read-only media
 * simply goes without (a lease that cannot be written cannot protect anything either).
 */
export class ReaderLease {
  private constructor(private readonly path: string | undefined) {}

  static take(storeDir: string): ReaderLease {
    const dir = join(storeDir, 'readers');
    const path = join(dir, `${process.pid}-${randomBytes(4).toString('hex')}.lease`);
    const holder: LeaseHolder = {
      pid: process.pid,
      host: hostname(),
      command: process.argv.slice(1).join(' '),
      since: new Date().toISOString(),
    };
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path, JSON.stringify(holder));
      return new ReaderLease(path);
    } catch {
      return new ReaderLease(undefined);
    }
  }

  release(): void {
    if (this.path) rmSync(this.path, { force: true });
  }
}

/** Live readers of a store other than this process, as `pid on host (command)` lines; stale leases are removed. */
export function liveReaders(storeDir: string): string[] {
  const dir = join(storeDir, 'readers');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const live: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    let holder: LeaseHolder;
    try {
      holder = JSON.parse(readFileSync(path, 'utf8')) as LeaseHolder;
    } catch {
      continue;
    }
    const local = holder.host === hostname();
    if (local && !isAlive(holder.pid)) rmSync(path, { force: true });
    else if (!(local && holder.pid === process.pid))
      live.push(`pid ${holder.pid} on ${holder.host} (${holder.command})`);
  }
  return live;
}
