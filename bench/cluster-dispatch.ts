/**
 * Dispatch overhead of the cluster transport (issue 14): a BullMQ unit's round trip (add → a real
 * `layerlab worker` process takes it from its queue → completion seen by the coordinator) on a
 * private redis-server, for a no-op unit, a no-op unit carrying 1 MiB of data (group state travels
 * with the job), and a unit that holds its worker 100 ms. Overhead ratio: (round trip − unit) ÷ unit.
 * Target (issue 14): overhead ≤ 2% of the median unit of the end-to-end workload.
 *
 *   node dist/bench/cluster-dispatch.js [--quick]
 * Skips (exit 0, one line) when redis-server is not on PATH.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue, QueueEvents } from 'bullmq';
import { packageRoot } from '../src/core/paths.js';
import { writeResults } from './harness/results-file.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const quick = values.quick;
const rounds = quick ? 15 : 100;

if (spawnSync('redis-server', ['--version']).status !== 0) {
  console.log(
    'cluster-dispatch: skipped, redis-server is not on PATH (Debian: apt-get install redis-server)',
  );
  process.exit(0);
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      seen += chunk;
      if (pattern.test(seen)) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`exited with ${code} before ${String(pattern)}:\n${seen}`)),
    );
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;

const dir = mkdtempSync(join(tmpdir(), 'layerlab-bench-cluster-'));
const port = await freePort();
const redis = spawn(
  'redis-server',
  ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
  {
    stdio: ['ignore', 'pipe', 'ignore'],
  },
);
let host: ChildProcess | undefined;
try {
  await waitForLine(redis, /Ready to accept connections/);
  const url = `redis://127.0.0.1:${port}`;
  host = spawn(
    process.execPath,
    [
      join(packageRoot(), 'bin', 'layerlab.js'),
      'worker',
      '--cluster',
      url,
      '--home',
      join(dir, 'h1'),
      '--name',
      'h1',
      '--json',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await waitForLine(host, /"worker\.start"/);
  const connection = { host: '127.0.0.1', port };
  const queue = new Queue('host-h1', { connection, prefix: 'layerlab' });
  const events = new QueueEvents('host-h1', { connection, prefix: 'layerlab' });
  await events.waitUntilReady();
  const roundTrips = async (data: object, n: number) => {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      const job = await queue.add('probe', data, { removeOnComplete: true });
      await job.waitUntilFinished(events);
      ms.push(performance.now() - started);
    }
    return ms;
  };
  await roundTrips({}, 5); // warm-up
  const noop = await roundTrips({}, rounds);
  const payload = await roundTrips(
    { state: Buffer.alloc(1 << 20, 7).toString('base64') },
    Math.ceil(rounds / 5),
  );
  const unit100 = await roundTrips({ ms: 100 }, Math.ceil(rounds / 2));
  await events.close();
  await queue.close();

  const overhead100 = median(unit100) - 100;
  const result = {
    quick,
    rounds,
    noopRoundTripMs: { median: median(noop), p90: p90(noop) },
    payload1MiBRoundTripMs: { median: median(payload), p90: p90(payload) },
    unit100msRoundTripMs: { median: median(unit100), p90: p90(unit100) },
    overheadRatio: {
      /** (round trip − 100 ms) ÷ 100 ms, medians */
      unit100ms: overhead100 / 100,
      /** the no-op round trip ÷ a 1 s unit */
      unit1sFromNoop: median(noop) / 1000,
    },
    target: 'dispatch overhead <= 0.02 of the median unit of the end-to-end workload (issue 14)',
  };
  console.log(
    `cluster dispatch (BullMQ on a private redis-server, one real worker process${quick ? ', quick' : ''}):`,
  );
  console.log(
    `  no-op unit round trip      median ${result.noopRoundTripMs.median.toFixed(2)} ms, p90 ${result.noopRoundTripMs.p90.toFixed(2)} ms (${rounds} units)`,
  );
  console.log(
    `  1 MiB payload round trip   median ${result.payload1MiBRoundTripMs.median.toFixed(2)} ms, p90 ${result.payload1MiBRoundTripMs.p90.toFixed(2)} ms`,
  );
  console.log(
    `  100 ms unit round trip     median ${result.unit100msRoundTripMs.median.toFixed(2)} ms → overhead ratio ${result.overheadRatio.unit100ms.toFixed(4)}`,
  );
  console.log(`  no-op round trip ÷ 1 s unit: ratio ${result.overheadRatio.unit1sFromNoop.toFixed(4)}`);
  console.log(`  wrote ${writeResults('cluster-dispatch', quick, result)}`);
} finally {
  if (host && host.exitCode === null) {
    host.kill('SIGTERM');
    await new Promise((resolve) => host!.once('exit', resolve));
  }
  redis.kill('SIGTERM');
  await new Promise((resolve) => (redis.exitCode === null ? redis.once('exit', resolve) : resolve(null)));
  rmSync(dir, { recursive: true, force: true });
}
