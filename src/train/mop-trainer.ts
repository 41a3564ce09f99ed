import { join } from 'node:path';
import { interrupted } from '../core/errors.js';
import type { ModelEpochMetrics } from '../core/events.js';
import { Rng } from '../core/random.js';
import { writeJsonAtomic } from './atomic-write.js';
import { writeCheckpoint } from './checkpoint.js';
import { evaluateGroups } from './evaluation.js';
import { initialLinearState, linearHyper } from './fused-linear-graph.js';
import type { FusedGroup } from './fused-groups.js';
import { stateBuffers, type GroupState } from './group-state.js';
import { executePlan } from './mop-executor.js';
import { planEpoch } from './mop-plan.js';
import type { MopUnit } from './mop-scheduler.js';
import type { PreparedRun } from './prepare-run.js';
import type { ShardWorker } from './shard-worker.js';
import type { TrainOptions } from './train.js';
import type { TrainJob } from './train-job.js';

/** Per model (run order), per epoch. */
export interface TrainHistory {
  trainLoss: number[][];
  valLoss: number[][];
  valAccuracy: number[][];
}

/** Per-step cost of a graph run beyond its arithmetic, in multiply-adds (a planning estimate). */
const STEP_OVERHEAD = 20_000;

/**
 * Walks the epochs of a MOP run. The main thread owns every group's state between units: it
 * transfers the state to the worker that runs the group's next unit, takes it back with the
 * reply, and checkpoints it, so a group is never in two places at once.
 */
export class MopTrainer {
  readonly states: GroupState[];
  readonly visits: number[][][] = [];
  private readonly dims: Map<string, number>;

  constructor(
    private readonly job: TrainJob,
    private readonly prepared: PreparedRun,
    private readonly groups: readonly FusedGroup[],
    private readonly workers: readonly ShardWorker[],
    private readonly shardRows: readonly number[],
    private readonly options: TrainOptions,
  ) {
    this.dims = new Map(prepared.featureSets.map((s) => [s.key, s.dims]));
    this.states = groups.map((g) =>
      initialLinearState(g.models.length, this.dims.get(g.featureSet)!, prepared.classes),
    );
  }

  private get modelCount(): number {
    return this.groups.reduce((n, g) => n + g.members.length, 0);
  }

  async trainEpochs(): Promise<TrainHistory> {
    const perModel = () => Array.from({ length: this.modelCount }, (): number[] => []);
    const history: TrainHistory = { trainLoss: perModel(), valLoss: perModel(), valAccuracy: perModel() };
    for (let epoch = 1; epoch <= this.job.epochs; epoch++) {
      const trainLoss = await this.trainEpoch(epoch);
      const val = await evaluateGroups(
        this.workers,
        this.groups,
        this.states,
        'val',
        this.prepared.classes,
        false,
      );
      const metrics: ModelEpochMetrics[] = [];
      for (const group of this.groups) {
        group.members.forEach((m, k) => {
          const entry = {
            id: group.models[k]!,
            trainLoss: trainLoss[m]!,
            valLoss: val[group.id]!.loss[k]!,
            valAccuracy: val[group.id]!.accuracy[k]!,
          };
          history.trainLoss[m]!.push(entry.trainLoss);
          history.valLoss[m]!.push(entry.valLoss);
          history.valAccuracy[m]!.push(entry.valAccuracy);
          metrics[m] = entry;
        });
      }
      this.options.sink({ type: 'train.epoch', epoch, epochs: this.job.epochs, models: metrics });
      if (this.options.signal?.aborted) throw interrupted();
    }
    return history;
  }

  /** Estimated compute of a unit, for the scheduler's virtual clock. */
  private cost({ group, shard }: MopUnit): number {
    const g = this.groups[group]!;
    const rows = this.shardRows[shard]!;
    const arithmetic = rows * g.models.length * this.dims.get(g.featureSet)! * this.prepared.classes;
    return Math.ceil(rows / g.batchSize) * STEP_OVERHEAD + arithmetic;
  }

  /** One MOP epoch; returns each model's step-weighted mean train loss. */
  private async trainEpoch(epoch: number): Promise<number[]> {
    const rng = Rng.derive(this.job.seed, `mop:epoch:${epoch}`);
    const plan = planEpoch(this.groups.length, this.workers.length, (unit) => this.cost(unit), rng);
    this.visits.push(plan.visits);
    writeJsonAtomic(join(this.options.runDir, 'visits.json'), {
      groups: this.groups.map((g) => ({
        id: g.id,
        layer: g.layer,
        batchSize: g.batchSize,
        models: g.models,
      })),
      epochs: this.visits,
    });

    const lossSum = new Float64Array(this.modelCount);
    const steps = new Float64Array(this.modelCount);
    const unitsDone = new Array<number>(this.groups.length).fill(0);
    await executePlan(
      plan,
      this.workers.length,
      async (unit) => {
        const group = this.groups[unit.group]!;
        const state = this.states[unit.group]!;
        const body = {
          epoch,
          featureSet: group.featureSet,
          batchSize: group.batchSize,
          state,
          hyper: linearHyper(group.heads, epoch, this.job.epochs),
        };
        const { result, seconds } = await this.workers[unit.worker]!.request(
          'train',
          body,
          stateBuffers(state),
        );
        this.states[unit.group] = result.state;
        group.members.forEach((m, k) => {
          lossSum[m] = lossSum[m]! + result.lossSum[k]!;
          steps[m] = steps[m]! + result.steps;
        });
        const units = ++unitsDone[unit.group]!;
        writeCheckpoint(
          this.options.runDir,
          { group: group.id, epoch, units, models: group.models },
          result.state,
        );
        this.options.sink({
          type: 'train.unit',
          epoch,
          group: group.id,
          shard: unit.shard,
          worker: unit.worker,
          examples: result.examples,
          seconds,
        });
      },
      this.options.signal,
    );
    return Array.from(lossSum, (sum, m) => sum / steps[m]!);
  }
}
