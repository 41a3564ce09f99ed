/**
 * MOP training across hosts (issue 14): the same job trained in-process (one host, 2 worker threads)
 * and on a cluster of two `layerlab worker` processes with one worker each (this machine, the same
 * cores), on a private redis-server. Prints, measured in one run:
 *  - dispatch overhead per unit: the time a unit's worker lost getting it there (its late start
 *    after it could start, and at an epoch's end its reply's trip to the coordinator; see
 *    `unitOverheadsMs`), median, ÷ the median unit of the workload (target ≤ 0.02); and, for
 *    reference, the round trip (dispatch → outcome) minus the unit's time of units not chained;
 *  - cluster throughput ÷ in-process: in-process train() seconds ÷ cluster train() seconds (target ≥ 0.9).
 * The workload is bench/harness/workload.ts's heads (8 logistic-regression heads per layer) on a
 * synthetic store (2 layers), sharded in two; the cluster's shard stores hold exactly the records the
 * in-process workers hold, and the two runs' results must agree (checked).
 *
 *   node dist/bench/cluster-train.js [--quick] [--records N] [--sessions K]
 * Skips (exit 0, one line) when redis-server is not on PATH.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BullmqTransport } from '../src/cluster/bullmq-transport.js';
import { clusterWorkers } from '../src/cluster/cluster-workers.js';
import { tracePhases, wallMs, type UnitTrace } from '../src/cluster/unit-trace.js';
import { prepareRun } from '../src/train/mop/prepare-run.js';
import { shardInits, threadWorkers, train, type WorkerSource } from '../src/train/mop/train.js';
import type { TrainJob } from '../src/train/mop/train-job.js';
import { unitKey, type UnitDispatch } from '../src/train/transport/messages.js';
import { startBenchCluster } from './harness/bench-cluster.js';
import { HostJobLog, hostTimelines, timelineLines } from './harness/host-timeline.js';
import { watchRedisLoad, type RedisLoad } from './harness/redis-load.js';
import { writeResults } from './harness/results-file.js';
import { workerRecords, writeShardStore } from './harness/shard-stores.js';
import { createBenchStore } from './train-bench-store.js';
import { benchWorkload } from './harness/workload.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    // a unit is one group over one shard for one epoch, so its length grows with the shard: a cluster
    // is for data larger than one machine's, where units run for seconds, not for the default's 0.15 s
    records: { type: 'string' },
    // cluster sessions one after another on the same hosts: a long-lived host must not slow down
    sessions: { type: 'string', default: '1' },
  },
});
const quick = values.quick;
const SHARDS = 2;
const STORE = 'cs-bench';

if (spawnSync('redis-server', ['--version']).status !== 0) {
  console.log('cluster-train: skipped, redis-server is not on PATH (Debian: apt-get install redis-server)');
  process.exit(0);
}

/** every job the hosts ran, stamped as their lines arrive */
const hostJobs = new HostJobLog();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A session's Redis load per unit: CPU ms, and µs and calls per command (a script's inner commands twice). */
function redisPerUnit(load: RedisLoad, units: number) {
  return {
    cpuMs: (load.cpuSeconds * 1000) / units,
    commands: load.commands.map((c) => ({
      command: c.command,
      usec: c.usec / units,
      calls: c.calls / units,
    })),
  };
}

interface Trips {
  trips: { roundTripMs: number; unitMs: number }[];
  /** per dispatch after the first outcome: ms since the latest outcome (accept, checkpoint, pump) */
  gapsMs: number[];
  /** the cluster transport's per-unit stamps */
  traces: UnitTrace[];
  /** wall-clock ms: the workers are ready (statistics, spec, shard threads), first dispatch, last outcome */
  ready?: number;
  firstDispatch?: number;
  lastOutcome?: number;
}

/**
 * Wraps a source so every unit's round trip (dispatch → outcome, coordinator clock) is recorded,
 * with the cluster transport's stamps of where the time goes.
 */
function timed(source: WorkerSource, record: Trips): WorkerSource {
  return async (job, sink) => {
    const workers = await source(job, sink);
    record.ready = wallMs();
    const sent = new Map<string, number>();
    const { transport } = workers;
    if (transport instanceof BullmqTransport) transport.onTrace = (t) => record.traces.push(t);
    let lastOutcome: number | undefined;
    transport.listen((m) => {
      if (m.type !== 'unit.outcome') return;
      const at = sent.get(unitKey(m.unit));
      if (at === undefined) return;
      sent.delete(unitKey(m.unit));
      lastOutcome = performance.now();
      record.lastOutcome = wallMs();
      record.trips.push({ roundTripMs: lastOutcome - at, unitMs: m.seconds * 1000 });
    });
    const dispatch = transport.dispatch.bind(transport);
    transport.dispatch = (message: UnitDispatch) => {
      const now = performance.now();
      record.firstDispatch ??= wallMs();
      if (lastOutcome !== undefined) record.gapsMs.push(now - lastOutcome);
      sent.set(unitKey(message.unit), now);
      dispatch(message);
    };
    return workers;
  };
}

