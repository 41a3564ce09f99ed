import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { configError, LayerlabError } from '../core/errors.js';

export interface LocalClusterOptions {
  hosts: number;
  /** Redis's port on 127.0.0.1 (default: a free one) */
  port?: number;
  /** holds `cluster-local/redis` and one home per host, `cluster-local/host-K` */
  home: string;
  /** the layerlab CLI entry the worker processes run */
  bin: string;
  json: boolean;
  /** what to print once Redis and every host are up */
  ready: (info: { cluster: string; port: number; hosts: string[]; dir: string }) => void;
  signal: AbortSignal;
}

const READY = /Ready to accept connections/;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

function startRedis(port: number, dir: string): Promise<ChildProcess> {
  // its own process group: Ctrl-C reaches this process, which stops the hosts before Redis
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    let settled = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (settled) return;
      output += chunk;
      if (READY.test(output)) {
        settled = true;
        resolve(child);
      }
    });
    child.once('exit', () => {
      if (settled) return;
      settled = true;
      const last = output.trim().split('\n').at(-1) ?? '';
      reject(
        new LayerlabError(
          'IO',
          `redis-server could not start on 127.0.0.1:${port}: ${last}; pick another --port`,
        ),
      );
    });
  });
}

/**
 * `layerlab cluster local`: a cluster on this machine for trying things out. Starts a private
 * `redis-server` on 127.0.0.1 and N `layerlab worker` processes with separate homes (separate
 * hosts), passes their lines through, and on the first signal drains the hosts, then stops Redis.
 * Fails with one line when a host or Redis exits on its own.
 */
export async function runLocalCluster(options: LocalClusterOptions): Promise<void> {
  if (spawnSync('redis-server', ['--version']).status !== 0)
    throw configError(
      "redis-server is not on PATH; install Debian's package redis-server (apt-get install redis-server)",
    );
  const dir = join(options.home, 'cluster-local');
  const redisDir = join(dir, 'redis');
  mkdirSync(redisDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const redis = await startRedis(port, redisDir);
  const cluster = `redis://127.0.0.1:${port}`;
  const names = Array.from({ length: options.hosts }, (_, k) => `local-${k + 1}`);
  const workers = names.map((name, k) =>
    spawn(
      process.execPath,
      [
        options.bin,
        'worker',
        '--cluster',
        cluster,
        '--home',
        join(dir, `host-${k + 1}`),
        '--name',
        name,
        ...(options.json ? ['--json'] : []),
      ],
      { stdio: ['ignore', 'inherit', 'inherit'], detached: true },
    ),
  );
  let failure: LayerlabError | undefined;
  try {
    options.ready({ cluster, port, hosts: names, dir });
    await new Promise<void>((resolve) => {
      if (options.signal.aborted) return resolve();
      options.signal.addEventListener('abort', () => resolve(), { once: true });
      const unexpected = (what: string) => (code: number | null) => {
        if (options.signal.aborted) return;
        failure ??= new LayerlabError(
          'IO',
          `${what} exited on its own (code ${code}); the local cluster stops`,
        );
        resolve();
      };
      workers.forEach((w, k) => w.once('exit', unexpected(`host ${names[k]}`)));
      redis.once('exit', unexpected('redis-server'));
    });
  } finally {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGTERM');
    await Promise.all(workers.map(exited));
    redis.kill('SIGTERM');
    await exited(redis);
  }
  if (failure) throw failure;
}
