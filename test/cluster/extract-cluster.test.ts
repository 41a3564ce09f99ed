import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterStoreListSchema } from '../../src/core/contract/cluster.js';
import { eventSchema } from '../../src/core/contract/events.js';
import { extractResultSchema } from '../../src/core/contract/results.js';
import { layerlabVersion } from '../../src/core/package-version.js';
import { packageRoot } from '../../src/core/paths.js';
import { shardOfRecord } from '../../src/data/shard.js';
import { FeatureStore } from '../../src/store/feature-store.js';
import { randomIdx, writeIdxPair } from '../data/write-datasets.js';
import { cliBin, collectRun, parseNdjson, runCli, type CliRun } from '../e2e/cli-run.js';
import { tinyCnn } from '../fixtures/tiny-cnn.js';
import { redisSkipReason, redisTestsRun, startRedis, type RedisServer } from '../support/redis-server.js';
import { HostProcess, otherVersionBuild } from './host-process.js';

const PASSWORD = 'pw-Extract-4417';
const LAYERS = 'block1/relu,block2/relu';
/** the test's own limit: on a loaded machine a few extractions of a few seconds each */
const SLOW = 600_000;

type Result = ReturnType<typeof extractResultSchema.parse>;

/** Every feature set of a store: its records' ids and each record's feature bytes, by layer. */
function readStore(dir: string): { ids: string[]; rows: Map<string, Map<string, Buffer>>; keys: string[] } {
  const store = FeatureStore.open(dir, { write: false });
  try {
    const { ids } = store.records();
    const rows = new Map<string, Map<string, Buffer>>();
    const sets = store.featureSets().filter((s) => s.complete);
    for (const set of sets) {
      const values = store.readFeatures(set.key);
      const byId = new Map<string, Buffer>();
      ids.forEach((id, row) =>
        byId.set(id, Buffer.from(values.buffer, values.byteOffset + row * set.dims * 4, set.dims * 4)),
      );
      rows.set(set.layer, byId);
    }
    return { ids, rows, keys: sets.map((s) => s.key).sort() };
  } finally {
    store.close();
  }
}

