import { Queue, QueueEvents } from 'bullmq';
import { Redis as IORedis } from 'ioredis';
import { startBenchCluster } from './bench-cluster.js';
import { cpuSeconds } from './redis-load.js';

export interface DispatchTiming {
  /** seconds, medians */
  roundTrip: number;
  /** seconds per byte of state a unit carries one way (base64 in the job, as the probe sends it) */
  perStateByte: number;
  /** Redis's own CPU time (from /proc) per unit and per byte of state: the part that queues */
  redis: { perJob: number; perByte: number };
  /** a state as raw bytes in a Redis key, SET on one connection and GET on another (one pass) */
  raw?: { roundTrip: number; perStateByte: number; redisPerByte: number; redisPerPass?: number };
  /** what was measured, for the record */
  measured: {
    units: number;
    stateBytes: number;
    noopMs: number;
    stateMs: number;
    redisCpuMs: { noop: number; state: number };
    rawMs?: { tiny: number; state: number };
    rawRedisCpuMs?: { tiny: number; state: number };
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Measures a cluster unit's dispatch as `bench/cluster-dispatch.ts` does: a private redis-server on
 * 127.0.0.1 (temporary folder, no persistence), a real `layerlab worker` process, and BullMQ round
 * trips (add → the host takes the job from its queue → the coordinator sees it completed) of a
 * no-op probe and of a probe carrying `stateBytes` of state. Redis's CPU time over each series is
 * its serial share. Stops both processes by their PIDs (bench-cluster.ts).
 */
export async function measureDispatch(stateBytes: number, units: number): Promise<DispatchTiming> {
  const cluster = await startBenchCluster({ hosts: ['h1'] });
  try {
    const connection = { host: '127.0.0.1', port: cluster.port };
    const queue = new Queue('host-h1', { connection, prefix: 'layerlab' });
    const events = new QueueEvents('host-h1', { connection, prefix: 'layerlab' });
    await events.waitUntilReady();
    const series = async (data: object, n: number) => {
      const ms: number[] = [];
      const cpuBefore = cpuSeconds(cluster.redisPid);
      for (let i = 0; i < n; i++) {
        const started = performance.now();
        const job = await queue.add('probe', data, { removeOnComplete: { count: 1000 } });
        await job.waitUntilFinished(events);
        ms.push(performance.now() - started);
      }
      return { ms: median(ms), redisCpu: (cpuSeconds(cluster.redisPid) - cpuBefore) / n };
    };
    await series({}, 5); // warm-up
    const noop = await series({}, units);
    const state = await series({ state: Buffer.alloc(stateBytes, 7).toString('base64') }, units);
    await events.close();
    await queue.close();
    // state by reference: the host that has it SETs the key, the one that needs it GETs it
    const writer = new IORedis(connection);
    const reader = new IORedis(connection);
    const rawPass = async (payload: Buffer) => {
      const started = performance.now();
      await writer.set('layerlab:bench:raw', payload, 'EX', 60);
      await reader.getBuffer('layerlab:bench:raw');
      return performance.now() - started;
    };
    // the two sizes in turn, round by round: both see the same moments of the machine's load (one
    // series after the other let drift make the state's pass cheaper than a tiny key's)
    const rawSeries = async (n: number) => {
      const sizes = { tiny: Buffer.alloc(8, 7), state: Buffer.alloc(stateBytes, 7) };
      const ms = { tiny: [] as number[], state: [] as number[] };
      const cpu = { tiny: 0, state: 0 };
      for (let i = 0; i < n; i++)
        for (const size of ['tiny', 'state'] as const) {
          const before = cpuSeconds(cluster.redisPid);
          ms[size].push(await rawPass(sizes[size]));
          cpu[size] += cpuSeconds(cluster.redisPid) - before;
        }
      return {
        tiny: { ms: median(ms.tiny), redisCpu: cpu.tiny / n },
        state: { ms: median(ms.state), redisCpu: cpu.state / n },
      };
    };
    await rawSeries(5); // warm-up
    const { tiny: rawTiny, state: rawState } = await rawSeries(units);
    writer.disconnect();
    reader.disconnect();
    return {
      raw: {
        roundTrip: rawTiny.ms / 1000,
        perStateByte: Math.max(0, rawState.ms - rawTiny.ms) / 1000 / stateBytes,
        redisPerByte: Math.max(0, rawState.redisCpu - rawTiny.redisCpu) / stateBytes,
        redisPerPass: rawTiny.redisCpu,
      },
      roundTrip: noop.ms / 1000,
      perStateByte: Math.max(0, state.ms - noop.ms) / 1000 / stateBytes,
      redis: { perJob: noop.redisCpu, perByte: Math.max(0, state.redisCpu - noop.redisCpu) / stateBytes },
      measured: {
        units,
        stateBytes,
        noopMs: noop.ms,
        stateMs: state.ms,
        redisCpuMs: { noop: noop.redisCpu * 1000, state: state.redisCpu * 1000 },
        rawMs: { tiny: rawTiny.ms, state: rawState.ms },
        rawRedisCpuMs: { tiny: rawTiny.redisCpu * 1000, state: rawState.redisCpu * 1000 },
      },
    };
  } finally {
    await cluster.stop();
  }
}
