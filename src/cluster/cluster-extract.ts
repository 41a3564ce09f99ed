import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { configError, interrupted, LayerlabError, usageError } from '../core/errors.js';
import { layerlabVersion } from '../core/package-version.js';
import type { ExtractionPlan } from '../extract/plan.js';
import { redactUrl } from './cluster-url.js';
import { clusterStoreId, readClusterStore, writeClusterStore, type ClusterStore } from './cluster-store.js';
import { failureOf, type ExtractShardJob, type ExtractShardOutcome } from './extract-shard-job.js';
import { HOST_TIMEOUT_MS, hostQueue, QUEUE_PREFIX, readHosts, type HostRecord } from './host-record.js';
import { placeShards, type ShardPlacement } from './placement.js';

export interface ClusterExtractOptions {
  redis: Redis;
  /** the cluster's URL, only to name it (redacted) in messages */
  url: string;
  /** model and data refs as every host should open them (paths made absolute) */
  model: string;
  modelDigest: string;
  data: string;
  /** extract's flags as strings, passed to every host as they are */
  flags: Record<string, string | boolean>;
  /** what, besides the model, data and shard count, tells one cluster store from another */
  identity: { preprocess: unknown; layers: unknown };
  /** @default the total workers of the hosts up */
  shards?: number;
  replicas: number;
  log: (level: 'info' | 'warn', message: string) => void;
  signal?: AbortSignal;
  /** how often the units' states are read @default 200 */
  pollMs?: number;
}

export interface ClusterExtractResult {
  store: string;
  cached: boolean;
  featureSets: {
    layer: string;
    dims: number;
    records: number;
    key: string;
    reused: boolean;
    status: 'stored' | 'computed';
    computedRecords: number;
  }[];
  /** the plan shard 0's first host followed (each host plans its own part) */
  plan: ExtractionPlan;
  seconds: number;
  skipped: { id: string; reason: string }[];
  placement: ShardPlacement[];
  manifest: ClusterStore;
}

/** One unit: a shard's copy on a host, as a job on that host's queue. */
interface Unit {
  shard: number;
  host: string;
  job: string;
  outcome?: ExtractShardOutcome;
  /** left behind on a silent host once its shard has a copy elsewhere */
  dropped?: boolean;
}

const alive = (host: HostRecord, now: number) => now - host.lastSeen < HOST_TIMEOUT_MS;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const JOB_KEEP = { age: 24 * 3600 };

/**
 * `extract --cluster`: the coordinator. Places S shards (default: the workers registered) on the
 * hosts up, R copies each on distinct hosts, balanced by workers; puts one `extract-shard` unit per
 * (shard, host) on that host's queue; waits for them, moving a unit whose host falls silent to a
 * host that holds no copy of its shard yet; checks every copy of a shard has the same content
 * digest (and the one recorded before); and records the cluster store's manifest in Redis.
 * Running it again with the same inputs is cached: every host finds its shard already extracted.
 */
