import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layerlabVersion } from '../../src/core/package-version.js';
import type { TrainingResult } from '../../src/core/result.js';
import { writeHost } from '../../src/cluster/host-record.js';
import { connectRedis } from '../../src/cluster/redis-connection.js';
import { prepareRun } from '../../src/train/mop/prepare-run.js';
import { shardInits } from '../../src/train/mop/train.js';
import { readSnapshot } from '../../src/train/run-folder/run-snapshot.js';
import { parseNdjson, runCli } from '../e2e/cli-run.js';
import { redisSkipReason, redisTestsRun } from '../support/redis-server.js';
import { differingTensors } from '../train/same-bits.js';
import { createSyntheticStore, type SyntheticStore } from '../train/synthetic-store.js';
import { ClusterFixture } from './cluster-fixture.js';
import { coordinator as coordinatorProcess, type CoordinatorRun } from './coordinator-process.js';
import { workerRecords } from '../../bench/harness/shard-stores.js';

const STORE = 'cs-equal';
const SEED = 7;
const SHARDS = 2;
const withoutTiming = (r: TrainingResult) => ({ ...r, run: '', store: '', seconds: {} });

/** The coordinator as a child process with --json (coordinator-process.ts); SIGKILLed after `killAfterUnits` train.unit events. */
async function coordinator(
  args: string[],
  options: { killAfterUnits?: number; onEvent?: (event: Record<string, unknown>) => void } = {},
): Promise<CoordinatorRun & { killed: boolean }> {
  let units = 0;
  let killed = false;
  const run = await coordinatorProcess(args, (event, child) => {
    options.onEvent?.(event);
    if (event.type !== 'train.unit') return;
    units++;
    if (units === options.killAfterUnits && !killed) {
      killed = true;
      child.kill('SIGKILL');
    }
  });
  return { ...run, killed };
}

/**
 * `train --cluster` end to end: a real Redis, real `layerlab worker` hosts, the real CLI as the
 * coordinator. Host-a holds shard 0, host-b shard 1, host-c both (replicas). The shard stores hold
 * exactly the records the one-host run's workers hold, so a cluster run must equal it bit for bit.
 */
