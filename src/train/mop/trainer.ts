import { interrupted } from '../../core/errors.js';
import type { ModelEpochMetrics } from '../../core/events.js';
import { removeUnitCheckpoints } from '../run-folder/checkpoint.js';
import type { ControlSource } from '../search/controls.js';
import { applyControls, applyHalving } from './epoch-boundary.js';
import { trainEpoch } from './epoch-runner.js';
import { evaluateGroups, type ModelEvaluation } from '../heads/evaluation.js';
import { fuseGroups, type FusedGroup, type ModelSpec } from './fused-groups.js';
import { headArch } from '../heads/head-arch.js';
import { headLabel, type ResolvedHead } from '../heads/head-config.js';
import { groupHyper } from '../heads/group-hyper.js';
import { splitForMakespan } from './group-splits.js';
import type { GroupState } from '../heads/group-state.js';
import {
  initialModelState,
  packStack,
  unpackStack,
  warmStart,
  type ModelState,
} from '../heads/head-state.js';
import { learningRate } from '../heads/lr-schedule.js';
import type { ModelRecord } from './model-record.js';
import { epochRng } from './plan.js';
import { solveRidgeHead } from '../heads/ridge-head.js';
import { queueSnapshot, type RunProgress } from '../run-folder/run-snapshot.js';
import { queueRunVisits } from '../run-folder/run-visits.js';
import type { TrainContext } from './train-context.js';
import type { EpochVisits } from './train-job.js';

/** A model's final metrics on the test split (or validation when the store has none). */
export interface FinalEvaluation {
  split: 'test' | 'val';
  byModel: Map<string, ModelEvaluation>;
}

const isRidge = (m: ModelRecord) => m.head.type === 'ridge';

/** A group's layout: its feature set and each stack's models in order (what `pack` lays out). */
const layoutKey = (group: FusedGroup) =>
  `${group.featureSet}|${group.stacks.map((s) => s.models.join(',')).join('|')}`;

const dimsOf = (ctx: TrainContext, featureSet: string) =>
  ctx.prepared.featureSets.find((s) => s.key === featureSet)!.dims;

/** A model's starting state, from the run seed and its id. */
function freshState(ctx: TrainContext, model: ModelRecord): ModelState {
  const { classes } = ctx.prepared;
  return initialModelState(
    headArch(model.head),
    dimsOf(ctx, model.featureSet),
    classes,
    ctx.job.seed,
    model.id,
  );
}

/**
 * Walks the epochs of a MOP run. Between epochs the main thread owns every model's state; each epoch
 * the active models are fused into groups (Nautilus), trained with MOP (Cerebro), validated, then
 * the boundary's decisions are made: successive halving, steering commands, and the epoch snapshot
 * a resumed run starts from.
 */
export class MopTrainer {
  /**
   * Each group's state as the last epoch left it, by the group's layout (`layoutKey`): the next
   * epoch's group of the same models in the same stacks starts from it as it is instead of packing
   * the models' states again (the same values: packing copies them), which saves the copy on the
   * coordinator between epochs, while every worker waits. Taken once per group (a re-run of its first
   * unit packs afresh: the taken state was transferred away), and replaced every epoch.
   */
  private packed = new Map<string, GroupState>();
  /** the last boundary's snapshot, its acknowledgements and removals, until it is queued */
  private snapshotOwed: (() => void) | undefined;

  constructor(
    private readonly ctx: TrainContext,
    readonly progress: RunProgress,
    readonly states: Map<string, ModelState>,
    readonly visits: EpochVisits[],
    private readonly shardRows: readonly number[],
    private readonly control: ControlSource | undefined,
  ) {}

  /** A fresh run's table and states: every job model active, initialised from the seed. */
  static initialProgress(ctx: TrainContext): { progress: RunProgress; states: Map<string, ModelState> } {
    const models: ModelRecord[] = ctx.job.models.map((m, index) => ({
      index,
      id: `m${index}`,
      featureSet: m.featureSet,
      layer: m.layer,
      head: m.head,
      status: 'active',
      startEpoch: 0,
      origin: { kind: 'search' },
      history: [],
    }));
    const states = new Map(models.map((m) => [m.id, freshState(ctx, m)]));
    return { progress: { epoch: 0, models, controls: [] }, states };
  }

  private dims(featureSet: string): number {
    return dimsOf(this.ctx, featureSet);
  }

  label(head: ResolvedHead): string {
    return headLabel(
      head,
      this.progress.models.map((m) => m.head),
    );
  }

