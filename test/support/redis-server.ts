import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real Redis for tests: each test file starts its own `redis-server` from PATH, on a free port of
 * 127.0.0.1, with a temporary `--dir` and no persistence, and stops it by its PID. Nothing depends
 * on a Redis left running. Without the binary the suites skip (one line naming Debian's package),
 * except under `CI=true`, where starting one fails instead.
 */
const binary = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
export const redisInstalled = binary.status === 0;
const inCi = process.env.CI === 'true';

/** Whether redis tests run: they do when the binary is there, and always under CI (and then fail without it). */
export const redisTestsRun = redisInstalled || inCi;
export const redisSkipReason = redisTestsRun
  ? ''
  : ' (skipped: redis-server is not installed; on Debian: apt-get install redis-server)';

export interface RedisServer {
  /** `redis://[:password@]127.0.0.1:PORT` */
  url: string;
  port: number;
  pid: number;
  dir: string;
  /** stops the server and waits for it to exit, keeping its folder (for a restart) */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** starts it again on the same port and folder (a Redis restart mid-run) */
  restart(): Promise<void>;
  /** stops it and removes its folder; safe to call twice */
  stop(): Promise<void>;
}

const READY = /Ready to accept connections/;
const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function launch(
  port: number,
  dir: string,
  password: string | undefined,
  persist: boolean,
): Promise<ChildProcess> {
  // with `persist`, an append-only file in its folder: a restart (SIGTERM, then start) keeps the data
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    persist ? 'yes' : 'no',
  ];
  if (password) args.push('--requirepass', password);
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!error) return resolve(child);
      child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(
      () => settle(new Error(`redis-server did not start within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    child.once('error', (error) =>
      settle(
        new Error(
          `cannot start redis-server (${error.message}); install Debian's package: apt-get install redis-server`,
        ),
      ),
    );
    child.once('exit', (code) => settle(new Error(`redis-server exited with code ${code}:\n${output}`)));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (settled) return;
      output += chunk;
      if (READY.test(output)) settle();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (!settled) output += chunk;
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts a private redis-server (with `--requirepass` when `password` is given, and an append-only
 * file when `persist` is, so that `restart()` keeps its data; without, a restart comes back empty).
 */
export async function startRedis(
  options: { password?: string; persist?: boolean } = {},
): Promise<RedisServer> {
  const persist = options.persist ?? false;
  const dir = mkdtempSync(join(tmpdir(), 'layerlab-redis-'));
  let child: ChildProcess | undefined;
  let port = 0;
  // the free port can be taken between probing and binding: try a few
  for (let attempt = 1; !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(port, dir, options.password, persist);
    } catch (error) {
      if (attempt >= 3) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  let current: ChildProcess = child;
  // a test process that dies without its afterAll must not leave the server behind
  const killOnExit = () => current.kill('SIGKILL');
  process.once('exit', killOnExit);
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (current.exitCode !== null || current.signalCode !== null) return;
    current.kill(signal);
    const timer = setTimeout(() => current.kill('SIGKILL'), STOP_GRACE_MS);
    await exited(current);
    clearTimeout(timer);
  };
  const server: RedisServer = {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    get pid() {
      return current.pid!;
    },
    dir,
    kill,
    async restart() {
      await kill();
      current = await launch(port, dir, options.password, persist);
    },
    async stop() {
      await kill();
      process.removeListener('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
