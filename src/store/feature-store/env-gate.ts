import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LayerlabError } from '../../core/errors.js';
import { isAlive } from '../process-alive.js';

/**
 * Why opening and closing a store's LMDB environment take turns across processes.
 *
 * LMDB keeps its reader table and its mutexes in the lock file `features.mdb-lock`. The last
 * process to close an environment takes the lock file's exclusive lock and destroys those mutexes.
 * A process opening the environment at that moment waits for a shared lock, gets it once the closer
 * is gone, finds the lock region's magic intact and uses the destroyed mutexes: its first read
 * fails with "Invalid argument", and so does every later opener's until no process holds the
 * environment (8 concurrent loops of processes opening and closing one store: 7 of 1,200 failed
 * without the gate, 0 of 1,200 with it; bench/lmdb-open-race.ts). Holding this gate, a small file
 * created exclusively, around each open and each close keeps an opener out of a closer's way.
 *
 * The gate is held for milliseconds (a writer's pending commits are awaited before it is taken).
 * A holder that died while holding it (killed mid-open) is replaced; on read-only media, where no
 * gate can be created, LMDB keeps no lock file either, and the race cannot happen.
 */
const GATE_FILE = 'features.mdb-gate';

/** Longer than any open or close should take: past it, name the holder instead of waiting on. */
const GIVE_UP_MS = 30_000;

interface GateHolder {
  pid: number;
  host: string;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Runs `work` (an open or a close of the store's environment) holding the store's gate. */
export function withEnvGate<T>(dir: string, work: () => T): T {
  const release = takeGate(dir);
  try {
    return work();
  } finally {
    release();
  }
}

/** As withEnvGate, for a close that settles asynchronously (a writer's). */
export async function withEnvGateAsync<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const release = takeGate(dir);
  try {
    return await work();
  } finally {
    release();
  }
}

/**
 * Gates this thread holds, with how many holds each. A writer's close holds its gate until LMDB's
 * last commit settles; an open of the same store by this thread meanwhile (close, then reopen) goes
 * ahead rather than wait for a promise its own waiting would keep from settling. The gate keeps other
 * processes out; within a process, lmdb-js takes its own lock around every open and close.
 */
const heldHere = new Map<string, number>();

function takeGate(dir: string): () => void {
  const path = join(dir, GATE_FILE);
  const holds = heldHere.get(path);
  if (holds !== undefined) {
    heldHere.set(path, holds + 1);
    return () => releaseHold(path);
  }
  const me: GateHolder = { pid: process.pid, host: hostname() };
  const started = Date.now();
  for (let wait = 1; ; wait = Math.min(wait * 2, 16)) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, JSON.stringify(me));
      } finally {
        closeSync(fd);
      }
      heldHere.set(path, 1);
      return () => releaseHold(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // read-only media or a folder of someone else's: no gate, and no LMDB lock file to race on;
      // a folder removed under an open store (closed at exit): nobody can open it any more
      if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM' || code === 'ENOENT') return () => {};
      if (code !== 'EEXIST') throw error;
    }
    if (holderIsGone(path)) {
      rmSync(path, { force: true });
      continue;
    }
    if (Date.now() - started > GIVE_UP_MS) {
      throw new LayerlabError(
        'STORE_LOCKED',
        `store ${dir}: another process has been opening or closing it for ${GIVE_UP_MS / 1000} s; if no layerlab process is running, remove ${path}`,
      );
    }
    Atomics.wait(sleeper, 0, 0, wait);
  }
}

function releaseHold(path: string): void {
  const holds = heldHere.get(path) ?? 1;
  if (holds > 1) {
    heldHere.set(path, holds - 1);
    return;
  }
  heldHere.delete(path);
  rmSync(path, { force: true });
}

/**
 * A gate whose holder died (or that was left half-written by one) is stale. Two processes may both
 * find one stale and both remove it, letting one in twice: only after a kill mid-open, and then at
 * worst the rare race the gate is there to prevent.
 */
function holderIsGone(path: string): boolean {
  let holder: GateHolder;
  try {
    holder = JSON.parse(readFileSync(path, 'utf8')) as GateHolder;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false; // released meanwhile: try again
    // being written (a holder writes it right after creating it), or left empty by a kill
    return ageMs(path) > 1_000;
  }
  if (holder.host !== hostname()) return ageMs(path) > GIVE_UP_MS;
  return !isAlive(holder.pid);
}

function ageMs(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat === undefined ? 0 : Date.now() - stat.mtimeMs;
}
