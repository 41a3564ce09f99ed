import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingResult } from '../../src/core/result.js';
import { prepareRun } from '../../src/train/mop/prepare-run.js';
import { shardInits } from '../../src/train/mop/train.js';
import { readSnapshot } from '../../src/train/run-folder/run-snapshot.js';
import { parseNdjson, runCli } from '../e2e/cli-run.js';
import { redisSkipReason, redisTestsRun } from '../support/redis-server.js';
import { differingTensors } from '../train/same-bits.js';
import { createSyntheticStore, type SyntheticStore } from '../train/synthetic-store.js';
import { ClusterFixture } from './cluster-fixture.js';
import { coordinator, logsOf } from './coordinator-process.js';
import { workerRecords } from '../../bench/harness/shard-stores.js';

const STORE = 'cs-restart';
const SEED = 11;
const SHARDS = 2;
const withoutTiming = (r: TrainingResult) => ({ ...r, run: '', store: '', seconds: {} });

/**
 * The cluster's Redis restarted mid-run (SIGTERM, then a new redis-server on the same port and
 * folder), with real `layerlab worker` hosts and the real CLI as coordinator: with persistence the
 * queued units survive, without it they are gone and the coordinator sends them again. Either way
 * the same host processes keep serving (ioredis reconnects, BullMQ's worker resumes, the heartbeat
 * registers again) and the run ends bit for bit as the one-host run with `--workers 2`.
 */
