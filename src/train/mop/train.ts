import { mkdirSync } from 'node:fs';
import { basename } from 'node:path';
import type { EventSink } from '../../core/events.js';
import { checkpointDir } from '../run-folder/checkpoint.js';
import type { ControlSource } from '../search/controls.js';
import { MopTrainer } from './trainer.js';
import { buildOutcome } from './outcome.js';
import { prepareRows, shardStandardization, type PreparedRows, type PreparedRun } from './prepare-run.js';
import { resolveJob, type ResolvedTrainJob } from './resolve-job.js';
import { readSnapshot } from '../run-folder/run-snapshot.js';
import { writeRunJob } from '../run-folder/run-job-file.js';
import { writeRunResults } from '../run-folder/run-results.js';
import { readRunVisits } from '../run-folder/run-visits.js';
import { OrderedWrites } from '../run-folder/ordered-writes.js';
import { recordShards } from '../worker/sharding.js';
import type { FaultPlan, TrainContext } from './train-context.js';
import type { TrainJob, TrainOutcome } from './train-job.js';
import { WorkerThreadsTransport } from '../transport/worker-threads-transport.js';
import type { ShardInit, ShardLayout } from '../worker/worker-protocol.js';
import type { SpawnedWorkers } from '../worker/worker-pool.js';
import type { Transport } from '../transport/transport.js';
import { trainGroupedModels } from './grouped-trainer.js';

/** What a run trains through: its prepared data view, each shard's train rows, and its transport. */
export interface RunWorkers {
  prepared: PreparedRun;
  shardRows: number[];
  transport: Transport;
}

/**
 * Where a run's shard workers come from: worker threads on this machine unless one is given (a
 * cluster coordinator prepares from its hosts' shards and reaches them over BullMQ).
 */
export type WorkerSource = (job: ResolvedTrainJob, sink: EventSink) => Promise<RunWorkers>;

export interface TrainOptions {
  sink: EventSink;
  /** run.json, visits.json, results.json and checkpoints/ are written here */
  runDir: string;
  /** aborting stops between training steps; `train` then rejects with `interrupted()` */
  signal?: AbortSignal;
  /** steering commands (a RunStore's control queue), applied at epoch boundaries */
  control?: ControlSource;
  /** continue the run in `runDir` from its last epoch snapshot and unit checkpoints */
  resume?: boolean;
  /** test hook: injected unit failures */
  faults?: FaultPlan;
  /** the shard workers (default: worker threads over the local store `job.storeDir`) */
  workers?: WorkerSource;
}

/**
 * The in-process source: the local store sharded over one worker thread per shard (on threads
 * `spawned` before the job was known, where given: `train --triage` starts them before it scores).
 */
export const threadWorkers =
  (spawned?: SpawnedWorkers): WorkerSource =>
  async (job, sink) => {
    // the workers read their rows as stored while their standardization is unknown; it is then
    // worked out from their train rows, so the store's features are read once, by the workers
    const rows = prepareRows(job);
    const layouts = shardLayouts(job, rows);
    let prepared: PreparedRun | undefined;
    const transport = await WorkerThreadsTransport.startStandardizing(
      layouts,
      (train) => {
        prepared = shardStandardization(
          rows,
          layouts.map((layout) => layout.rows.train),
          train,
        );
        return shardInits(job, prepared);
      },
      (stream, line) =>
        sink({ type: 'log', level: stream === 'stderr' ? 'warn' : 'info', message: `worker: ${line}` }),
      spawned,
    );
    return { prepared: prepared!, shardRows: layouts.map((l) => l.rows.train.length), transport };
  };

/**
 * Trains every model of the job with Model Hopper Parallelism (Cerebro, VLDB 2020): the train split
 * is sharded once, one worker thread per shard; each epoch the active models are fused into groups
 * (Nautilus, SIGMOD 2022), every group visits every shard once in the order the seeded randomized
 * scheduler planned, then every model is evaluated on the validation split. At each epoch boundary
 * successive halving and steering commands are applied and a snapshot is written; at the end every
 * model that trained is evaluated on the test split. With `resume`, a run cut short (even by kill -9)
 * continues from its last finished unit and ends with the same results as an uninterrupted run.
 * Events: train.start, train.unit per unit, train.epoch per epoch, train.control, train.end.
 */
