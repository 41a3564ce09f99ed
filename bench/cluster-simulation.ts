/**
 * Scale on paper (issue 14): a discrete-event simulation of layerlab's MOP on a cluster, next to task
 * and data parallelism as Cerebro's paper (VLDB 2020) compares them, for 1–64 hosts × 1–16 workers
 * per host and 16–1024 models. The MOP epoch goes through layerlab's own trainer fusion and split,
 * seeded planner and plan executor in virtual time (bench/harness/mop-simulation.ts); its inputs are
 * measured here, in this run: real units (runTrainUnit on this machine), the state a unit returns,
 * and BullMQ round trips against a private redis-server and a real `layerlab worker` process.
 * `--quick` reads the dispatch figures this bench last recorded (bench/results/cluster-simulation.json)
 * instead of starting Redis, times units with fewer repeats, and simulates smaller plans only.
 *
 *   node dist/bench/cluster-simulation.js [--quick] [--rows 1000000] [--heads-per-layer 4] [--dims 512]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/core/paths.js';
import { measureDispatch, type DispatchTiming } from './harness/bullmq-round-trip.js';
import type { ClusterInputs } from './harness/cluster-model.js';
import { formatTable } from './harness/format-table.js';
import { writeResults } from './harness/results-file.js';
import { simulateGrid, type GridRow } from './harness/simulation-grid.js';
import { measureUnits } from './harness/unit-timing.js';
import { unitsPerJob } from './harness/units-per-job.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rows: { type: 'string', default: '1000000' },
    'heads-per-layer': { type: 'string', default: '4' },
    dims: { type: 'string', default: '512' },
    classes: { type: 'string', default: '10' },
    batch: { type: 'string', default: '256' },
    seed: { type: 'string', default: '1' },
    'max-work': { type: 'string' },
  },
});
const quick = values.quick;
const DIMS = Number(values.dims);
const CLASSES = Number(values.classes);
const BATCH = Number(values.batch);
const HEADS = Number(values['heads-per-layer']);
const GRID = {
  hosts: [1, 2, 4, 8, 16, 32, 64],
  workersPerHost: [1, 4, 16],
  models: [16, 64, 256, 1024],
  headsPerLayer: HEADS,
};
/** the bound on an epoch's planning work (mop-simulation.ts planningWork): 1e9 is about a minute here, loaded */
const MAX_WORK = Number(values['max-work'] ?? (quick ? 3e7 : 1e9));
/** stated, not measured (this machine has no second host): 10 Gbit/s Ethernet, 100 µs per message */
const NETWORK = { bandwidth: 1.25e9, latency: 100e-6 };
/** stated: workers of one host reduce over shared memory, 10 GB/s, 5 µs per step */
const MEMORY = { bandwidth: 10e9, latency: 5e-6 };

const ms = (s: number) => `${(s * 1000).toFixed(s < 0.01 ? 2 : 1)} ms`;

/** The raw pass figures with Redis's CPU for a tiny key's pass (older recorded runs kept it only in `measured`). */
function withReplyPass(dispatch: DispatchTiming): NonNullable<ClusterInputs['raw']> {
  const raw = dispatch.raw!;
  const tinyMs = dispatch.measured.rawRedisCpuMs?.tiny;
  return raw.redisPerPass !== undefined || tinyMs === undefined
    ? raw
    : { ...raw, redisPerPass: tinyMs / 1000 };
}

function recordedDispatch(): DispatchTiming | undefined {
  const path = join(packageRoot(), 'bench', 'results', 'cluster-simulation.json');
  if (!existsSync(path)) return undefined;
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { measured?: { dispatch?: DispatchTiming } };
  return doc.measured?.dispatch;
}

console.log(
  `cluster simulation (issue 14), ${quick ? 'quick' : 'full'} run; this machine is shared with other work, timings are loaded`,
);
const unit = await measureUnits({
  dims: DIMS,
  classes: CLASSES,
  batchSize: BATCH,
  heads: HEADS,
  repeats: quick ? 3 : 15,
});
for (const [what, seconds] of Object.entries(unit.samples)) console.log(`  unit ${what}: ${ms(seconds)}`);
const stateBytes = HEADS * unit.state.bytesPerHead;

let dispatch: DispatchTiming | undefined;
let dispatchSource: string;
if (quick && (dispatch = recordedDispatch()))
  dispatchSource = 'recorded by the last full run (bench/results/cluster-simulation.json)';