/**
 * Each unit's dispatch overhead (ms): the time its worker lost to getting it there, the way it
 * loses it. A unit can start in its thread at the latest of: its dispatch (sent with its state), or
 * for a unit sent chained, the end of its group's previous unit on that unit's host; and the end of
 * the unit before it on its own worker (a unit sent ahead waits there). Its overhead is how much
 * later it started (`threadDone - unitSeconds`), plus, for the last unit of an epoch on its worker,
 * its reply's trip to the coordinator, which the epoch's end waits for. Before units went ahead and
 * chained, every unit's start waited for the coordinator's round trip, and this was that round trip
 * minus the unit's time; now a unit's reply overlaps the next unit, except at an epoch's end.
 */
function unitOverheadsMs(traces: readonly UnitTrace[]): number[] {
  const byUnit = new Map(traces.map((t) => [unitKey(t.unit), t]));
  const started = (t: UnitTrace) => t.host.threadDone - t.unitSeconds * 1000;
  return traces.map((t) => {
    const previous = t.after && byUnit.get(unitKey(t.after));
    const onWorker = traces.filter((o) => o.unit.shard === t.unit.shard);
    const workerFree = Math.max(
      -Infinity,
      ...onWorker.filter((o) => started(o) < started(t)).map((o) => o.host.threadDone),
    );
    const ready = Math.max(previous ? previous.host.threadDone : t.dispatched, workerFree);
    const lastOfEpoch = onWorker.every((o) => o.unit.epoch !== t.unit.epoch || started(o) <= started(t));
    return started(t) - ready + (lastOfEpoch ? t.decoded - t.host.threadDone : 0);
  });
}

/** For each chained unit: ms from its previous unit's thread end to its own input state decoded. */
function hopsMs(traces: readonly UnitTrace[]): number[] {
  const byUnit = new Map(traces.map((t) => [unitKey(t.unit), t]));
  return traces.flatMap((t) => {
    const previous = t.after && byUnit.get(unitKey(t.after));
    return previous ? [t.host.stateIn - previous.host.threadDone] : [];
  });
}

/** Per phase of the cluster's unit trip, its median over the units (ms). */
function breakdown(traces: readonly UnitTrace[]): Record<string, number> {
  const phases = traces.map(tracePhases);
  return Object.fromEntries(
    Object.keys(phases[0] ?? {}).map((name) => [name, median(phases.map((p) => p[name]!))]),
  );
}

/** The in-process run: `train`'s own worker threads (they read the store, then standardize). */
const threads: WorkerSource = threadWorkers();

