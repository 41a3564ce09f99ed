import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';

/** What a unit handler knows of the host running it. */
export interface UnitHost {
  name: string;
  home: string;
  /** the agent's connection: where training units fetch state and push their replies */
  redis?: Redis;
}

// the training handlers load ONNX Runtime and lmdb: only when a host runs its first training unit
const training = () => import('./train-handlers.js');

const PROBE_MAX_MS = 60_000;

export type UnitHandler = (data: unknown, host: UnitHost) => Promise<unknown>;

/**
 * The unit kinds a host agent runs, by BullMQ job name. Jobs carry data only: a kind is one of
 * these names, never code, and any path a handler opens is resolved inside the host's home.
 * `train-unit`, `train-units`, `train-eval`, `shard-stats` and `train-end` are MOP training
 * across hosts (train-handlers.ts). `probe` is a round trip that does no work, optionally holding its worker `ms` milliseconds (at most
 * a minute): dispatch overhead, reachability, and draining are measured and tested with it.
 */
export const unitKinds: Readonly<Record<string, UnitHandler>> = {
  probe: async (data, host) => {
    const ms = typeof data === 'object' && data && 'ms' in data && typeof data.ms === 'number' ? data.ms : 0;
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(ms, PROBE_MAX_MS)));
    return { host: host.name };
  },
  'train-unit': async (data, host) => (await training()).trainUnit(data, host),
  'train-units': async (data, host) => (await training()).trainUnits(data, host),
  'train-eval': async (data, host) => (await training()).trainEval(data, host),
  'shard-stats': async (data, host) => (await training()).shardStats(data, host),
  'train-end': async (data) => (await training()).trainEnd(data),
  // extraction of one shard of a cluster store; ONNX Runtime and the readers load with the first one
  'extract-shard': async (data, host) => (await import('./extract-shard.js')).runExtractShard(data, host),
};

export function unitHandler(kind: string): UnitHandler {
  const handler = Object.hasOwn(unitKinds, kind) ? unitKinds[kind] : undefined;
  // not retried: another try of an unknown kind cannot succeed
  if (!handler)
    throw new UnrecoverableError(
      `unknown unit kind '${kind}'; this host runs ${Object.keys(unitKinds).join(', ')} (is the coordinator of another layerlab version?)`,
    );
  return handler;
}
