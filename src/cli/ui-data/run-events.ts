/** Turning a run folder's event log and metadata into run-state actions. */
import { hostname } from 'node:os';
import { isAlive } from '../../store/process-alive.js';
import type { RunMeta } from '../../store/run-store.js';
import type { RunAction } from '../../ui/run-action.js';

/** A logged line as a reducer action; lines without a type are skipped (the reducer ignores unknown types). */
export function toAction(line: Record<string, unknown>): RunAction | undefined {
  return typeof line.type === 'string' ? (line as unknown as RunAction) : undefined;
}

/** The run says it is running, but its process is gone from this host (crashed, killed -9). */
export function isStale(meta: RunMeta): boolean {
  return meta.status === 'running' && meta.host === hostname() && !isAlive(meta.pid);
}

/**
 * How a run ended when its log has no result line: failed or interrupted as its metadata says, or
 * interrupted when its process vanished without saying. Undefined while it runs (or when done).
 */
export function endAction(meta: RunMeta): RunAction | undefined {
  if (meta.status === 'failed') return { type: 'failed', message: meta.error ?? 'the run failed' };
  if (meta.status === 'interrupted') {
    return { type: 'interrupted', message: meta.error ?? 'interrupted; finished work is saved' };
  }
  if (isStale(meta)) {
    return {
      type: 'interrupted',
      message: `its process (pid ${meta.pid}) is gone without finishing the run`,
    };
  }
  return undefined;
}
