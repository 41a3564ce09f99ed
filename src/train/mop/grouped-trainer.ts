import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FeatureStore } from '../../store/feature-store.js';
import type { RankingMetric } from '../../core/result.js';
import { checkpointDir } from '../run-folder/checkpoint.js';
import type { GroupResults } from '../run-folder/group-results.js';
import { writeGroupedStates } from '../run-folder/grouped-states.js';
import type { GroupState } from '../heads/group-state.js';
import { groupedHyper, groupedInitialState, packedGroupSlice } from '../heads/grouped-state.js';
import { headArch } from '../heads/head-arch.js';
import { headLabel } from '../heads/head-config.js';
import { buildEvalGraph } from '../heads/head-graph.js';
import { packStack, unpackStack, type ModelState } from '../heads/head-state.js';
import { learningRate } from '../heads/lr-schedule.js';
import { accuracyOf, macroF1 } from '../heads/metrics.js';
import { createHeadSession } from '../heads/ort-session.js';
import { standardizeInPlace } from '../heads/standardization.js';
import { labelRows, type SplitRows } from '../worker/shard-data.js';
import { evaluateRows } from '../worker/unit-runner.js';
import { trainEpoch } from './epoch-runner.js';
import { fuseGroups, type FusedGroup, type ModelSpec } from './fused-groups.js';
import type { GroupPlan } from './group-plan.js';
import type { TrainContext } from './train-context.js';

/** A metric on a group's records: the run's ranking metric, and the loss for ties. */
interface GroupMetric {
  value: number;
  loss: number;
}

const packAll = (group: FusedGroup, states: ReadonlyMap<string, ModelState>): GroupState => {
  const state: GroupState = {};
  group.stacks.forEach((stack, i) =>
    packStack(
      i,
      stack.models.map((id) => states.get(id)!),
      state,
    ),
  );
  return state;
};

/**
 * Grouped learning (Kingpin, VLDB 2021) for a MOP run: every model of the job is trained once per data
 * group of the plan, the copies of all groups fused into the model's graph, so one scan of each
 * shard's batch updates every group (MOP across shards and workers as for the shared models, with the
 * same scheduler, transport, checkpoints and retries; its checkpoints live in `groups/`). Then each
 * copy is evaluated on its own group's validation and test records on the main thread, and per group
 * the best (layer, head) is chosen on validation. The shared head compared with is the run's best
 * ungrouped model (`sharedId`, its state in `sharedStates`), evaluated on each group's test records.
 * Successive halving, steering and `--resume` apply to the shared models only.
 */
export async function trainGroupedModels(
  ctx: TrainContext,
  plan: GroupPlan,
  shardRows: readonly number[],
  shared: { id: string; states: ReadonlyMap<string, ModelState> },
): Promise<GroupResults> {
  const { job, prepared } = ctx;
  const G = plan.names.length;
  const dimsOf = (key: string) => prepared.featureSets.find((s) => s.key === key)!.dims;
  const specs: ModelSpec[] = job.models
    .map((m, index) => ({ index, id: `m${index}`, featureSet: m.featureSet, layer: m.layer, head: m.head }))
    .filter((m) => m.head.type !== 'ridge');
  const fused = fuseGroups(specs, {
    workers: ctx.transport.size,
    dims: dimsOf,
    classes: prepared.classes,
    // every head holds G copies and a step reads G batches
    maxGroupBytes: job.maxGroupBytes / G,
  }).map((group) => ({ ...group, groups: plan.names }));
  const states = new Map(
    specs.map((m) => [
      m.id,
      groupedInitialState(
        headArch(m.head),
        dimsOf(m.featureSet),
        prepared.classes,
        job.seed,
        m.id,
        plan.names,
      ),
    ]),
  );
  const groupedCtx: TrainContext = {
    ...ctx,
    runDir: join(ctx.runDir, 'groups'),
    // unit events name fused groups of the shared run's epoch; grouped units report per epoch instead
    sink: (event) => {
      if (event.type !== 'train.unit') ctx.sink(event);
    },
  };
  mkdirSync(checkpointDir(groupedCtx.runDir), { recursive: true });
  for (let epoch = 1; epoch <= job.epochs; epoch++) {
    const trained = await trainEpoch(
      groupedCtx,
      epoch,
      fused,
      (group) => packAll(group, states),
      (group) => groupedHyper(group, (_, head) => learningRate(head, epoch, job.epochs), plan.balanced),
      shardRows,
    );
    for (const group of fused)
      group.stacks.forEach((stack, i) =>
        unpackStack(i, stack.models.length, trained.states[group.id]!).forEach((s, k) =>
          states.set(stack.models[k]!, s),
        ),
      );
    ctx.sink({
      type: 'log',
      level: 'info',
      message: `grouped epoch ${epoch}/${job.epochs}: ${specs.length} models × ${G} groups trained`,
    });
  }
  writeGroupedStates(ctx.runDir, plan.names, states);
  return evaluateGrouped(ctx, plan, fused, states, specs, shared);
}

