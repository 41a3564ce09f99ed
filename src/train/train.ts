import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { interrupted } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { writeJsonAtomic } from './atomic-write.js';
import { evaluateGroups } from './evaluation.js';
import { buildFusedLinearTrainGraph, buildLinearEvalGraph } from './fused-linear-graph.js';
import { enumerateModels, fuseGroups } from './fused-groups.js';
import { headLabel } from './head-config.js';
import { MopTrainer } from './mop-trainer.js';
import { buildOutcome } from './outcome.js';
import { prepareRun, type PreparedRun } from './prepare-run.js';
import { chunk, trainShards } from './sharding.js';
import type { TrainJob, TrainOutcome } from './train-job.js';
import { validateJob } from './validate-job.js';
import { startShardWorkers, stopShardWorkers } from './worker-pool.js';
import type { ShardInit } from './worker-protocol.js';

export interface TrainOptions {
  sink: EventSink;
  /** run.json, visits.json, results.json and checkpoints/ are written here */
  runDir: string;
  /** aborting stops between units; `train` then rejects with `interrupted()` */
  signal?: AbortSignal;
}

/**
 * Trains every (feature set, head) model with Model Hopper Parallelism (Cerebro, VLDB 2020): the
 * train split is sharded once, one worker thread per shard; each epoch every fused group visits
 * every shard once, in the order the seeded randomized scheduler planned, then every model is
 * evaluated on the validation split. At the end every model is evaluated on the test split.
 * Events: train.start, train.unit per unit, train.epoch per epoch, train.end.
 */
export async function train(job: TrainJob, options: TrainOptions): Promise<TrainOutcome> {
  const started = performance.now();
  const { sink, runDir, signal } = options;
  validateJob(job);
  if (signal?.aborted) throw interrupted();
  mkdirSync(join(runDir, 'checkpoints'), { recursive: true });
  writeJsonAtomic(join(runDir, 'run.json'), { job, seed: job.seed, startedAt: new Date().toISOString() });

  const prepared = prepareRun(job);
  const models = enumerateModels(job.featureSets, job.heads);
  const groups = fuseGroups(models, job.workers);
  const run = basename(runDir);
  sink({
    type: 'train.start',
    run,
    models: models.map((m) => ({ id: m.id, layer: m.layer, head: headLabel(m.head, job.heads) })),
    groups: groups.length,
    workers: job.workers,
    epochs: job.epochs,
  });

  const inits = shardInits(job, prepared);
  const workers = await startShardWorkers(inits, (stream, line) =>
    sink({ type: 'log', level: stream === 'stderr' ? 'warn' : 'info', message: `worker: ${line}` }),
  );
  try {
    const shardRows = inits.map((init) => init.rows.train.length);
    const trainer = new MopTrainer(job, prepared, groups, workers, shardRows, options);
    const history = await trainer.trainEpochs();
    const finalSplit = prepared.rows.test.length > 0 ? 'test' : 'val';
    const final = await evaluateGroups(workers, groups, trainer.states, finalSplit, prepared.classes, true);
    const seconds = (performance.now() - started) / 1000;
    const outcome = buildOutcome({
      job,
      groups,
      history,
      final,
      finalSplit,
      classes: prepared.classes,
      visits: trainer.visits,
      run,
      runDir,
      seconds,
    });
    writeJsonAtomic(join(runDir, 'results.json'), outcome);
    sink({ type: 'train.end', run, seconds });
    return outcome;
  } finally {
    await stopShardWorkers(workers);
  }
}

/** What each worker holds: its train shard, its part of validation and test, and the graphs. */
export function shardInits(job: TrainJob, prepared: PreparedRun): ShardInit[] {
  const train = trainShards(prepared.rows.train, job.workers, job.seed);
  const val = chunk(prepared.rows.val, job.workers);
  const test = chunk(prepared.rows.test, job.workers);
  const featureSets = prepared.featureSets.map((set) => {
    const spec = { dims: set.dims, classes: prepared.classes, ...set.standardization };
    return {
      key: set.key,
      dims: set.dims,
      trainGraph: buildFusedLinearTrainGraph(spec),
      evalGraph: buildLinearEvalGraph(spec),
    };
  });
  return train.map((rows, shard) => ({
    storeDir: job.storeDir,
    shard,
    classes: prepared.classes,
    seed: job.seed,
    featureSets,
    rows: { train: rows, val: val[shard]!, test: test[shard]! },
  }));
}
