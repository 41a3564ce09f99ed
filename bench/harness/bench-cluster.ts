import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths.js';
import { startRedis } from '../../test/support/redis-server.js';

export interface BenchCluster {
  /** `redis://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** the redis-server's process id (its CPU time is Redis's serial share) */
  redisPid: number;
  /** a host's home (its shards go under `cluster/STORE/shard-K`) */
  homeOf: (host: string) => string;
  /** stops the hosts (SIGTERM: they drain), then Redis, and removes every folder */
  stop: () => Promise<void>;
}

export interface BenchClusterOptions {
  /** host names (`h1`, `h2`, … for a count) */
  hosts: number | readonly string[];
  /** units each host runs at once @default 1 */
  workers?: number;
  /** called with each host's home before its worker starts (place its shards there) */
  prepare?: (home: string, host: string) => void;
  /** hears each host's stdout as it comes (its NDJSON lines), from its start to its exit */
  onOutput?: (chunk: string, host: string) => void;
}

/**
 * Resolves on the first output matching `pattern`; the output is read to the end (a full pipe would
 * block the host) and handed to `onOutput`.
 */
function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  onOutput: (chunk: string) => void = () => {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    let found = false;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      onOutput(chunk);
      if (found) return;
      seen += chunk;
      if (!pattern.test(seen)) return;
      found = true;
      seen = '';
      resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`exited with ${code} before ${String(pattern)}:\n${seen}`)),
    );
  });
}

/**
 * A cluster on this machine for benchmarks: a private redis-server (test/support/redis-server.ts:
 * a free loopback port, a temporary folder, stopped by its PID) and one real `layerlab worker`
 * process per host, each with its own home, started from this build. Resolves once every host has
 * printed `worker.start` (it has registered; its shards are in its record).
 */
export async function startBenchCluster(options: BenchClusterOptions): Promise<BenchCluster> {
  const names =
    typeof options.hosts === 'number'
      ? Array.from({ length: options.hosts }, (_, i) => `h${i + 1}`)
      : [...options.hosts];
  const redis = await startRedis();
  const root = mkdtempSync(join(tmpdir(), 'layerlab-bench-cluster-'));
  const homeOf = (host: string) => join(root, host);
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }),
    );
    await redis.stop();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (const name of names) {
      options.prepare?.(homeOf(name), name);
      const child = spawn(
        process.execPath,
        [
          join(packageRoot(), 'bin', 'layerlab.js'),
          'worker',
          '--cluster',
          redis.url,
          '--home',
          homeOf(name),
          '--name',
          name,
          '--workers',
          String(options.workers ?? 1),
          '--json',
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      children.push(child);
      await waitForLine(child, /"worker\.start"/, (chunk) => options.onOutput?.(chunk, name));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: redis.url, port: redis.port, redisPid: redis.pid, homeOf, stop };
}