/** Each feature set's validation and test rows, standardized, split by trained group. */
function readGroupRows(ctx: TrainContext, plan: GroupPlan, featureSet: string) {
  const set = ctx.prepared.featureSets.find((s) => s.key === featureSet)!;
  const store = FeatureStore.open(ctx.job.storeDir, { write: false });
  try {
    const { labels } = store.records();
    const bySplit = (rows: Int32Array) =>
      plan.names.map((_, g) => {
        const own = rows.filter((r) => plan.recordGroup[r] === g);
        const x = standardizeInPlace(
          store.readRows(featureSet, own),
          set.standardization.mean,
          set.standardization.std,
        );
        return labelRows(x, labels, set.dims, own);
      });
    return { val: bySplit(ctx.prepared.rows.val), test: bySplit(ctx.prepared.rows.test) };
  } finally {
    store.close();
  }
}

const metricOf = (confusion: Int32Array, classes: number, metric: RankingMetric) =>
  metric === 'macro_f1' ? macroF1(confusion, classes) : accuracyOf(confusion, classes);

/** Per head of a fused group (graph order), its metric on `rows` with the state `state`. */
async function evaluateOn(
  ctx: TrainContext,
  group: FusedGroup,
  state: GroupState,
  rows: SplitRows,
): Promise<GroupMetric[]> {
  const { classes } = ctx.prepared;
  const heads = group.models.length;
  if (rows.count === 0) return Array.from({ length: heads }, () => ({ value: Number.NaN, loss: Number.NaN }));
  const session = await createHeadSession(
    buildEvalGraph({ dims: rows.dims, classes, stacks: group.stacks.map((s) => s.arch) }),
  );
  try {
    const result = await evaluateRows(session, rows, group.stacks, state, classes);
    return Array.from({ length: heads }, (_, k) => ({
      value: metricOf(
        result.confusion.slice(k * classes * classes, (k + 1) * classes * classes),
        classes,
        ctx.job.metric,
      ),
      loss: result.lossSum[k]! / rows.count,
    }));
  } finally {
    await session.release();
  }
}

const nullable = (v: number) => (Number.isFinite(v) ? v : null);

async function evaluateGrouped(
  ctx: TrainContext,
  plan: GroupPlan,
  fused: readonly FusedGroup[],
  states: ReadonlyMap<string, ModelState>,
  specs: readonly ModelSpec[],
  shared: { id: string; states: ReadonlyMap<string, ModelState> },
): Promise<GroupResults> {
  const G = plan.names.length;
  const rowsBySet = new Map<string, ReturnType<typeof readGroupRows>>();
  const rowsOf = (key: string) => {
    if (!rowsBySet.has(key)) rowsBySet.set(key, readGroupRows(ctx, plan, key));
    return rowsBySet.get(key)!;
  };
  // per model id, per group: validation and test metrics
  const val = new Map<string, GroupMetric[]>();
  const test = new Map<string, GroupMetric[]>();
  for (const group of fused) {
    const packed = packAll(group, states);
    const rows = rowsOf(group.featureSet);
    for (let g = 0; g < G; g++) {
      const slice = packedGroupSlice(packed, g, G);
      const v = await evaluateOn(ctx, group, slice, rows.val[g]!);
      const t = await evaluateOn(ctx, group, slice, rows.test[g]!);
      group.models.forEach((id, k) => {
        if (!val.has(id)) val.set(id, []);
        if (!test.has(id)) test.set(id, []);
        val.get(id)![g] = v[k]!;
        test.get(id)![g] = t[k]!;
      });
    }
  }
  const sharedModel = ctx.job.models[Number(shared.id.slice(1))]!;
  const sharedGroup = fuseGroups(
    [
      {
        index: 0,
        id: shared.id,
        featureSet: sharedModel.featureSet,
        layer: sharedModel.layer,
        head: sharedModel.head,
      },
    ],
    { workers: 1, dims: () => 0, classes: ctx.prepared.classes, maxGroupBytes: Infinity },
  )[0]!;
  const sharedState = packAll(sharedGroup, shared.states);
  const sharedRows = rowsOf(sharedModel.featureSet);
  const heads = ctx.job.models.map((m) => m.head);
  // best first: higher validation metric, then lower validation loss, then model order
  const better = (a: GroupMetric, b: GroupMetric) =>
    (Number.isNaN(b.value) ? -Infinity : b.value) - (Number.isNaN(a.value) ? -Infinity : a.value) ||
    a.loss - b.loss;
  const groups: GroupResults['groups'] = [];
  for (let g = 0; g < G; g++) {
    const ranked = [...specs].sort(
      (a, b) => better(val.get(a.id)![g]!, val.get(b.id)![g]!) || a.index - b.index,
    );
    const best = ranked[0]!;
    const layers = [...new Set(specs.map((m) => m.layer))].map((layer) => {
      const top = ranked.find((m) => m.layer === layer)!;
      return {
        layer,
        id: top.id,
        val: nullable(val.get(top.id)![g]!.value),
        test: nullable(test.get(top.id)![g]!.value),
      };
    });
    const [sharedTest] = await evaluateOn(ctx, sharedGroup, sharedState, sharedRows.test[g]!);
    groups.push({
      name: plan.names[g]!,
      records: plan.records[g]!,
      best: {
        id: best.id,
        layer: best.layer,
        head: headLabel(best.head, heads),
        val: nullable(val.get(best.id)![g]!.value),
        test: nullable(test.get(best.id)![g]!.value),
      },
      layers,
      shared: { id: shared.id, test: nullable(sharedTest!.value) },
    });
  }
  return { minRecords: plan.minRecords, groups, skipped: plan.skipped };
}
