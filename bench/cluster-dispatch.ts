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
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Queue, QueueEvents } from 'bullmq';
import { startBenchCluster } from './harness/bench-cluster.js';
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;

const cluster = await startBenchCluster({ hosts: ['h1'] });
try {
  const connection = { host: '127.0.0.1', port: cluster.port };
  const queue = new Queue('host-h1', { connection, prefix: 'layerlab' });
  const events = new QueueEvents('host-h1', { connection, prefix: 'layerlab' });
  await events.waitUntilReady();
  const roundTrips = async (data: object, n: number) => {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      // kept until seen finished: with removeOnComplete, waitUntilFinished can find the job gone
      // before it looks ("Missing key for job … isFinished") when the unit is quicker than the check
      const job = await queue.add('probe', data);
      await job.waitUntilFinished(events);
      ms.push(performance.now() - started);
      await job.remove();
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
  await cluster.stop();
}