const workload = benchWorkload(quick);
const records = values.records ? Number(values.records) : quick ? 8_000 : 40_000;
const store = createBenchStore({ records, dims: 512, classes: 10, sets: 2 });
const dir = mkdtempSync(join(tmpdir(), 'layerlab-bench-cluster-train-'));
const job: TrainJob = {
  storeDir: store.dir,
  featureSets: store.featureSets,
  heads: workload.heads,
  epochs: workload.epochs,
  workers: SHARDS,
  seed: workload.seed,
};
const inits = shardInits(job, prepareRun(job));
// host-K holds shard K, written before its worker starts (so its first record names it)
const bench = await startBenchCluster({
  hosts: inits.map((_, shard) => `host-${shard}`),
  prepare: (home, host) => {
    const shard = Number(host.slice('host-'.length));
    writeShardStore(
      store.dir,
      join(home, 'cluster', STORE, `shard-${shard}`),
      workerRecords(inits[shard]!.rows),
    );
  },
  onOutput: (chunk, host) => hostJobs.hear(chunk, host),
});
try {
  const url = bench.url;

  const run = async (name: string, source: WorkerSource) => {
    const record: Trips = { trips: [], gapsMs: [], traces: [] };
    const redisLoad = await watchRedisLoad(url, bench.redisPid);
    const t0 = wallMs();
    const started = performance.now();
    const outcome = await train(job, {
      sink: () => {},
      runDir: join(dir, `run-${name}`),
      workers: timed(source, record),
    });
    const seconds = (performance.now() - started) / 1000;
    const redis = await redisLoad.stop();
    const s = (ms = t0) => (ms - t0) / 1000;
    const coordinator = {
      ready: s(record.ready),
      firstDispatch: s(record.firstDispatch),
      lastOutcome: s(record.lastOutcome),
      returned: seconds,
    };
    return { seconds, t0, end: wallMs(), coordinator, ...record, outcome, redis };
  };
  const local = await run('local', threads);
  const clusters: Awaited<ReturnType<typeof run>>[] = [];
  for (let i = 0; i < Math.max(1, Number(values.sessions)); i++)
    clusters.push(await run(`cluster-${i}`, clusterWorkers(url, STORE)));
  const cluster = clusters[0]!;
  /** the session a run's jobs belong to: the one of the jobs the hosts ran within its window */
  const sessionOf = (r: Awaited<ReturnType<typeof run>>) =>
    hostJobs.jobs.find((j) => j.start >= r.t0 && j.end <= r.end)?.session ?? '';
  const timeline = hostTimelines(hostJobs.jobs, sessionOf(cluster), cluster.t0);
  const same =
    JSON.stringify(local.outcome.models.map((m) => [m.valLoss, m.testAccuracy])) ===
    JSON.stringify(cluster.outcome.models.map((m) => [m.valLoss, m.testAccuracy]));
  const medianUnitMs = median(local.trips.map((t) => t.unitMs));
  const overhead = (trips: typeof local.trips) => median(trips.map((t) => t.roundTripMs - t.unitMs));
  const clusterOverhead = (c: (typeof clusters)[number]) => median(unitOverheadsMs(c.traces));
  // units sent to an idle worker with their state (each epoch's first): their whole round trip
  const roundTrip = (c: (typeof clusters)[number]) =>
    median(c.traces.filter((t) => !t.after).map((t) => t.decoded - t.dispatched - t.unitSeconds * 1000));
  const result = {
    quick,
    workload: {
      records: store.records,
      dims: store.dims,
      layers: 2,
      heads: workload.heads.length,
      epochs: workload.epochs,
      shards: SHARDS,
    },
    units: cluster.trips.length,
    medianUnitMs,
    clusterOverheadMs: clusterOverhead(cluster),
    /** median round trip minus unit time of the units not chained (mostly each epoch's first) */
    unchainedRoundTripMs: roundTrip(cluster),
    /** units sent chained (before their group's previous unit was in), of all units */
    chainedUnits: cluster.traces.filter((t) => t.after).length,
    /** chained units: median ms from the previous unit's end on its host to this one's start on its own */
    chainedHopMs: median(hopsMs(cluster.traces)),
    threadOverheadMs: overhead(local.trips),
    /** medians per phase of the cluster's unit trip (ms), from the transport's and hosts' stamps */
    clusterBreakdownMs: breakdown(cluster.traces),
    /** median ms from an outcome to the next dispatch (accept, checkpoint, executor): not in the round trip */
    coordinatorGapMs: { cluster: median(cluster.gapsMs), threads: median(local.gapsMs) },
    overheadRatio: clusterOverhead(cluster) / medianUnitMs,
    seconds: { inProcess: local.seconds, cluster: cluster.seconds },
    throughputRatio: local.seconds / cluster.seconds,
    sameResults: same,
    /** seconds from the start of train(): the coordinator's milestones and each host's jobs */
    timeline: {
      inProcess: local.coordinator,
      cluster: cluster.coordinator,
      hosts: timeline,
    },
    /** each cluster session on the same hosts, in order: in-process seconds ÷ its seconds */
    sessionThroughputs: clusters.map((c) => local.seconds / c.seconds),
    /** each session's dispatch overhead ÷ the median unit, and its phases: hosts and code warm up */
    sessionOverheadRatios: clusters.map((c) => clusterOverhead(c) / medianUnitMs),
    sessionBreakdownsMs: clusters.map((c) => breakdown(c.traces)),
    /**
     * Redis's work per unit over each whole cluster session (units, statistics and evaluation jobs,
     * heartbeats): what the scale simulation's one Redis must serve per unit of the protocol as built
     */
    sessionRedisPerUnit: clusters.map((c) => redisPerUnit(c.redis, c.traces.length)),
    /** units per BullMQ training job in each session (a worker's units sent in one pass share one) */
    sessionUnitsPerJob: clusters.map(
      (c) =>
        c.traces.length /
        hostJobs.jobs.filter((j) => j.session === sessionOf(c) && j.kind.startsWith('train-unit')).length,
    ),
    targets: { overheadRatio: '<= 0.02', throughputRatio: '>= 0.9' },
  };
  console.log(
    `cluster training (${store.records} records × ${store.dims} dims, 2 layers × ${workload.heads.length} heads, ${workload.epochs} epochs, ${SHARDS} shards${quick ? ', quick' : ''}):`,
  );
  console.log(
    `  median unit ${medianUnitMs.toFixed(1)} ms; dispatch overhead per unit: cluster ${result.clusterOverheadMs.toFixed(2)} ms (threads ${result.threadOverheadMs.toFixed(2)} ms)`,
  );
  console.log(
    `  units sent to an idle worker with their state (each epoch's first): round trip minus unit ${result.unchainedRoundTripMs.toFixed(2)} ms`,
  );
  console.log(
    `  units sent chained (to wait on their host for the state their group's previous unit hands over): ${result.chainedUnits} of ${cluster.traces.length}; median hop from that unit's end to this one's state decoded: ${result.chainedHopMs?.toFixed(2) ?? '-'} ms`,
  );
  console.log(`  where a cluster unit's trip goes (median ms per phase, ${cluster.traces.length} units):`);
  for (const [phase, value] of Object.entries(result.clusterBreakdownMs))
    console.log(`    ${phase.padEnd(30)} ${value.toFixed(2)}`);
  console.log(
    `  outside the trip, outcome → next dispatch (accept, checkpoint, executor): cluster ${result.coordinatorGapMs.cluster.toFixed(2)} ms, threads ${result.coordinatorGapMs.threads.toFixed(2)} ms`,
  );
  console.log(`  overhead ÷ median unit: ${result.overheadRatio.toFixed(4)} (target ≤ 0.02)`);
  console.log(
    `  in-process (1 host, 2 threads) ${local.seconds.toFixed(2)} s, cluster (2 hosts × 1 worker) ${cluster.seconds.toFixed(2)} s`,
  );
  console.log(
    `  cluster throughput ÷ in-process: ${result.throughputRatio.toFixed(3)} (target ≥ 0.9); same results: ${same}`,
  );
  const milestones = (c: typeof local.coordinator) =>
    `workers ready ${c.ready.toFixed(2)} s, first dispatch ${c.firstDispatch.toFixed(2)} s, last outcome ${c.lastOutcome.toFixed(2)} s, train() returns ${c.returned.toFixed(2)} s`;
  console.log(`  timeline (s from the start of train()):`);
  console.log(`    in-process: ${milestones(local.coordinator)}`);
  console.log(`    cluster:    ${milestones(cluster.coordinator)}`);
  for (const line of timelineLines(timeline)) console.log(line);
  if (clusters.length > 1)
    console.log(
      `  ${clusters.length} cluster sessions in a row on the same hosts, throughput ÷ in-process each: ${result.sessionThroughputs.map((r) => r.toFixed(3)).join(', ')} (seconds ${clusters.map((c) => c.seconds.toFixed(2)).join(', ')})`,
    );
  if (clusters.length > 1) {
    console.log(
      `  overhead ÷ median unit per session: ${result.sessionOverheadRatios.map((r) => r.toFixed(4)).join(', ')}`,
    );
    for (const [phase] of Object.entries(result.clusterBreakdownMs))
      console.log(
        `    ${phase.padEnd(30)} ${result.sessionBreakdownsMs.map((b) => b[phase]!.toFixed(2).padStart(8)).join(' ')}`,
      );
  }
  const perUnit = result.sessionRedisPerUnit;
  console.log(
    `  Redis's CPU per unit over each session (all its jobs and heartbeats ÷ its units): ${perUnit.map((r) => `${r.cpuMs.toFixed(3)} ms`).join(', ')}`,
  );
  console.log(
    `  units per BullMQ training job, each session: ${result.sessionUnitsPerJob.map((r) => r.toFixed(2)).join(', ')}`,
  );
  console.log(`    where it goes in the first session (µs per unit, calls per unit):`);
  for (const c of perUnit[0]!.commands.slice(0, 10))
    console.log(
      `    ${c.command.padEnd(22)} ${c.usec.toFixed(1).padStart(8)} µs ${c.calls.toFixed(2).padStart(8)}`,
    );
  if (process.env.BENCH_TRACE)
    writeFileSync(
      process.env.BENCH_TRACE,
      JSON.stringify(
        clusters.map((c) => c.traces.map((t) => ({ ...t, t0: c.t0 }))),
        null,
        1,
      ),
    );
  console.log(`  wrote ${writeResults('cluster-train', quick, result)}`);
} finally {
  await bench.stop();
  rmSync(dir, { recursive: true, force: true });
  store.remove();
}