  /**
   * The models fused into groups (Nautilus); for a training epoch, cut further where that shortens
   * the epoch's planned makespan on these workers (a function of the seed and epoch, so a resumed
   * run regroups the same way). Evaluation keeps groups whole: every worker runs every group there.
   */
  groupsOf(models: readonly ModelRecord[], epoch?: number): FusedGroup[] {
    if (models.length === 0) return []; // a run of ridge heads only has nothing to train
    const specs: ModelSpec[] = models.map((m) => ({
      index: m.index,
      id: m.id,
      featureSet: m.featureSet,
      layer: m.layer,
      head: m.head,
    }));
    const fused = fuseGroups(specs, {
      workers: 1,
      dims: (set) => this.dims(set),
      classes: this.ctx.prepared.classes,
      maxGroupBytes: this.ctx.job.maxGroupBytes,
    });
    if (epoch === undefined) return fused;
    return splitForMakespan(fused, {
      shardRows: this.shardRows,
      dims: (set) => this.dims(set),
      classes: this.ctx.prepared.classes,
      rng: () => epochRng(this.ctx.job.seed, epoch),
    }).groups;
  }

  pack(group: FusedGroup): GroupState {
    const state: GroupState = {};
    group.stacks.forEach((stack, i) =>
      packStack(
        i,
        stack.models.map((id) => this.states.get(id)!),
        state,
      ),
    );
    return state;
  }

  private unpack(group: FusedGroup, state: GroupState): void {
    group.stacks.forEach((stack, i) => {
      unpackStack(i, stack.models.length, state).forEach((s, k) => this.states.set(stack.models[k]!, s));
    });
  }

  /** The cosine schedule of a model runs over its own epochs: from when it joined to the run's end. */
  private lrOf(epoch: number) {
    return (member: number, head: ResolvedHead) => {
      const start = this.progress.models[member]!.startEpoch;
      return learningRate(head, epoch - start, this.ctx.job.epochs - start);
    };
  }

  /** Trains the remaining epochs; a fresh run first handles the boundary before epoch 1 (controls). */
  async run(fresh: boolean): Promise<void> {
    const { job, sink, signal } = this.ctx;
    if (fresh) this.boundary(0);
    try {
      for (let epoch = this.progress.epoch + 1; epoch <= job.epochs; epoch++) {
        await this.solveRidgeHeads(epoch);
        const active = this.progress.models.filter((m) => m.status === 'active' && !isRidge(m));
        if (active.length === 0) {
          sink({
            type: 'log',
            level: 'info',
            message: `no model left to train after epoch ${epoch - 1}; the run ends`,
          });
          break;
        }
        await this.trainOneEpoch(epoch, this.groupsOf(active, epoch));
        this.boundary(epoch);
        if (signal?.aborted) throw interrupted();
      }
    } catch (error) {
      // what a resume starts from, queued behind everything finished; the run's error stays the one
      // that cut it short
      try {
        this.queueSnapshot();
      } catch {
        // the write queue had failed before (it throws its first failure to every later write)
      }
      throw error;
    }
    this.queueSnapshot();
  }

  /**
   * Queues the snapshot the last boundary owes, if it is still owed: encoded from the records and
   * states as that boundary left them (nothing changes them before the next epoch's units are in, or
   * before ridge heads are solved, and each of those queues it first).
   */
  private queueSnapshot(): void {
    const owed = this.snapshotOwed;
    this.snapshotOwed = undefined;
    owed?.();
  }

  /**
   * Ridge heads are solved in closed form, never trained: each one not solved yet (a fresh run's, or
   * one added between epochs) gets its weights from one decomposition on the main thread, then one
   * validation pass on the workers like any head, recorded as its only epoch. They never enter MOP's
   * fused training groups.
   */
  private async solveRidgeHeads(epoch: number): Promise<void> {
    const { ctx } = this;
    const pending = this.progress.models.filter(
      (m) => isRidge(m) && m.status === 'active' && m.history.length === 0,
    );
    if (pending.length === 0) return;
    this.queueSnapshot(); // before this changes the records and states it encodes
    const fits = new Map<string, ReturnType<typeof solveRidgeHead>>();
    for (const model of pending) {
      const set = ctx.prepared.featureSets.find((s) => s.key === model.featureSet)!;
      const fit =
        fits.get(model.featureSet) ??
        solveRidgeHead(ctx.job.storeDir, set, ctx.prepared.rows.train, ctx.prepared.classes);
      fits.set(model.featureSet, fit);
      this.states.set(model.id, fit.state);
    }
    const groups = this.groupsOf(pending);
    const val = await evaluateGroups(
      ctx.transport,
      groups,
      groups.map((g) => this.pack(g)),
      'val',
      ctx.prepared.classes,
    );
    groups.forEach((group, g) =>
      group.models.forEach((id, k) => {
        const model = pending.find((m) => m.id === id)!;
        const fit = fits.get(model.featureSet)!;
        const v = val[g]![k]!;
        model.history.push({
          epoch,
          trainLoss: fit.trainLoss,
          trainAccuracy: fit.trainAccuracy,
          valLoss: v.loss,
          valAccuracy: v.accuracy,
          valMacroF1: v.macroF1,
        });
        ctx.sink({
          type: 'log',
          level: 'info',
          message: `${model.id} (ridge on ${model.layer}) solved in closed form, λ = ${fit.lambda.toPrecision(3)}: validation accuracy ${(v.accuracy * 100).toFixed(1)}%`,
        });
      }),
    );
  }

