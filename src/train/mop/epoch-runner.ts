import {
  queueUnitCheckpoint,
  readUnitCheckpoint,
  removeUnitCheckpoint,
  type UnitCheckpointHeader,
} from '../run-folder/checkpoint.js';
import { evaluateGroups, type ModelEvaluation } from '../heads/evaluation.js';
import type { FusedGroup } from './fused-groups.js';
import { groupRun } from './group-run.js';
import type { GroupState, HyperValues } from '../heads/group-state.js';
import { executePlan } from './executor.js';
import { epochRng, planEpoch, type EpochPlan } from './plan.js';
import type { MopUnit } from './scheduler.js';
import type { TrainContext } from './train-context.js';
import { UnitDispatcher } from '../transport/unit-dispatcher.js';
import { unitCost } from './unit-cost.js';
import { unitKey, type UnitRef } from '../transport/messages.js';
import type { PlannedUnit } from './plan.js';
import { settleOnce, type SettleOnce } from '../../core/settle-once.js';

/** how long `started` waits for the first units to be sent before it runs anyway */
const POSTED_WAIT_MS = 1000;

export interface EpochTrainResult {
  plan: EpochPlan;
  /** per group, its state after the epoch */
  states: GroupState[];
  /** per group, per head (graph order): step-weighted mean train loss and train accuracy */
  trainLoss: number[][];
  trainAccuracy: number[][];
  /** with `validate`: per group, per head, its metrics on the validation split after the epoch */
  val?: ModelEvaluation[][];
}

export interface EpochOptions {
  /**
   * also evaluate every group on the validation split; where the transport evaluates behind units
   * (`Transport.evaluatesBehindUnits`), each group as soon as its last unit of the epoch is in, so
   * validation fills the epoch's tail instead of following it
   */
  validate?: boolean;
  /**
   * called once the epoch's first units are on their way to the workers: work the coordinator owes
   * the last boundary that no unit waits for (the epoch snapshot's encoding) runs there instead of
   * between the epochs, while every worker idles
   */
  started?: () => void;
}

/** Estimated compute of a unit, for the scheduler's virtual clock. */
function costOf(
  ctx: TrainContext,
  groups: readonly FusedGroup[],
  shardRows: readonly number[],
  unit: MopUnit,
) {
  const group = groups[unit.group]!;
  const dims = ctx.prepared.featureSets.find((s) => s.key === group.featureSet)!.dims;
  return unitCost(group, dims, ctx.prepared.classes, shardRows[unit.shard]!);
}

const sameModels = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, i) => id === b[i]);

/**
 * One MOP epoch (Cerebro, VLDB 2020): plans the units with the seeded randomized scheduler in
 * virtual time, then dispatches them through the run's transport. Each group's state moves to the
 * worker of its next unit and comes back with the outcome (accepted once per state version); it is
 * checkpointed after every unit. A group whose epoch was cut short (a crash) resumes from its
 * checkpoint, skipping the units it finished. A unit that fails is re-run from its group's last
 * checkpoint (the epoch's start state when it has none yet), on a fresh worker when its thread died.
 */