describe.skipIf(!redisTestsRun)(`train --cluster across a Redis restart${redisSkipReason}`, () => {
  let store: SyntheticStore;
  let homes: string;
  let heads: string;
  let reference: TrainingResult;
  let referenceDir: string;
  const trainArgs = () => ['--heads', heads, '--epochs', '4', '--seed', String(SEED)];

  beforeAll(async () => {
    store = createSyntheticStore({ records: 400 });
    homes = mkdtempSync(join(tmpdir(), 'layerlab-redis-restart-'));
    heads = join(homes, 'heads.json');
    writeFileSync(
      heads,
      JSON.stringify({
        type: ['linear', 'mlp'],
        hidden: 8,
        lr: [0.05, 0.01],
        optimizer: 'adam',
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
  });
  afterAll(() => {
    if (homes) rmSync(homes, { recursive: true, force: true });
    if (store) rmSync(dirname(store.dir), { recursive: true, force: true });
  });

  /** A cluster of two hosts, each holding the shard the one-host run's worker of its number holds. */
  async function cluster(persist: boolean): Promise<ClusterFixture> {
    const fixture = await ClusterFixture.start({ persist });
    const job = { storeDir: store.dir, featureSets: store.featureSets, workers: SHARDS, seed: SEED };
    shardInits(job, prepareRun(job)).forEach((init, shard) =>
      fixture.placeShard(`host-${shard}`, STORE, shard, store.dir, workerRecords(init.rows)),
    );
    for (let shard = 0; shard < SHARDS; shard++) await fixture.startHost(`host-${shard}`);
    return fixture;
  }

  /**
   * Trains on the cluster, restarting its Redis once the first unit is done, the hosts paused
   * meanwhile (and, with `kill`, SIGKILLing the coordinator once it has said the restart was
   * noticed). Checks that the same host processes kept serving after the restart.
   */
  async function trainAcrossRestart(
    fixture: ClusterFixture,
    home: string,
    options: { kill?: boolean; awayMs?: number } = {},
  ) {
    const { kill = false, awayMs = 0 } = options;
    const hosts = [...fixture.hosts.values()];
    const pids = hosts.map((h) => h.pid);
    let restart: Promise<void> | undefined;
    let marks: number[] = [];
    let stop: (() => void) | undefined;
    const restartRedis = async () => {
      await fixture.redis.kill();
      if (awayMs > 0) await new Promise((resolve) => setTimeout(resolve, awayMs));
      await fixture.redis.restart();
    };
    const run = await coordinator(
      ['--home', home, 'train', '--cluster', fixture.url, '--store', STORE, ...trainArgs()],
      (event, child) => {
        stop = () => child.kill('SIGKILL');
        // the hosts are paused (SIGSTOP) over the restart: their units stay in flight, and on a
        // loaded machine the run cannot end before the restart for the coordinator to notice it
        if (!restart && event.type === 'train.unit') {
          for (const pid of pids) process.kill(pid, 'SIGSTOP');
          restart = restartRedis()
            .then(() => void (marks = hosts.map((h) => h.lines.length)))
            .finally(() => pids.forEach((pid) => process.kill(pid, 'SIGCONT')));
        }
        if (kill && event.type === 'log' && /the cluster's Redis restarted/.test(String(event.message)))
          stop();
      },
    );
    await restart;
    expect(restart).toBeDefined();
    // the same host processes kept serving: still running, and each ran a unit after the restart
    expect(hosts.map((h) => h.pid)).toEqual(pids);
    for (const host of hosts) expect(host.running).toBe(true);
    if (!kill)
      hosts.forEach((host, i) =>
        expect(host.lines.slice(marks[i]).some((l) => l.type === 'worker.unit' && l.ok === true)).toBe(true),
      );
    return run;
  }

  /** The run's result and weights equal the one-host run's, bit for bit. */
  function expectReference(home: string, result: TrainingResult): void {
    expect(withoutTiming(result)).toEqual(withoutTiming(reference));
    expect(
      differingTensors(
        readSnapshot(referenceDir)!.states,
        readSnapshot(join(home, 'runs', result.run))!.states,
      ),
    ).toEqual([]);
  }

  it('Redis restarted with its data (append-only file): the run goes on and ends identical', async () => {
    const fixture = await cluster(true);
    try {
      const home = join(homes, 'kept');
      const run = await trainAcrossRestart(fixture, home);
      expect(run.code, run.stderr).toBe(0);
      expectReference(home, run.events.at(-1) as unknown as TrainingResult);
      const logs = logsOf(run);
      expect(logs.some((m) => /the cluster's Redis restarted with its data/.test(m))).toBe(true);
      // the outage itself is said, once each way, with the URL (it holds no password here)
      const url = fixture.url;
      expect(logs).toContain(
        `lost the connection to the cluster's Redis at ${url}; reconnecting (the run goes on once it is back)`,
      );
      expect(logs).toContain(`reconnected to the cluster's Redis at ${url}`);
      expect(logs.some((m) => /restarted empty|failed on try/.test(m))).toBe(false);
    } finally {
      await fixture.stop();
    }
  });

  it('Redis away longer than a lock and the host timeout, then back with its data: no host is judged lost, the run ends identical', async () => {
    const fixture = await cluster(true);
    try {
      const home = join(homes, 'away');
      const run = await trainAcrossRestart(fixture, home, { awayMs: 7_000 });
      expect(run.code, run.stderr).toBe(0);
      expectReference(home, run.events.at(-1) as unknown as TrainingResult);
      const logs = logsOf(run);
      expect(logs.some((m) => /the cluster's Redis restarted with its data/.test(m))).toBe(true);
      expect(logs.some((m) => /stopped heartbeating|failed on try/.test(m))).toBe(false);
    } finally {
      await fixture.stop();
    }
  });

  it('Redis restarted empty: the coordinator sends the lost units again and ends identical', async () => {
    const fixture = await cluster(false);
    try {
      const home = join(homes, 'lost');
      const run = await trainAcrossRestart(fixture, home);
      expect(run.code, run.stderr).toBe(0);
      expectReference(home, run.events.at(-1) as unknown as TrainingResult);
      const logs = logsOf(run);
      const restarts = logs.filter((m) => m.startsWith("the cluster's Redis restarted"));
      expect(restarts).toHaveLength(1);
      // the units it lost were run again from their group's checkpoint
      expect(
        logs.some((m) =>
          /failed on try 1: its job on host host-\d was lost when the cluster's Redis restarted empty/.test(
            m,
          ),
        ),
      ).toBe(true);
      expect(restarts[0]).toMatch(/restarted empty \(no persistence\).*--appendonly yes/);
    } finally {
      await fixture.stop();
    }
  });

  it('Redis restarted empty, then the coordinator killed: train --resume RUN --cluster ends identical', async () => {
    const fixture = await cluster(false);
    try {
      const home = join(homes, 'resume');
      const first = await trainAcrossRestart(fixture, home, { kill: true });
      expect(first.code).not.toBe(0);
      const id = first.events.find((e) => e.type === 'train.start')!.run as string;
      const resumed = await coordinator(['--home', home, 'train', '--resume', id, '--cluster', fixture.url]);
      expect(resumed.code, resumed.stderr).toBe(0);
      const result = resumed.events.at(-1) as unknown as TrainingResult;
      expect(result.run).toBe(id);
      expectReference(home, result);
    } finally {
      await fixture.stop();
    }
  });
});