  private async trainOneEpoch(epoch: number, groups: FusedGroup[]): Promise<void> {
    const { ctx } = this;
    // only the last epoch's groups may start from their kept states (the boundary dropped them if it
    // changed any state)
    const kept = this.packed;
    this.packed = new Map();
    const fromKept = (group: FusedGroup) => {
      const state = kept.get(layoutKey(group));
      kept.delete(layoutKey(group));
      return state ?? this.pack(group);
    };
    const trained = await trainEpoch(
      ctx,
      epoch,
      groups,
      fromKept,
      (g) => groupHyper(g, this.lrOf(epoch), ctx.prepared.balancedWeights),
      this.shardRows,
      { validate: true, started: () => this.queueSnapshot() },
    );
    const stale = this.visits.findIndex((v) => v.epoch >= epoch);
    if (stale >= 0) this.visits.splice(stale);
    this.visits.push({
      epoch,
      groups: groups.map((g) => ({
        id: g.id,
        featureSet: g.featureSet,
        layer: g.layer,
        batchSize: g.batchSize,
        models: g.models,
        shards: trained.plan.visits[g.id]!,
      })),
    });
    queueRunVisits(ctx.writes, ctx.runDir, this.visits);

    const val = trained.val!;
    const metrics: ModelEpochMetrics[] = [];
    for (const group of groups) {
      this.unpack(group, trained.states[group.id]!);
      // unpack copied the models' states out, so this one is the coordinator's alone to hand on
      this.packed.set(layoutKey(group), trained.states[group.id]!);
      group.members.forEach((member, k) => {
        const model = this.progress.models[member]!;
        const v = val[group.id]![k]!;
        model.history.push({
          epoch,
          trainLoss: trained.trainLoss[group.id]![k]!,
          trainAccuracy: trained.trainAccuracy[group.id]![k]!,
          valLoss: v.loss,
          valAccuracy: v.accuracy,
          valMacroF1: v.macroF1,
        });
        metrics.push({
          id: model.id,
          trainLoss: trained.trainLoss[group.id]![k]!,
          valLoss: v.loss,
          valAccuracy: v.accuracy,
          valMacroF1: v.macroF1,
          epochsTrained: model.history.length,
        });
      });
    }
    metrics.sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
    ctx.sink({ type: 'train.epoch', epoch, epochs: ctx.job.epochs, models: metrics });
  }

  /**
   * Halving, then steering commands, then the snapshot (queued: the next epoch starts while it is
   * written); acknowledgements only once it is on disk.
   */
  private boundary(epoch: number): void {
    const { ctx } = this;
    applyHalving(ctx, this.progress, epoch);
    const acks = applyControls(ctx, this.progress, this.control, epoch, (record, warmFrom) =>
      this.states.set(
        record.id,
        warmFrom
          ? warmStart(
              this.states.get(warmFrom)!,
              headArch(record.head),
              this.dims(record.featureSet),
              ctx.prepared.classes,
            )
          : freshState(ctx, record),
      ),
    );
    // a command may have given a model another state: the next epoch packs every group afresh
    if (acks.length > 0) this.packed.clear();
    this.progress.epoch = epoch;
    // owed, not queued: encoding every model's state takes milliseconds the workers would idle for,
    // so it is queued once the next epoch's first units are on their way (`queueSnapshot`)
    this.snapshotOwed = () => {
      queueSnapshot(ctx.writes, ctx.runDir, this.progress, this.states);
      if (acks.length > 0) ctx.writes.then(() => acks.forEach((ack) => this.control?.acknowledge(ack)));
      // behind the snapshot that supersedes them; a failed removal only leaves files nothing reads
      // (the next boundary removes them again)
      if (epoch > 0)
        ctx.writes.then(() => removeUnitCheckpoints(ctx.runDir, epoch + 1).catch(() => undefined));
    };
  }

  /** Every model that trained, evaluated on the test split (validation when there is none). */
  async finalEvaluation(): Promise<FinalEvaluation> {
    const { ctx } = this;
    const split = ctx.prepared.rows.test.length > 0 ? 'test' : 'val';
    const trained = this.progress.models.filter((m) => m.history.length > 0);
    const groups = this.groupsOf(trained);
    const results = await evaluateGroups(
      ctx.transport,
      groups,
      groups.map((g) => this.pack(g)),
      split,
      ctx.prepared.classes,
    );
    const byModel = new Map<string, ModelEvaluation>();
    groups.forEach((g) => g.models.forEach((id, k) => byModel.set(id, results[g.id]![k]!)));
    return { split, byModel };
  }
}