export async function trainEpoch(
  ctx: TrainContext,
  epoch: number,
  groups: readonly FusedGroup[],
  startState: (group: FusedGroup) => GroupState,
  hyperOf: (group: FusedGroup) => HyperValues,
  shardRows: readonly number[],
  options: EpochOptions = {},
): Promise<EpochTrainResult> {
  const { runDir, transport, sink, writes } = ctx;
  const rng = epochRng(ctx.job.seed, epoch);
  const plan = planEpoch(groups.length, transport.size, (unit) => costOf(ctx, groups, shardRows, unit), rng);

  const states: GroupState[] = [];
  const progress: UnitCheckpointHeader[] = [];
  const done = new Set<number>();
  for (const group of groups) {
    const saved = readUnitCheckpoint(runDir, epoch, group.id);
    if (saved && sameModels(saved.header.models, group.models)) {
      states[group.id] = saved.state;
      progress[group.id] = saved.header;
      plan.units
        .filter((u) => u.group === group.id)
        .slice(0, saved.header.units)
        .forEach((u) => done.add(u.index));
    } else {
      const heads = group.models.length;
      const header: UnitCheckpointHeader = {
        epoch,
        group: group.id,
        units: 0,
        models: group.models,
        lossSum: new Array<number>(heads).fill(0),
        correct: new Array<number>(heads).fill(0),
        steps: 0,
        examples: 0,
      };
      states[group.id] = startState(group);
      progress[group.id] = header;
      // a checkpoint of other models (an earlier try grouped them otherwise) must not be re-run from
      if (saved) await removeUnitCheckpoint(runDir, epoch, group.id);
    }
  }

  const hyper = groups.map(hyperOf);
  const unitsOf = groups.map((g) => plan.units.filter((u) => u.group === g.id).length);
  // per group, its validation started behind the units (undefined: not started, or it failed)
  const early: Promise<ModelEvaluation[] | undefined>[] = [];
  const validateEarly = (group: number) => {
    if (!options.validate || !transport.evaluatesBehindUnits) return;
    // a failure (a worker lost meanwhile) is not the run's: the group is evaluated again at the end
    early[group] = evaluateGroups(
      transport,
      [groups[group]!],
      [states[group]!],
      'val',
      ctx.prepared.classes,
    ).then(
      ([metrics]) => metrics,
      () => undefined,
    );
  };
  // each unit's state version: how many of its group's units come before it in the epoch
  const versions: number[] = [];
  for (const group of groups)
    plan.units.filter((u) => u.group === group.id).forEach((u, k) => (versions[u.index] = k));
  const refOf = (unit: PlannedUnit): UnitRef => ({
    epoch,
    group: unit.group,
    shard: unit.shard,
    version: versions[unit.index]!,
  });
  // per unit sent chained, its predecessor's outcome applied (or given up): applied in group order
  const applied = new Map<number, SettleOnce<void>>();
  const appliedOf = (index: number) => applied.get(index) ?? applied.set(index, settleOnce()).get(index)!;
  const dispatcher = new UnitDispatcher(transport);
  // what `started` threw (a failed write behind): thrown once the epoch's units are back, not while
  // they run (the write queue stops at its first failure and every later write throws it too)
  let startFailure: Error | undefined;
  let began: Promise<void> = Promise.resolve();
  try {
    // the executor posts the first units to the workers before it returns (its pump runs at once)
    const running = executePlan(
      plan,
      transport.size,
      async (unit, attempt) => {
        const group = groups[unit.group]!;
        const ref = refOf(unit);
        const fault = ctx.faults?.({ epoch, group: unit.group, shard: unit.shard }, attempt);
        // the host the unit is sent to (a lost host's unit comes back here as another attempt)
        const host = transport.remote ? transport.workers()[unit.worker]?.host : undefined;
        // sent before its group's previous unit is in (executor `chain`): it starts from the state
        // that unit hands over, worker to worker
        const chained = progress[unit.group]!.units < ref.version;
        // the state moves to the worker (transferred between threads) and comes back with the outcome
        const { result, seconds } = await dispatcher.run({
          type: 'unit.dispatch',
          worker: unit.worker,
          unit: ref,
          attempt,
          batchSize: group.batchSize,
          group: groupRun(group),
          ...(chained ? { after: refOf(plan.units[unit.after!]!) } : { state: states[unit.group]! }),
          hyper: hyper[unit.group]!,
          ...(fault ? { fault } : {}),
        });
        if (chained) await appliedOf(unit.after!).promise;
        const before = progress[unit.group]!;
        if (before.units !== ref.version)
          throw new Error(`unit ${unitKey(ref)} came back with its group at version ${before.units}`);
        const header: UnitCheckpointHeader = {
          ...before,
          units: before.units + 1,
          lossSum: before.lossSum.map((v, k) => v + result.lossSum[k]!),
          correct: before.correct.map((v, k) => v + result.correct[k]!),
          steps: before.steps + result.steps,
          examples: before.examples + result.examples,
        };
        // encoded now, written behind: the group goes on to its next worker without waiting for the disk
        queueUnitCheckpoint(writes, runDir, header, result.state);
        states[unit.group] = result.state;
        progress[unit.group] = header;
        appliedOf(unit.index).resolve();
        if (header.units === unitsOf[unit.group]) validateEarly(unit.group);
        sink({
          type: 'train.unit',
          epoch,
          group: group.id,
          shard: unit.shard,
          worker: unit.worker,
          ...(host === undefined ? {} : { host }),
          examples: result.examples,
          seconds,
        });
      },
      {
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        done,
        ahead: transport.unitsAhead ?? 0,
        ...(transport.refillsAt !== undefined ? { refillAt: transport.refillsAt } : {}),
        chain: transport.chainsUnits ?? false,
        onGiveUp: (unit) => {
          appliedOf(unit.index).reject(new Error(`unit ${unitKey(refOf(unit))} did not end`));
          transport.withdraw?.(refOf(unit));
        },
        onRetry: async (unit, error, attempt) => {
          sink({
            type: 'log',
            level: 'warn',
            message: `unit (group ${unit.group}, shard ${unit.shard}) failed on try ${attempt}: ${error.message.split('\n')[0]}; re-running it from the group's last checkpoint`,
          });
          await transport.recover(unit.worker);
          // the group's last checkpoint is on disk before it is read: the one of the unit before this
          // one, unless that unit is still out (this one is then sent chained on it again)
          for (;;) {
            await writes.flush();
            const { units } = progress[unit.group]!;
            if (units < versions[unit.index]!) return;
            const saved = readUnitCheckpoint(runDir, epoch, unit.group);
            // no checkpoint yet: the group's first unit failed, and it starts again from the epoch's start
            if ((saved?.header.units ?? 0) !== units) continue; // applied meanwhile: flush that one too
            states[unit.group] = saved?.state ?? startState(groups[unit.group]!);
            return;
          }
        },
      },
    );
    const begin = () => {
      try {
        options.started?.();
      } catch (error) {
        startFailure = error instanceof Error ? error : new Error(String(error));
      }
    };
    // where sending is asynchronous (jobs added to hosts' queues), once the first units are out: the
    // work `started` does would otherwise hold them back
    if (transport.posted) began = transport.posted(POSTED_WAIT_MS).then(begin);
    else begin();
    await running;
    await began;
    if (startFailure) throw startFailure;
  } finally {
    await began;
    dispatcher.close();
  }
  return {
    plan,
    states,
    trainLoss: progress.map((p) => p.lossSum.map((v) => v / p.steps)),
    trainAccuracy: progress.map((p) => p.correct.map((v) => v / p.examples)),
    ...(options.validate ? { val: await validation(ctx, groups, states, early) } : {}),
  };
}

/** Each group's validation: the one run behind its units where it succeeded, else run now (together). */
async function validation(
  ctx: TrainContext,
  groups: readonly FusedGroup[],
  states: readonly GroupState[],
  early: readonly (Promise<ModelEvaluation[] | undefined> | undefined)[],
): Promise<ModelEvaluation[][]> {
  const val = await Promise.all(groups.map(async (g) => early[g.id]));
  const missing = groups.filter((_, i) => !val[i]);
  if (missing.length > 0) {
    const late = await evaluateGroups(
      ctx.transport,
      missing,
      missing.map((g) => states[g.id]!),
      'val',
      ctx.prepared.classes,
    );
    missing.forEach((g, i) => (val[groups.indexOf(g)] = late[i]));
  }
  return val.map((metrics) => metrics!);
}