export async function train(job: TrainJob, options: TrainOptions): Promise<TrainOutcome> {
  const started = performance.now();
  const { sink, runDir, signal } = options;
  const resolved = resolveJob(job);
  signal?.throwIfAborted();
  const snapshot = options.resume ? readSnapshot(runDir) : undefined;
  if (!snapshot) {
    mkdirSync(checkpointDir(runDir), { recursive: true });
    writeRunJob(runDir, job);
  }
  const { prepared, shardRows, transport } = await (options.workers ?? threadWorkers())(resolved, sink);
  const cancel = () => transport.cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  const writes = new OrderedWrites();
  try {
    const ctx: TrainContext = {
      job: resolved,
      prepared,
      transport,
      runDir,
      sink,
      writes,
      ...(signal ? { signal } : {}),
      ...(options.faults ? { faults: options.faults } : {}),
    };
    const start = snapshot ?? MopTrainer.initialProgress(ctx);
    const trainer = new MopTrainer(
      ctx,
      start.progress,
      start.states,
      snapshot ? readRunVisits(runDir) : [],
      shardRows,
      options.control,
    );
    const run = basename(runDir);
    sink({
      type: 'train.start',
      run,
      models: trainer.progress.models.map((m) => ({ id: m.id, layer: m.layer, head: trainer.label(m.head) })),
      groups: trainer.groupsOf(
        trainer.progress.models.filter((m) => m.status === 'active' && m.head.type !== 'ridge'),
        trainer.progress.epoch + 1,
      ).length,
      workers: resolved.workers,
      epochs: resolved.epochs,
      ...(snapshot ? { resumedAfter: snapshot.progress.epoch } : {}),
    });
    await trainer.run(!snapshot);
    const final = await trainer.finalEvaluation();
    const seconds = (performance.now() - started) / 1000;
    const outcome = buildOutcome({
      progress: trainer.progress,
      final,
      metric: resolved.metric,
      classes: prepared.classes,
      visits: trainer.visits,
      run,
      runDir,
      seconds,
    });
    if (prepared.groups) {
      outcome.groups = await trainGroupedModels(ctx, prepared.groups, shardRows, {
        id: outcome.best.id,
        states: trainer.states,
      });
      outcome.seconds = (performance.now() - started) / 1000;
    }
    await writes.flush();
    writeRunResults(runDir, outcome);
    sink({ type: 'train.end', run, seconds });
    return outcome;
  } finally {
    signal?.removeEventListener('abort', cancel);
    // a run cut short (aborted, failed) leaves every checkpoint it finished on disk for --resume;
    // a failed write is already this call's error, or the failure that cut it short is
    await writes.flush().catch(() => undefined);
    await transport.close();
  }
}

/** What each worker holds: its train shard, its part of validation and test, and the standardization. */
export function shardInits(
  job: Pick<ResolvedTrainJob, 'storeDir' | 'workers' | 'seed'>,
  prepared: PreparedRun,
): ShardInit[] {
  const featureSets = prepared.featureSets.map((set) => ({
    key: set.key,
    dims: set.dims,
    ...set.standardization,
  }));
  return shardLayouts(job, prepared).map((layout) => ({ ...layout, featureSets }));
}

/** The shards of a run: every split cut by the record rule, as a cluster store holds them (recordShards). */
export function shardLayouts(
  job: Pick<ResolvedTrainJob, 'storeDir' | 'workers' | 'seed'>,
  prepared: PreparedRows,
): ShardLayout[] {
  const train = recordShards(prepared.rows.train, prepared.ids, job.workers);
  const val = recordShards(prepared.rows.val, prepared.ids, job.workers);
  const test = recordShards(prepared.rows.test, prepared.ids, job.workers);
  const featureSets = prepared.featureSets.map(({ key, dims }) => ({ key, dims }));
  const groupOf = prepared.groups?.recordGroup;
  return train.map((rows, shard) => ({
    storeDir: job.storeDir,
    shard,
    classes: prepared.classes,
    seed: job.seed,
    featureSets,
    rows: { train: rows, val: val[shard]!, test: test[shard]! },
    ...(groupOf ? { trainGroups: Int32Array.from(rows, (r) => groupOf[r]!) } : {}),
  }));
}