describe(`extract --cluster across real hosts${redisSkipReason}`, () => {
  let redis: RedisServer;
  let root: string;
  let model: string;
  let data: string;
  let local: ReturnType<typeof readStore>;
  const hosts = new Map<string, HostProcess>();
  const homeOf = (host: string) => join(root, 'hosts', host);

  const startHost = async (name: string, options: { bin?: string } = {}) => {
    const host = new HostProcess(redis.url, homeOf(name), name, options);
    hosts.set(name, host);
    await host.waitFor('worker.start');
    return host;
  };

  const extractArgs = (args: string[]) => [
    '--home',
    join(root, 'coordinator'),
    'extract',
    model,
    data,
    '--layers',
    LAYERS,
    '--cluster',
    '--json',
    ...args,
  ];
  const clusterEnv = () => ({ LAYERLAB_CLUSTER: redis.url });
  const extractCluster = (args: string[]) => runCli(extractArgs(args), clusterEnv());

  const resultOf = (run: CliRun): Result => {
    expect(run.stderr).toBe('');
    const lines = parseNdjson(run.stdout);
    for (const line of lines.slice(0, -1)) eventSchema.parse(line);
    return extractResultSchema.parse(lines.at(-1));
  };
  const logs = (run: CliRun) =>
    parseNdjson(run.stdout)
      .filter((l) => l.type === 'log')
      .map((l) => String(l.message));

  /** The shard stores on their hosts hold exactly the local store's records and feature bytes. */
  const expectUnionEqualsLocal = (result: Result, layers: readonly string[]) => {
    const shards = result.placement!.length;
    const seen = new Set<string>();
    for (const { shard, hosts: names } of result.placement!) {
      const wanted = local.ids.filter((id) => shardOfRecord(id, shards) === shard);
      for (const name of names) {
        const copy = readStore(join(homeOf(name), 'cluster', result.store, `shard-${shard}`));
        // its records, in the data's canonical order, and nothing else
        expect(copy.ids).toEqual(wanted);
        for (const layer of layers) {
          const rows = copy.rows.get(layer)!;
          for (const id of wanted) expect(rows.get(id)!.equals(local.rows.get(layer)!.get(id)!)).toBe(true);
        }
        // the same feature-set keys as the local store: one key names a layer on every host
        expect(result.featureSets.map((s) => s.key).every((k) => local.keys.includes(k))).toBe(true);
      }
      wanted.forEach((id) => seen.add(id));
    }
    expect(seen.size).toBe(local.ids.length);
    expect(result.featureSets.map((s) => s.records)).toEqual(layers.map(() => local.ids.length));
  };

  beforeAll(async () => {
    if (!redisTestsRun) return;
    redis = await startRedis({ password: PASSWORD });
    root = mkdtempSync(join(tmpdir(), 'layerlab-cluster-extract-'));
    model = join(root, 'tiny.onnx');
    writeFileSync(model, tinyCnn());
    data = join(root, 'data');
    writeIdxPair(data, 'train', randomIdx(120, 3), { gz: true });
    writeIdxPair(data, 't10k', randomIdx(40, 4), { gz: true });
    const reference = await runCli([
      '--home',
      join(root, 'local'),
      'extract',
      model,
      data,
      '--layers',
      LAYERS,
      '--json',
    ]);
    expect(reference.code).toBe(0);
    local = readStore(resultOf(reference).store);
    await Promise.all(['alpha', 'beta'].map((name) => startHost(name)));
  }, SLOW);

  afterAll(async () => {
    for (const host of hosts.values()) host.signal('SIGKILL');
    await Promise.all([...hosts.values()].map((h) => h.done));
    await redis?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it.skipIf(!redisTestsRun)(
    'with --replicas 2 both hosts hold every shard, byte for byte the local extract; a re-run is cached; store ls --cluster lists it',
    async () => {
      const first = await extractCluster(['--replicas', '2']);
      expect(first.code).toBe(0);
      const result = resultOf(first);
      expect(result.store).toMatch(/^cs-[0-9a-f]+$/);
      expect(result.cached).toBe(false);
      // S defaults to the workers registered: two hosts of one worker
      expect(result.placement).toEqual([
        { shard: 0, hosts: ['alpha', 'beta'] },
        { shard: 1, hosts: ['alpha', 'beta'] },
      ]);
      expect(result.featureSets.map((s) => s.layer)).toEqual(['block1/relu', 'block2/relu']);
      expectUnionEqualsLocal(result, ['block1/relu', 'block2/relu']);
      expect(
        logs(first).some((m) => m.startsWith(`cluster store ${result.store}: 2 shards, 2 copies each`)),
      ).toBe(true);

      const again = await extractCluster(['--replicas', '2']);
      expect(again.code).toBe(0);
      const cached = resultOf(again);
      expect(cached).toMatchObject({ store: result.store, cached: true, placement: result.placement });
      expect(cached.featureSets.every((s) => s.reused && s.computedRecords === 0)).toBe(true);

      // a host lists the shards it holds with its next heartbeat: wait until both are up with both
      let listed: CliRun;
      let list: ReturnType<typeof clusterStoreListSchema.parse>;
      for (;;) {
        listed = await runCli(['store', 'ls', '--cluster', '--json'], clusterEnv());
        expect(listed.code).toBe(0);
        list = clusterStoreListSchema.parse(JSON.parse(listed.stdout));
        const placed = list.stores.find((s) => s.id === result.store)!.placement;
        if (placed.every((p) => p.up.length === 2)) break;
      }
      expect(list.cluster).toBe(`redis://:***@127.0.0.1:${redis.port}`);
      const entry = list.stores.find((s) => s.id === result.store)!;
      expect(entry).toMatchObject({ shards: 2, replicas: 2, available: true, version: layerlabVersion() });
      expect(entry.records.reduce((n, r) => n + r.train + r.val + r.test, 0)).toBe(local.ids.length);
      const plain = await runCli(['store', 'ls', '--cluster', redis.url]);
      expect(plain.code).toBe(0);
      expect(plain.stdout).toContain(
        `${result.store}  ${model} on ${data} · ${local.ids.length} records · 2 shards × 2 copies`,
      );
      expect(plain.stdout).toMatch(/^ {2}shard 0: alpha \(up\), beta \(up\)/m);
      for (const run of [first, again, listed, plain])
        expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    },
    SLOW,
  );

  it.skipIf(!redisTestsRun)(
    'with --replicas 1 places shards balanced over the hosts; more replicas than hosts is a usage error',
    async () => {
      const run = await extractCluster(['--shards', '4']);
      expect(run.code).toBe(0);
      const result = resultOf(run);
      expect(result.placement!.map((p) => p.hosts.length)).toEqual([1, 1, 1, 1]);
      const perHost = (name: string) => result.placement!.filter((p) => p.hosts.includes(name)).length;
      expect([perHost('alpha'), perHost('beta')]).toEqual([2, 2]);
      expectUnionEqualsLocal(result, ['block1/relu', 'block2/relu']);

      const tooMany = await extractCluster(['--replicas', '3']);
      expect(tooMany.code).toBe(2);
      expect(tooMany.stderr.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(tooMany.stderr)).toMatchObject({
        code: 'USAGE',
        message: expect.stringMatching(/--replicas 3 needs 3 hosts, but 2 are up/) as unknown,
      });
    },
    SLOW,
  );

  it.skipIf(!redisTestsRun)(
    'refuses a host whose shard differs from the cluster store manifest, with one line',
    async () => {
      const first = resultOf(await extractCluster(['--replicas', '2']));
      const client = new Redis(redis.url);
      try {
        const key = `layerlab:store:${first.store}`;
        const manifest = JSON.parse((await client.get(key))!) as { shardDigests: string[] };
        const recorded = manifest.shardDigests[1]!;
        await client.set(
          key,
          JSON.stringify({ ...manifest, shardDigests: [manifest.shardDigests[0], '0f0f0f'] }),
        );
        const refused = await extractCluster(['--replicas', '2']);
        expect(refused.code).toBe(65);
        expect(refused.stderr.trim().split('\n')).toHaveLength(1);
        expect((JSON.parse(refused.stderr) as { message: string }).message).toMatch(
          new RegExp(
            `^host (alpha|beta) is refused: its shard 1 of ${first.store} differs from the cluster store manifest \\(content digest ${recorded}, expected 0f0f0f\\)`,
          ),
        );
      } finally {
        client.disconnect();
      }
    },
    SLOW,
  );

  it.skipIf(!redisTestsRun)(
    'leaves out a host of another layerlab version, and that host refuses units of this one',
    async () => {
      const elderBin = otherVersionBuild(packageRoot(), join(root, 'elder-build'), '0.0.0-elder');
      const elder = await startHost('elder', { bin: elderBin });
      expect(elder.lines[0]).toMatchObject({ version: '0.0.0-elder' });
      const run = await extractCluster(['--layers', 'block2/relu']);
      expect(run.code).toBe(0);
      const result = resultOf(run);
      expect(logs(run)).toContain(
        `host elder runs layerlab 0.0.0-elder, this coordinator ${layerlabVersion()}: left out; run the same version on every host`,
      );
      expect(result.placement!.flatMap((p) => p.hosts).every((h) => h === 'alpha' || h === 'beta')).toBe(
        true,
      );
      expectUnionEqualsLocal(result, ['block2/relu']);

      // a unit of this version sent to the elder host anyway fails there, naming both versions
      const connection = { host: '127.0.0.1', port: redis.port, password: PASSWORD };
      const queue = new Queue('host-elder', { connection, prefix: 'layerlab' });
      const events = new QueueEvents('host-elder', { connection, prefix: 'layerlab' });
      try {
        await events.waitUntilReady();
        const job = await queue.add('extract-shard', {
          store: result.store,
          model,
          data,
          shards: 2,
          shard: 0,
          flags: { layers: 'block2/relu' },
          version: layerlabVersion(),
        });
        await expect(job.waitUntilFinished(events)).rejects.toThrow(
          `CONFIG: host elder runs layerlab 0.0.0-elder, the coordinator ${layerlabVersion()}; run the same version on every host`,
        );
      } finally {
        await events.close();
        await queue.close();
      }
      elder.signal('SIGTERM');
      expect((await elder.done).code).toBe(0);
      hosts.delete('elder');
    },
    SLOW,
  );

  it.skipIf(!redisTestsRun)(
    'a host killed (-9) mid-extraction: its unit runs again on the other host and the store is complete',
    async () => {
      const coordinator = spawn(process.execPath, [cliBin, ...extractArgs(['--layers', 'block1/relu'])], {
        env: { ...process.env, CI: '1', ...clusterEnv() },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const finished = collectRun(coordinator);
      const connection = { host: '127.0.0.1', port: redis.port, password: PASSWORD };
      const queue = new Queue('host-alpha', { connection, prefix: 'layerlab' });
      try {
        // alpha has taken its shard's unit: kill it while the unit runs
        while ((await queue.getActiveCount()) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        hosts.get('alpha')!.signal('SIGKILL');
      } finally {
        await queue.close();
      }
      const run = await finished;
      expect(run.code).toBe(0);
      const result = resultOf(run);
      expect(logs(run)).toContainEqual(
        expect.stringMatching(/^host alpha is silent \(\d+ s\): shard \d runs again on beta$/),
      );
      expect(result.placement).toEqual([
        { shard: 0, hosts: ['beta'] },
        { shard: 1, hosts: ['beta'] },
      ]);
      expectUnionEqualsLocal(result, ['block1/relu']);
    },
    SLOW,
  );
});