export async function clusterExtract(options: ClusterExtractOptions): Promise<ClusterExtractResult> {
  const started = performance.now();
  const { redis, log } = options;
  const version = layerlabVersion();
  const now = Date.now();
  const registered = await readHosts(redis);
  for (const host of registered.filter((h) => alive(h, now) && h.version !== version))
    log(
      'warn',
      `host ${host.name} runs layerlab ${host.version}, this coordinator ${version}: left out; run the same version on every host`,
    );
  const usable = registered.filter((h) => alive(h, now) && h.version === version);
  if (usable.length === 0)
    throw configError(
      `no host of layerlab ${version} is up in the cluster at ${redactUrl(options.url)}; start \`layerlab worker --cluster URL\` on each machine (or \`layerlab cluster local\` here)`,
    );
  const shards = options.shards ?? usable.reduce((n, h) => n + h.workers, 0);
  if (!Number.isInteger(shards) || shards < 1 || shards > 65535)
    throw usageError(`--shards ${shards} is not a shard count; use 1..65535`);
  const id = clusterStoreId({
    modelDigest: options.modelDigest,
    data: options.data,
    preprocess: options.identity.preprocess,
    layers: options.identity.layers,
    shards,
  });
  const before = await readClusterStore(redis, id);
  const placement = placeShards(
    usable.map((h) => ({
      name: h.name,
      workers: h.workers,
      holds: new Set(
        h.shards.filter((s) => s.startsWith(`${id}#`)).map((s) => Number(s.slice(id.length + 1))),
      ),
    })),
    shards,
    options.replicas,
  );
  const queues = new Map<string, Queue>();
  const queueOf = (host: string) => {
    let queue = queues.get(host);
    if (!queue) {
      queue = new Queue(hostQueue(host), { connection: redis, prefix: QUEUE_PREFIX });
      queues.set(host, queue);
    }
    return queue;
  };
  const enqueue = async (shard: number, host: string): Promise<Unit> => {
    const payload: ExtractShardJob = {
      store: id,
      model: options.model,
      data: options.data,
      shards,
      shard,
      flags: options.flags,
      version,
    };
    const job = await queueOf(host).add('extract-shard', payload, {
      removeOnComplete: JOB_KEEP,
      removeOnFail: JOB_KEEP,
    });
    return { shard, host, job: job.id! };
  };
  try {
    const units: Unit[] = [];
    for (const { shard, hosts } of placement)
      for (const host of hosts) units.push(await enqueue(shard, host));
    const byHost = new Map<string, number[]>();
    for (const u of units) byHost.set(u.host, [...(byHost.get(u.host) ?? []), u.shard]);
    log(
      'info',
      `cluster store ${id}: ${shards} shard${shards === 1 ? '' : 's'}, ${options.replicas} cop${options.replicas === 1 ? 'y' : 'ies'} each, on ${[
        ...byHost,
      ]
        .map(([host, list]) => `${host} (shard${list.length === 1 ? '' : 's'} ${list.join(', ')})`)
        .join(', ')}`,
    );
    await waitForUnits(id, units, shards, options, queueOf, enqueue, before);
    return finish(id, units, shards, options, before, started);
  } finally {
    await Promise.all([...queues.values()].map((q) => q.close()));
  }
}

async function waitForUnits(
  id: string,
  units: Unit[],
  shards: number,
  options: ClusterExtractOptions,
  queueOf: (host: string) => Queue,
  enqueue: (shard: number, host: string) => Promise<Unit>,
  before: ClusterStore | undefined,
): Promise<void> {
  const { redis, log } = options;
  const version = layerlabVersion();
  const waitingSaid = new Set<string>();
  let lastSummary = performance.now();
  for (;;) {
    if (options.signal?.aborted) {
      // units not started yet are taken back; running ones finish (their shards are kept)
      for (const unit of units.filter((u) => !u.outcome && !u.dropped))
        await queueOf(unit.host)
          .remove(unit.job)
          .catch(() => {});
      throw interrupted();
    }
    const now = Date.now();
    const hosts = new Map((await readHosts(redis)).map((h) => [h.name, h]));
    for (const unit of units) {
      if (unit.outcome || unit.dropped) continue;
      // the state first, then the job: a job read first may finish in between, its result unread
      const state = await queueOf(unit.host).getJobState(unit.job);
      const job = await Job.fromId<ExtractShardJob, ExtractShardOutcome>(queueOf(unit.host), unit.job);
      if (state === 'completed') {
        unit.outcome = job!.returnvalue;
        checkDigest(id, unit, units, before);
        const o = unit.outcome;
        const total = o.records.train + o.records.val + o.records.test;
        log(
          'info',
          `shard ${unit.shard} on ${unit.host}: ${total} records ${o.cached ? 'already extracted' : `extracted in ${o.seconds.toFixed(1)} s`}`,
        );
        continue;
      }
      if (state === 'failed') {
        const { code, message } = failureOf(job!.failedReason ?? 'failed');
        throw new LayerlabError(code ?? 'IO', `host ${unit.host}, shard ${unit.shard}: ${message}`);
      }
      const host = hosts.get(unit.host);
      if (state === 'unknown' && host && alive(host, now)) {
        // its job is gone from the queue (removed by hand, or the queue was emptied): queue it again
        unit.dropped = true;
        units.push(await enqueue(unit.shard, unit.host));
        log('warn', `the unit of shard ${unit.shard} vanished from ${unit.host}'s queue; queued again`);
        continue;
      }
      if (host && alive(host, now)) continue;
      // its host fell silent (killed, or cut off): move the unit to a host without a copy of the shard
      const holding = new Set(units.filter((u) => u.shard === unit.shard && !u.dropped).map((u) => u.host));
      const spare = [...hosts.values()]
        .filter((h) => alive(h, now) && h.version === version && !holding.has(h.name))
        .sort(
          (a, b) =>
            units.filter((u) => u.host === a.name).length / a.workers -
              units.filter((u) => u.host === b.name).length / b.workers || a.name.localeCompare(b.name),
        )[0];
      const silentFor = host ? `${((now - host.lastSeen) / 1000).toFixed(0)} s` : 'deregistered';
      if (spare) {
        await job?.remove().catch(() => {}); // locked by the dead host until its lock lapses: then it stays queued there
        unit.dropped = true;
        units.push(await enqueue(unit.shard, spare.name));
        log(
          'warn',
          `host ${unit.host} is silent (${silentFor}): shard ${unit.shard} runs again on ${spare.name}`,
        );
      } else if (units.some((u) => u.shard === unit.shard && u.outcome)) {
        unit.dropped = true;
        log(
          'warn',
          `host ${unit.host} is silent (${silentFor}): shard ${unit.shard} keeps fewer copies than --replicas ${options.replicas}; run the same extract again once it is back`,
        );
      } else if (!waitingSaid.has(unit.job)) {
        waitingSaid.add(unit.job);
        log(
          'warn',
          `shard ${unit.shard} waits for host ${unit.host} (silent, ${silentFor}) and no other host is free: restart \`layerlab worker --name ${unit.host}\` there or start another host; Ctrl-C stops (finished shards are kept)`,
        );
      }
    }
    const covered = new Set(units.filter((u) => u.outcome).map((u) => u.shard));
    if (covered.size === shards && units.every((u) => u.outcome || u.dropped)) return;
    if (performance.now() - lastSummary > 5_000) {
      lastSummary = performance.now();
      const done = units.filter((u) => u.outcome).length;
      const live = units.filter((u) => !u.dropped).length;
      log('info', `${done} of ${live} shard copies extracted`);
    }
    await sleep(options.pollMs ?? 200);
  }
}