else if (spawnSync('redis-server', ['--version']).status === 0) {
  // Redis's main-thread run time is read from /proc/PID/schedstat (ns); where only 10 ms ticks are
  // to be had, 300 units a series resolve 0.03 ms a unit
  dispatch = await measureDispatch(stateBytes, quick ? 15 : 300);
  dispatchSource = 'measured in this run (BullMQ, private redis-server, one real layerlab worker)';
} else {
  console.log(
    'cluster-simulation: skipped, redis-server is not on PATH (Debian: apt-get install redis-server)',
  );
  process.exit(0);
}
console.log(
  `  dispatch (${dispatchSource}): no-op round trip ${ms(dispatch.roundTrip)}, ` +
    `${(dispatch.measured.stateBytes / 1024).toFixed(0)} KiB state ${ms(dispatch.measured.stateMs / 1000)}; ` +
    `Redis CPU ${ms(dispatch.redis.perJob)} a unit + ${(dispatch.redis.perByte * 2 ** 20 * 1000).toFixed(2)} ms/MiB`,
);
if (dispatch.raw)
  console.log(
    `  state by reference (raw bytes, SET then GET): tiny key ${ms(dispatch.raw.roundTrip)}, ` +
      `${(dispatch.raw.perStateByte * 2 ** 20 * 1000).toFixed(2)} ms/MiB; Redis CPU ${(dispatch.raw.redisPerByte * 2 ** 20 * 1000).toFixed(2)} ms/MiB`,
  );

// how many units share a BullMQ job on the protocol as built, at the target's shape (4 groups a worker)
const PER_JOB_SHAPE = { groups: 64, workers: 16 };
const perJob = await unitsPerJob(PER_JOB_SHAPE.groups, PER_JOB_SHAPE.workers, Number(values.seed));
console.log(
  `  units per BullMQ job as built (layerlab's executor on ${PER_JOB_SHAPE.groups} groups × ${PER_JOB_SHAPE.workers} workers, hosts modelled): ${perJob.toFixed(2)}`,
);

const inputs: ClusterInputs = {
  dims: DIMS,
  classes: CLASSES,
  batchSize: BATCH,
  rows: Number(values.rows),
  compute: unit.compute,
  state: unit.state,
  dispatch: { roundTrip: dispatch.roundTrip, perStateByte: dispatch.perStateByte },
  redis: dispatch.redis,
  ...(dispatch.raw ? { raw: withReplyPass(dispatch) } : {}),
  unitsPerJob: perJob,
  network: NETWORK,
  memory: MEMORY,
};
console.log(
  `  model: unit = ${ms(inputs.compute.unitFixed)} + steps × (${ms(inputs.compute.stepFixed)} + heads × ${ms(inputs.compute.stepPerHead)}); ` +
    `state ${(inputs.state.bytesPerHead / 1024).toFixed(1)} KiB a head (weights ${(inputs.state.weightBytesPerHead / 1024).toFixed(1)} KiB)`,
);
console.log(
  `  workload: ${inputs.rows} rows × ${DIMS} dims, ${CLASSES} classes, batch ${BATCH}; models = layers × ${HEADS} logistic heads; one epoch`,
);

const rows = await simulateGrid(inputs, GRID, {
  seed: Number(values.seed),
  maxWork: MAX_WORK,
  log: console.log,
});

const seconds = (s: number) => (s >= 100 ? s.toFixed(0) : s >= 10 ? s.toFixed(1) : s.toFixed(2));
const table = formatTable(
  [
    'hosts',
    'w/host',
    'models',
    'groups',
    'g/worker',
    'ideal s',
    'MOP s',
    'MOP eff',
    'direct eff',
    'ref eff',
    'ahead eff',
    'task s',
    'task eff',
    'data s',
    'data eff',
  ],
  rows.map((r) => [
    r.hosts,
    r.workersPerHost,
    r.models,
    r.groups,
    r.groupsPerWorker.toFixed(2),
    seconds(r.ideal),
    r.mop === undefined ? '—' : seconds(r.mop),
    r.mopEfficiency === undefined ? '—' : r.mopEfficiency.toFixed(3),
    r.mopDirectEfficiency === undefined ? '—' : r.mopDirectEfficiency.toFixed(3),
    r.mopReferenceEfficiency === undefined ? '—' : r.mopReferenceEfficiency.toFixed(3),
    r.mopAheadEfficiency === undefined ? '—' : r.mopAheadEfficiency.toFixed(3),
    seconds(r.task),
    r.taskEfficiency.toFixed(3),
    seconds(r.data),
    r.dataEfficiency.toFixed(3),
  ]),
);
console.log(`\n${table}\n`);
console.log('—: not simulated, planning that epoch (layerlab planEpoch, ~units² picks) is over the bound');

