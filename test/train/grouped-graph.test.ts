import { afterAll, describe, expect, it } from 'vitest';
import type * as ort from 'onnxruntime-node';
import { Rng } from '../../src/core/random.js';
import { balancedClassWeights, groupHyper } from '../../src/train/heads/group-hyper.js';
import type { GroupState } from '../../src/train/heads/group-state.js';
import { buildGroupedTrainGraph } from '../../src/train/heads/grouped-graph.js';
import {
  groupedHyper,
  groupedInitialState,
  groupedModelId,
  packedGroupSlice,
} from '../../src/train/heads/grouped-state.js';
import { headArch } from '../../src/train/heads/head-arch.js';
import { buildTrainGraph } from '../../src/train/heads/head-graph.js';
import { initialModelState, packStack } from '../../src/train/heads/head-state.js';
import { createHeadSession } from '../../src/train/heads/ort-session.js';
import type { FusedGroup } from '../../src/train/mop/fused-groups.js';
import { runGroupedTrainUnit } from '../../src/train/worker/grouped-unit.js';
import type { UnitRows } from '../../src/train/worker/shard-data.js';
import { runTrainUnit } from '../../src/train/worker/unit-runner.js';
import { C, D, modelsOf, oneGroup, VARIED_HEADS } from './head-fixtures.js';

const sessions: ort.InferenceSession[] = [];
afterAll(async () => {
  for (const s of sessions) await s.release();
});
async function session(bytes: Uint8Array): Promise<ort.InferenceSession> {
  const s = await createHeadSession(bytes);
  sessions.push(s);
  return s;
}

const GROUPS = ['north', 'south', 'east'];
const seed = 11;
const BATCH = 12;

/** Standardized rows, a group per row (some in no group), and an epoch order over them. */
function groupedProblem(n: number) {
  const rng = new Rng(5);
  const rows: UnitRows = {
    dims: D,
    count: n,
    x: Float32Array.from({ length: n * D }, () => rng.normal()),
    y: BigInt64Array.from({ length: n }, () => BigInt(rng.int(C))),
  };
  // uneven groups (the east group runs out of batches first); every 13th row has no group
  const groupOf = Int32Array.from({ length: n }, (_, i) =>
    i % 13 === 0 ? -1 : rng.int(5) < 3 ? 0 : rng.int(2) + 1,
  );
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return { rows: { ...rows, order }, groupOf };
}

/** The rows of group g in the unit's order, gathered as that group's own training set. */
function groupRows(rows: UnitRows, groupOf: Int32Array, g: number): UnitRows {
  const picked = Array.from(rows.order!).filter((at) => groupOf[at] === g);
  const x = new Float32Array(picked.length * D);
  picked.forEach((at, i) => x.set(rows.x.subarray(at * D, (at + 1) * D), i * D));
  return { dims: D, count: picked.length, x, y: BigInt64Array.from(picked, (at) => rows.y[at]!) };
}

const stacksOf = (group: FusedGroup, suffix?: string) =>
  group.stacks.map((s) => ({
    arch: s.arch,
    models: suffix === undefined ? s.models : s.models.map((id) => groupedModelId(id, suffix)),
    dropout: s.heads.map((h) => h.dropout),
  }));

function worstDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('grouped head training (one scan for every group)', () => {
  const models = modelsOf(VARIED_HEADS);
  const group = oneGroup(models);
  const { rows, groupOf } = groupedProblem(170);
  const labelsOf = (g: number) => Array.from(groupRows(rows, groupOf, g).y, Number);
  const balanced = GROUPS.map((_, g) => balancedClassWeights(labelsOf(g), C));

  it('gives every group the weights of training it alone on its own rows in the same order', async () => {
    const grouped = await session(
      buildGroupedTrainGraph({
        dims: D,
        classes: C,
        groups: GROUPS.length,
        stacks: group.stacks.map((s) => s.arch),
      }),
    );
    let state: GroupState = {};
    group.stacks.forEach((stack, i) =>
      packStack(
        i,
        stack.heads.map((h, k) => groupedInitialState(headArch(h), D, C, seed, stack.models[k]!, GROUPS)),
        state,
      ),
    );
    const hyper = groupedHyper(group, (_, h) => h.lr, balanced);
    // two units (two epochs' visits of this shard), so state carried between units is checked too
    const results = [];
    for (const epoch of [1, 2]) {
      const result = await runGroupedTrainUnit(
        grouped,
        rows,
        groupOf,
        GROUPS,
        BATCH,
        stacksOf(group),
        state,
        hyper,
        { seed, epoch, shard: 0 },
      );
      results.push(result);
      state = result.state;
    }

    const alone = await session(
      buildTrainGraph({ dims: D, classes: C, stacks: group.stacks.map((s) => s.arch) }),
    );
    let worst = 0;
    for (const [g, name] of GROUPS.entries()) {
      const own = groupRows(rows, groupOf, g);
      let aloneState: GroupState = {};
      group.stacks.forEach((stack, i) =>
        packStack(
          i,
          stack.heads.map((h, k) =>
            initialModelState(headArch(h), D, C, seed, groupedModelId(stack.models[k]!, name)),
          ),
          aloneState,
        ),
      );
      const hyperAlone = groupHyper(group, (_, h) => h.lr, balanced[g]!);
      let lastLoss: Float64Array | undefined;
      for (const epoch of [1, 2]) {
        const result = await runTrainUnit(alone, own, BATCH, stacksOf(group, name), aloneState, hyperAlone, {
          seed,
          epoch,
          shard: 0,
        });
        aloneState = result.state;
        lastLoss = result.lossSum;
        expect(results[epoch - 1]!.groupSteps[g]).toBe(result.steps);
        expect(results[epoch - 1]!.groupExamples[g]).toBe(own.count);
      }
      const slice = packedGroupSlice(state, g, GROUPS.length);
      for (const [tensor, t] of Object.entries(aloneState))
        worst = Math.max(worst, worstDifference(slice[tensor]!.data, t.data));
      const heads = group.models.length;
      for (let k = 0; k < heads; k++)
        expect(results[1]!.lossSum[k * GROUPS.length + g]).toBeCloseTo(lastLoss![k]!, 5);
    }
    if (process.env.SHOW_WORST) console.log(`worst difference ${worst}`);
    expect(worst).toBeLessThanOrEqual(1e-6);
  });

  it('leaves a group with no rows exactly as it was', async () => {
    const grouped = await session(
      buildGroupedTrainGraph({ dims: D, classes: C, groups: 4, stacks: group.stacks.map((s) => s.arch) }),
    );
    const names = [...GROUPS, 'empty'];
    const state: GroupState = {};
    group.stacks.forEach((stack, i) =>
      packStack(
        i,
        stack.heads.map((h, k) => groupedInitialState(headArch(h), D, C, seed, stack.models[k]!, names)),
        state,
      ),
    );
    const hyper = groupedHyper(group, (_, h) => h.lr, [...balanced, balanced[0]!]);
    const result = await runGroupedTrainUnit(
      grouped,
      rows,
      groupOf,
      names,
      BATCH,
      stacksOf(group),
      state,
      hyper,
      {
        seed,
        epoch: 1,
        shard: 0,
      },
    );
    expect(result.groupSteps[3]).toBe(0);
    const before = packedGroupSlice(state, 3, 4);
    const after = packedGroupSlice(result.state, 3, 4);
    for (const [name, t] of Object.entries(before)) expect(after[name]!.data).toEqual(t.data);
  });
});