/** Every copy of a shard holds the same records and feature bytes, and the same as recorded before. */
function checkDigest(id: string, unit: Unit, units: readonly Unit[], before: ClusterStore | undefined): void {
  const digest = unit.outcome!.digest;
  const other = units.find((u) => u !== unit && u.shard === unit.shard && u.outcome);
  const expected = other?.outcome?.digest ?? before?.shardDigests[unit.shard];
  if (expected === undefined || expected === digest) return;
  const where = other ? `its copy on ${other.host}` : 'the cluster store manifest';
  throw new LayerlabError(
    'BAD_DATA',
    `host ${unit.host} is refused: its shard ${unit.shard} of ${id} differs from ${where} (content digest ${digest}, expected ${expected}); remove cluster/${id}/shard-${unit.shard} under its home and run the same extract again`,
  );
}

async function finish(
  id: string,
  units: readonly Unit[],
  shards: number,
  options: ClusterExtractOptions,
  before: ClusterStore | undefined,
  started: number,
): Promise<ClusterExtractResult> {
  const done = units.filter((u) => u.outcome);
  const first = Array.from({ length: shards }, (_, k) => done.find((u) => u.shard === k)!.outcome!);
  const placement = Array.from({ length: shards }, (_, shard) => ({
    shard,
    hosts: done
      .filter((u) => u.shard === shard)
      .map((u) => u.host)
      .sort(),
  }));
  const cached = done.every((u) => u.outcome!.cached);
  const sets = first[0]!.featureSets;
  const manifest: ClusterStore = {
    id,
    model: { ref: options.model, digest: options.modelDigest },
    data: { ref: options.data },
    shards,
    replicas: options.replicas,
    featureSets: sets.map(({ layer, key, dims }) => ({ layer, key, dims })),
    placement,
    records: first.map((o) => o.records),
    shardDigests: first.map((o) => o.digest),
    version: layerlabVersion(),
    createdAt: before?.createdAt ?? new Date().toISOString(),
  };
  await writeClusterStore(options.redis, manifest);
  return {
    store: id,
    cached,
    featureSets: sets.map((set, i) => {
      const computed = done.reduce((n, u) => n + (u.outcome!.featureSets[i]?.computedRecords ?? 0), 0);
      const reused = done.every((u) => u.outcome!.cached);
      return {
        layer: set.layer,
        dims: set.dims,
        key: set.key,
        records: first.reduce((n, o) => n + (o.featureSets[i]?.records ?? 0), 0),
        reused,
        status: reused ? 'stored' : 'computed',
        computedRecords: computed,
      };
    }),
    plan: first[0]!.plan,
    seconds: (performance.now() - started) / 1000,
    skipped: first.flatMap((o) => o.skipped),
    placement,
    manifest,
  };
}