const targetRows = rows.filter((r) => r.hosts === 16 && r.groupsPerWorker >= 4);
const simulated = targetRows.filter((r) => r.mopEfficiency !== undefined);
/** The target's verdict on one column: its lowest efficiency over the simulated target rows. */
const verdictOn = (pick: (r: GridRow) => number | undefined) => {
  const rated = simulated.filter((r) => pick(r) !== undefined);
  if (rated.length === 0)
    return {
      worst: null,
      text: 'not evaluated (no simulated configuration at 16 hosts with ≥ 4 groups per worker)',
    };
  const worst = rated.reduce((w, r) => (pick(r)! < pick(w)! ? r : w));
  const met = pick(worst)! >= 0.9;
  return {
    worst: pick(worst)!,
    text:
      `${!met ? 'NOT met' : rated.length < targetRows.length ? 'met where simulated' : 'met'}: lowest ${pick(worst)!.toFixed(3)} ` +
      `(${worst.workersPerHost} workers a host, ${worst.models} models) over ${rated.length} of ${targetRows.length} configurations`,
  };
};
const asBuilt = verdictOn((r) => r.mopAheadEfficiency);
const inJob = verdictOn((r) => r.mopEfficiency);
const direct = verdictOn((r) => r.mopDirectEfficiency);
const reference = verdictOn((r) => r.mopReferenceEfficiency);
console.log(
  `target MOP efficiency ≥ 0.9 at 16 hosts with ≥ 4 groups per worker, on the protocol as built (ahead eff): ${asBuilt.text}`,
);
console.log('  the other protocols, for comparison:');
console.log(`    state inside the BullMQ job (MOP eff, the first protocol): ${inJob.text}`);
console.log(`    state host to host at network speed, not through Redis (direct eff): ${direct.text}`);
console.log(`    state by reference, the coordinator between units (ref eff): ${reference.text}`);

const path = writeResults('cluster-simulation', quick, {
  quick,
  target:
    'MOP efficiency (ideal ÷ simulated) >= 0.9 at 16 hosts when there are >= 4 groups per worker (issue 14)',
  /** the target on the protocol as built: units ahead and sent together, state host → Redis → host */
  targetVerdict: asBuilt.text,
  targetVerdictAsBuilt: asBuilt.text,
  targetVerdictStateInJob: inJob.text,
  targetVerdictStateDirect: direct.text,
  targetVerdictReference: reference.text,
  efficiencyRatio: {
    /** the lowest efficiency at 16 hosts with ≥ 4 groups per worker, on the protocol as built */
    mopAheadAt16HostsWorst: asBuilt.worst,
    /** the same, state inside the BullMQ job (the first protocol) */
    mopAt16HostsWorst: inJob.worst,
    /** the same with group state moving host to host at network speed (the what-if column) */
    mopStateDirectAt16HostsWorst: direct.worst,
    /** state as raw bytes in Redis keys through the coordinator (the protocol before units went ahead) */
    mopReferenceAt16HostsWorst: reference.worst,
  },
  model: {
    epoch: 'one epoch; shards = workers, rows split evenly',
    mop: "layerlab's fuseGroups + splitForMakespan + planEpoch (unit-cost estimates) + executePlan in virtual time; a unit takes compute + transport",
    compute: 'unitFixed + ceil(rows / batch) × (stepFixed + heads × stepPerHead), measured with runTrainUnit',
    transport:
      'Redis serial part (queues): redis.perJob + 2 × stateBytes × redis.perByte; parallel part: roundTrip − redis.perJob + 2 × stateBytes × (perStateByte − redis.perByte) + 2 × (network latency + stateBytes ÷ bandwidth)',
    direct:
      'what-if, same plan: group state not through Redis (perStateByte and redis.perByte set to 0), only over the network',
    reference:
      'state as raw bytes in a Redis key (the protocol before units went ahead): serial redis.perJob + 1.5 × stateBytes × raw.redisPerByte (host SET, coordinator GET, next host GET); parallel roundTrip − redis.perJob + 1.5 × stateBytes × (raw.perStateByte − raw.redisPerByte) + 3 network hops',
    ahead:
      'the protocol as built (2026-12-03, round 7): units dispatched ahead (plan known up front), a worker down to one unit sent its next ones as one BullMQ job (unitsPerJob, measured by running the executor), each host GETs the key the previous host SET: serial redis.perJob ÷ unitsPerJob + raw.redisPerPass (each unit’s reply) + 1.5 × stateBytes × raw.redisPerByte; parallel raw.roundTrip (notification) + stateBytes × (raw.perStateByte − raw.redisPerByte) + 2 network hops',
    task: 'groups (fuseGroups halves them up to one per worker) trained whole on full-data copies, longest first to the least-loaded worker; one dispatch each',
    data: 'groups one after another on all workers; per step each worker steps a batch of its own rows, then the weights are allreduced: a ring in each host (memory) then a ring between hosts (network)',
    ideal: "Σ over fused groups of one worker's compute over all rows, ÷ workers",
  },
  inputs,
  measured: { unit, dispatch, dispatchSource, unitsPerJob: { value: perJob, ...PER_JOB_SHAPE } },
  grid: GRID,
  maxPlanningWork: MAX_WORK,
  rows,
});
console.log(`wrote ${path}`);
