import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterStatusSchema, workerLineSchema } from '../../src/core/contract/index.js';
import { layerlabVersion } from '../../src/core/package-version.js';
import { cliBin, collectRun, runCli, type CliRun } from '../e2e/cli-run.js';
import { redisSkipReason, redisTestsRun, startRedis, type RedisServer } from '../support/redis-server.js';

const PASSWORD = 'pw-Secret-7731';

/** A real `layerlab worker` process with its own home: one host of the cluster. */
class HostProcess {
  readonly lines: Record<string, unknown>[] = [];
  readonly done: Promise<CliRun>;
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;

  constructor(url: string, home: string, name: string) {
    this.child = spawn(
      process.execPath,
      [cliBin, 'worker', '--cluster', url, '--home', home, '--name', name, '--workers', '1', '--json'],
      { env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let partial = '';
    this.child.stdout.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) this.lines.push(workerLineSchema.parse(JSON.parse(line)));
    });
    this.done = collectRun(this.child);
  }

  /**
   * Waits until it has printed `count` lines of this type, and returns the first (the test's own
   * timeout bounds the wait).
   */
  async waitFor(type: string, count = 1): Promise<Record<string, unknown>> {
    for (;;) {
      const lines = this.lines.filter((l) => l.type === type);
      if (lines.length >= count) return lines[0]!;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }
}

describe(`layerlab worker and cluster status against a real Redis${redisSkipReason}`, () => {
  let redis: RedisServer;
  let root: string;
  let hosts: HostProcess[] = [];
  const connection = () => ({ host: '127.0.0.1', port: redis.port, password: PASSWORD });

  beforeAll(async () => {
    if (!redisTestsRun) return;
    redis = await startRedis({ password: PASSWORD });
    root = mkdtempSync(join(tmpdir(), 'layerlab-cluster-'));
  });
  afterAll(async () => {
    for (const host of hosts) host.signal('SIGKILL');
    await Promise.all(hosts.map((h) => h.done));
    await redis?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it.skipIf(!redisTestsRun)(
    "registers two hosts, runs units from each host's queue, drains on SIGTERM",
    async () => {
      hosts = ['alpha', 'beta'].map((name) => new HostProcess(redis.url, join(root, name), name));
      for (const host of hosts) await host.waitFor('worker.start');
      expect(hosts[0]!.lines[0]).toMatchObject({ host: 'alpha', queue: 'host-alpha', workers: 1 });
      expect(hosts[0]!.lines[0]!.cluster).toBe(`redis://:***@127.0.0.1:${redis.port}`);

      const status = await runCli(['cluster', 'status', '--json'], { LAYERLAB_CLUSTER: redis.url });
      expect(status.code).toBe(0);
      const doc = clusterStatusSchema.parse(JSON.parse(status.stdout));
      expect(doc.hosts.map((h) => [h.name, h.workers, h.version, h.alive])).toEqual([
        ['alpha', 1, layerlabVersion(), true],
        ['beta', 1, layerlabVersion(), true],
      ]);
      expect(doc.hosts[0]!.shards).toEqual([]);
      expect(doc.hosts[0]!.freeDisk).toBeGreaterThan(0);
      expect(doc.totals).toMatchObject({ hosts: 2, alive: 2, workers: 2 });
      const plain = await runCli(['cluster', 'status', '--cluster', redis.url]);
      expect(plain.stdout).toMatch(/2 of 2 hosts up, 2 workers/);
      expect(plain.stdout).toMatch(/^alpha\s+up\s+1\s/m);

      // units go to the queue of the host that should run them, and only that host runs them
      const queue = new Queue('host-beta', { connection: connection(), prefix: 'layerlab' });
      const events = new QueueEvents('host-beta', { connection: connection(), prefix: 'layerlab' });
      try {
        await events.waitUntilReady();
        const probe = await queue.add('probe', {});
        expect(await probe.waitUntilFinished(events)).toEqual({ host: 'beta' });
        const unknown = await queue.add('rm -rf', { path: '/etc' });
        await expect(unknown.waitUntilFinished(events)).rejects.toThrow(/unknown unit kind 'rm -rf'/);
        // the host prints a unit's line before BullMQ stores its outcome, but the line comes through
        // a pipe, and this test can hear of the outcome from Redis first
        await hosts[1]!.waitFor('worker.unit', 2);
        expect(hosts[1]!.lines.filter((l) => l.type === 'worker.unit').map((l) => [l.kind, l.ok])).toEqual([
          ['probe', true],
          ['rm -rf', false],
        ]);
        expect(hosts[0]!.lines.some((l) => l.type === 'worker.unit')).toBe(false);

        // SIGTERM while a unit runs: it finishes, then the host deregisters and exits 0
        const slow = await queue.add('probe', { ms: 1500 });
        for (;;) {
          if ((await slow.getState()) === 'active') break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        hosts[1]!.signal('SIGTERM');
        hosts[0]!.signal('SIGTERM');
        const [alpha, beta] = await Promise.all(hosts.map((h) => h.done));
        expect([alpha!.code, beta!.code]).toEqual([0, 0]);
        expect(await slow.getState()).toBe('completed');
        expect(hosts[1]!.lines.at(-1)).toEqual({ type: 'worker.stop', host: 'beta', units: 2 });
        for (const run of [alpha!, beta!, status, plain])
          expect(run.stdout + run.stderr).not.toContain(PASSWORD);
      } finally {
        await events.close();
        await queue.close();
      }
      const after = await runCli(['cluster', 'status', '--json', '--cluster', redis.url]);
      expect(clusterStatusSchema.parse(JSON.parse(after.stdout)).hosts).toEqual([]);
    },
  );

  it.skipIf(!redisTestsRun)(
    'refuses a wrong password or a missing cluster with one line, never printing the password',
    async () => {
      const wrong = `redis://:not-${PASSWORD}@127.0.0.1:${redis.port}`;
      const run = await runCli(['worker', '--cluster', wrong, '--home', join(root, 'gamma'), '--json']);
      expect(run.code).toBe(74);
      const error = JSON.parse(run.stderr) as { code: string; message: string };
      expect(error.code).toBe('IO');
      expect(error.message).toMatch(/cannot reach the cluster's Redis at redis:\/\/:\*\*\*@127\.0\.0\.1/);
      expect(run.stdout + run.stderr).not.toContain(PASSWORD);
      const none = await runCli(['cluster', 'status'], { LAYERLAB_CLUSTER: '' });
      expect(none.code).toBe(78);
      expect(none.stderr.trim().split('\n')).toHaveLength(1);
      const bad = await runCli(['worker', '--cluster', redis.url, '--name', 'a/b']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--name a\/b is not a host name/);
    },
  );
});