describe.skipIf(!redisTestsRun)(`train --cluster across hosts${redisSkipReason}`, () => {
  let cluster: ClusterFixture;
  let store: SyntheticStore;
  let heads: string;
  let homes: string;
  let reference: TrainingResult;
  let referenceDir: string;
  const trainArgs = () => ['--heads', heads, '--epochs', '3', '--seed', String(SEED)];
  const clusterArgs = (home: string) => [
    '--home',
    home,
    'train',
    '--cluster',
    cluster.url,
    '--store',
    STORE,
    ...trainArgs(),
  ];

  beforeAll(async () => {
    store = createSyntheticStore({ records: 400 });
    homes = mkdtempSync(join(tmpdir(), 'layerlab-cluster-homes-'));
    heads = join(homes, 'heads.json');
    writeFileSync(
      heads,
      JSON.stringify({
        type: ['linear', 'mlp'],
        hidden: 8,
        lr: [0.05, 0.01],
        optimizer: ['sgd', 'adam'],
        momentum: 0.9,
        batchSize: 16,
      }),
    );
    const one = await runCli([
      '--home',
      join(homes, 'one'),
      'train',
      '--store',
      store.dir,
      '--workers',
      String(SHARDS),
      ...trainArgs(),
      '--json',
    ]);
    expect(one.code, one.stderr).toBe(0);
    reference = parseNdjson(one.stdout).at(-1) as unknown as TrainingResult;
    referenceDir = join(homes, 'one', 'runs', reference.run);

    // the shards: what each worker of the one-host run holds
    const job = { storeDir: store.dir, featureSets: store.featureSets, workers: SHARDS, seed: SEED };
    const inits = shardInits(job, prepareRun(job));
    cluster = await ClusterFixture.start();
    inits.forEach((init, shard) => {
      cluster.placeShard(
        shard === 0 ? 'host-a' : 'host-b',
        STORE,
        shard,
        store.dir,
        workerRecords(init.rows),
      );
      cluster.placeShard('host-c', STORE, shard, store.dir, workerRecords(init.rows));
    });
    for (const name of ['host-a', 'host-b', 'host-c']) await cluster.startHost(name);
  });
  afterAll(async () => {
    await cluster?.stop();
    if (homes) rmSync(homes, { recursive: true, force: true });
    if (store) rmSync(dirname(store.dir), { recursive: true, force: true });
  });

  it('gives bitwise the weights and metrics of the one-host run with --workers S', async () => {
    const home = join(homes, 'equal');
    const run = await coordinator(clusterArgs(home));
    expect(run.code, run.stderr).toBe(0);
    const result = run.events.at(-1) as unknown as TrainingResult;
    expect(withoutTiming(result)).toEqual(withoutTiming(reference));
    const states = readSnapshot(join(home, 'runs', result.run))!.states;
    expect(differingTensors(readSnapshot(referenceDir)!.states, states)).toEqual([]);
    // the hosts ran the units: each its own shard
    const units = (name: string) =>
      cluster.hosts
        .get(name)!
        .lines.filter((l) => l.type === 'worker.unit' && String(l.kind).startsWith('train-unit')).length;
    expect(units('host-a')).toBeGreaterThan(0);
    expect(units('host-b')).toBeGreaterThan(0);
    expect(units('host-c')).toBe(0);
    // group states went through Redis by reference; the coordinator deleted every one at the end
    const redis = await connectRedis(cluster.url);
    try {
      expect(await redis.keys('layerlab:state:*')).toEqual([]);
    } finally {
      redis.disconnect();
    }
    const logs = run.events.filter((e) => e.type === 'log').map((e) => String(e.message));
    expect(logs.some((m) => /shard 0 on host-a, shard 1 on host-b/.test(m))).toBe(true);
    // results and report read a cluster run as a local one
    const results = await runCli(['--home', home, 'results', result.run, '--json']);
    expect(results.code, results.stderr).toBe(0);
    expect(results.stdout).toContain(result.run);
    const report = await runCli(['--home', home, 'report', result.run, '--out', join(home, 'report.html')]);
    expect(report.code, report.stderr).toBe(0);
  });

  it('kill -9 of a host mid-run: its units re-run on the replica and the run ends identical', async () => {
    const home = join(homes, 'host-kill');
    const hostB = cluster.hosts.get('host-b')!;
    const before = hostB.lines.length;
    let killedAt = -1;
    // kill -9 once it has finished its first unit of this run: later units of shard 1 are then lost
    const watch = setInterval(() => {
      if (
        killedAt < 0 &&
        hostB.lines
          .slice(before)
          .some((l) => l.type === 'worker.unit' && String(l.kind).startsWith('train-unit'))
      ) {
        killedAt = hostB.lines.length;
        hostB.signal('SIGKILL');
      }
    }, 5);
    try {
      const run = await coordinator(clusterArgs(home));
      expect(run.code, run.stderr).toBe(0);
      expect(killedAt).toBeGreaterThan(before);
      const result = run.events.at(-1) as unknown as TrainingResult;
      expect(withoutTiming(result)).toEqual(withoutTiming(reference));
      expect(
        differingTensors(
          readSnapshot(referenceDir)!.states,
          readSnapshot(join(home, 'runs', result.run))!.states,
        ),
      ).toEqual([]);
      const logs = run.events.filter((e) => e.type === 'log').map((e) => String(e.message));
      expect(logs.some((m) => /host host-b \(shard 1\) stopped heartbeating/.test(m))).toBe(true);
      expect(logs.some((m) => /shard 1 moves to host host-c/.test(m))).toBe(true);
      expect(
        cluster.hosts
          .get('host-c')!
          .lines.some((l) => l.type === 'worker.unit' && String(l.kind).startsWith('train-unit')),
      ).toBe(true);
    } finally {
      clearInterval(watch);
    }
  });

  it('kill -9 of the only host of a shard: the run waits with a status line, and ends identical once it is back', async () => {
    // a second cluster store over the same records: shard 0 only on host-a, shard 1 only on host-d
    const job = { storeDir: store.dir, featureSets: store.featureSets, workers: SHARDS, seed: SEED };
    const inits = shardInits(job, prepareRun(job));
    cluster.placeShard('host-a', 'cs-solo', 0, store.dir, workerRecords(inits[0]!.rows));
    cluster.placeShard('host-d', 'cs-solo', 1, store.dir, workerRecords(inits[1]!.rows));
    let hostD = await cluster.startHost('host-d');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // host-a's next heartbeat lists cs-solo#0
    const home = join(homes, 'solo');
    let killed = false;
    let restarted: Promise<unknown> | undefined;
    const args = clusterArgs(home).map((a) => (a === STORE ? 'cs-solo' : a));
    const run = await coordinator(args, {
      onEvent: (event) => {
        if (!killed && event.type === 'train.unit' && event.shard === 1) {
          killed = true;
          hostD.signal('SIGKILL');
        }
        if (
          !restarted &&
          event.type === 'log' &&
          /waiting for a host holding shard 1/.test(String(event.message))
        )
          restarted = hostD.done.then(async () => (hostD = await cluster.startHost('host-d')));
      },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(killed).toBe(true);
    expect(restarted).toBeDefined();
    const logs = run.events.filter((e) => e.type === 'log').map((e) => String(e.message));
    expect(logs.find((m) => /waiting for a host holding shard 1/.test(m))).toMatch(
      /no live host holds shard 1 of cs-solo \(host-d last seen \d+ s ago\); restart `layerlab worker` there/,
    );
    expect(logs.some((m) => /shard 1 is back on host host-d/.test(m))).toBe(true);
    const result = run.events.at(-1) as unknown as TrainingResult;
    expect(withoutTiming(result)).toEqual(withoutTiming(reference));
    expect(
      differingTensors(
        readSnapshot(referenceDir)!.states,
        readSnapshot(join(home, 'runs', result.run))!.states,
      ),
    ).toEqual([]);
  });

  it('kill -9 of the coordinator: train --resume RUN --cluster ends identical', async () => {
    const home = join(homes, 'coordinator-kill');
    const first = await coordinator(clusterArgs(home), { killAfterUnits: 5 });
    expect(first.killed).toBe(true);
    const run = first.events.find((e) => e.type === 'train.start')!.run as string;
    const resumed = await coordinator(['--home', home, 'train', '--resume', run, '--cluster', cluster.url]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const result = resumed.events.at(-1) as unknown as TrainingResult;
    expect(result.run).toBe(run);
    expect(withoutTiming(result)).toEqual(withoutTiming(reference));
    expect(
      differingTensors(readSnapshot(referenceDir)!.states, readSnapshot(join(home, 'runs', run))!.states),
    ).toEqual([]);
    // without the cluster, the resume names the fix
    const local = await runCli(['--home', home, 'train', '--resume', run], { LAYERLAB_CLUSTER: '' });
    expect(local.code).toBe(2);
    expect(local.stderr).toMatch(/trained on cluster store cs-equal; resume it with --cluster URL/);
  });

  it('refuses a host of another layerlab version, and --workers other than the shards, with one line', async () => {
    const redis = await connectRedis(cluster.url);
    try {
      await writeHost(redis, {
        name: 'old-host',
        workers: 1,
        cores: 1,
        freeDisk: 1,
        version: '0.0.1-old',
        shards: ['cs-old#0'],
        lastSeen: Date.now() + 60_000,
        startedAt: Date.now(),
      });
    } finally {
      redis.disconnect();
    }
    const old = await runCli([
      '--home',
      join(homes, 'old'),
      'train',
      '--cluster',
      cluster.url,
      '--store',
      'cs-old',
    ]);
    expect(old.code).toBe(78);
    expect(old.stderr.trim().split('\n')).toHaveLength(1);
    expect(old.stderr).toContain(
      `host old-host holds shard 0 of cs-old but runs layerlab 0.0.1-old, this coordinator ${layerlabVersion()}`,
    );
    const workers = await runCli([
      '--home',
      join(homes, 'w'),
      'train',
      '--cluster',
      cluster.url,
      '--store',
      STORE,
      '--workers',
      '3',
      ...trainArgs(),
    ]);
    expect(workers.code).toBe(78);
    expect(workers.stderr).toMatch(/has 2 shards and MOP runs one worker per shard; pass --workers 2/);
  });
});
