import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { clusterLocalLineSchema, clusterStatusSchema } from '../../src/core/contract/index.js';
import { cliBin, collectRun, runCli } from '../e2e/cli-run.js';
import { redisSkipReason, redisTestsRun } from '../support/redis-server.js';

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

describe(`layerlab cluster local${redisSkipReason}`, () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'layerlab-cluster-local-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.skipIf(!redisTestsRun)(
    'starts redis-server and N hosts, prints the URL, stops everything on Ctrl-C',
    async () => {
      const child = spawn(
        process.execPath,
        [cliBin, 'cluster', 'local', '--hosts', '2', '--json', '--home', root],
        {
          env: { ...process.env, CI: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const run = collectRun(child);
      try {
        const lines: z.output<typeof clusterLocalLineSchema>[] = [];
        let partial = '';
        child.stdout.on('data', (chunk: Buffer) => {
          const parts = (partial + chunk.toString()).split('\n');
          partial = parts.pop() ?? '';
          for (const line of parts) lines.push(clusterLocalLineSchema.parse(JSON.parse(line)));
        });
        while (lines.filter((l) => l.type === 'worker.start').length < 2)
          await new Promise((resolve) => setTimeout(resolve, 50));
        const ready = lines[0]!;
        expect(ready).toMatchObject({ type: 'cluster.local', hosts: ['local-1', 'local-2'] });
        const { cluster, port } = ready as { cluster: string; port: number };
        expect(cluster).toBe(`redis://127.0.0.1:${port}`);
        const status = await runCli(['cluster', 'status', '--json', '--cluster', cluster]);
        const hosts = clusterStatusSchema.parse(JSON.parse(status.stdout)).hosts;
        expect(hosts.map((h) => [h.name, h.alive])).toEqual([
          ['local-1', true],
          ['local-2', true],
        ]);
        child.kill('SIGINT');
        const done = await run;
        expect(done.code).toBe(0);
        expect(lines.filter((l) => l.type === 'worker.stop')).toHaveLength(2);
        expect(await refused(port)).toBe(true);
      } finally {
        child.kill('SIGKILL');
        await run;
      }
    },
  );

  it('names the Debian package when redis-server is not on PATH', async () => {
    const bin = join(root, 'bin-without-redis');
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, join(bin, 'node'));
    const run = await runCli(['cluster', 'local', '--hosts', '1', '--home', root], { PATH: bin });
    expect(run.code).toBe(78);
    expect(run.stderr.trim()).toBe(
      "layerlab: redis-server is not on PATH; install Debian's package redis-server (apt-get install redis-server)",
    );
  });
});
