import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LayerlabError } from '../core/errors.js';
import { isAlive } from './process-alive.js';

interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

/**
 * One writer per store (LMDB allows one write transaction at a time, but a second process writing the
 * same feature sets would waste its work). A lock file names the holder; a holder that died is replaced.
 */
export class WriterLock {
  private constructor(private readonly path: string) {}

  static acquire(dir: string): WriterLock {
    const path = join(dir, 'writer.lock');
    const me: LockHolder = {
      pid: process.pid,
      host: hostname(),
      command: process.argv.slice(1).join(' '),
      since: new Date().toISOString(),
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, JSON.stringify(me));
        closeSync(fd);
        return new WriterLock(path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
          throw new LayerlabError(
            'STORE_NOT_WRITABLE',
            `store ${dir} is not writable (${code}); pass --home or --store with a writable folder`,
          );
        }
        if (code !== 'EEXIST') throw error;
        const holder = readHolder(path);
        if (holder && (holder.host !== me.host || isAlive(holder.pid)) && holder.pid !== process.pid) {
          throw new LayerlabError(
            'STORE_LOCKED',
            `store ${dir} is being written by pid ${holder.pid} on ${holder.host} (${holder.command}) since ${holder.since}; wait for it or stop it`,
          );
        }
        rmSync(path, { force: true }); // stale lock from a process that died
      }
    }
    throw new LayerlabError(
      'STORE_LOCKED',
      `could not take the writer lock of ${dir}; remove ${path} if no layerlab process is running`,
    );
  }

  release(): void {
    rmSync(this.path, { force: true });
  }
}

/** The live writer of a store, as `pid on host (command)`, or undefined. */
export function liveWriter(dir: string): string | undefined {
  const holder = readHolder(join(dir, 'writer.lock'));
  if (!holder) return undefined;
  if (holder.host === hostname() && (!isAlive(holder.pid) || holder.pid === process.pid)) return undefined;
  return `pid ${holder.pid} on ${holder.host} (${holder.command})`;
}

function readHolder(path: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}
