import { afterAll, describe, expect, it } from 'vitest';
import type * as ort from 'onnxruntime-node';
import { Rng } from '../../src/core/random.js';
import { DropoutMasks } from '../../src/train/heads/dropout-masks.js';
import { fuseGroups, type FusedGroup, type ModelSpec } from '../../src/train/mop/fused-groups.js';
import { groupHyper } from '../../src/train/heads/group-hyper.js';
import type { GroupState } from '../../src/train/heads/group-state.js';
import { headArch } from '../../src/train/heads/head-arch.js';
import { resolveHead, type HeadConfig } from '../../src/train/heads/head-config.js';
import { balancedClassWeights } from '../../src/train/heads/group-hyper.js';
import { buildEvalGraph, buildTrainGraph } from '../../src/train/heads/head-graph.js';
import {
  initialModelState,
  packStack,
  unpackStack,
  type ModelState,
} from '../../src/train/heads/head-state.js';
import { createHeadSession } from '../../src/train/heads/ort-session.js';
import { referenceStep, type ReferenceState } from '../../src/train/heads/reference-head.js';
import { evaluateRows, runTrainUnit } from '../../src/train/worker/unit-runner.js';
import {
  C,
  graphSpec,
  hyperOf,
  modelsOf,
  oneGroup,
  packGroup,
  problem,
  randomModelState,
  VARIED_HEADS,
} from './head-fixtures.js';
import { sameBits } from './same-bits.js';

const sessions: ort.InferenceSession[] = [];
afterAll(async () => {
  for (const s of sessions) await s.release();
});
async function session(bytes: Uint8Array): Promise<ort.InferenceSession> {
  const s = await createHeadSession(bytes);
  sessions.push(s);
  return s;
}

const toReference = (state: ModelState): ReferenceState =>
  Object.fromEntries(Object.entries(state).map(([n, t]) => [n, Float64Array.from(t.data)]));

/** Largest difference, relative to the value's size where it exceeds 1 (float32 rounding scales with it). */
function worstDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++)
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!)));
  return worst;
}

const stackOf = (group: FusedGroup) =>
  group.stacks.map((s) => ({ arch: s.arch, models: s.models, dropout: s.heads.map((h) => h.dropout) }));

describe('fused head training graph', () => {
  const { rng, mean, std, rows } = problem(42);
  const models = modelsOf(VARIED_HEADS);
  const group = oneGroup(models);
  const labels = Array.from({ length: 40 }, () => rng.int(C));
  const balanced = balancedClassWeights(labels, C);
  const seed = 9;

  it('fuses every architecture and optimizer of a (feature set, batch size) into one graph', () => {
    expect(group.stacks.map((s) => [s.arch.hidden, s.arch.optimizer, s.arch.dropout])).toEqual([
      [[], 'sgd', false],
      [[], 'adam', false],
      [[5], 'sgd', false],
      [[6, 4], 'adam', true],
      [[6, 4], 'adam', false],
      [[8], 'sgd', true],
    ]);
    expect(group.models).toHaveLength(VARIED_HEADS.length);
  });

  it('matches the pure-TS float64 reference of every head to 1e-6 over several steps', async () => {
    const train = await session(buildTrainGraph(graphSpec(group, mean, std)));
    const states = new Map(models.map((m) => [m.id, randomModelState(m.head, seed, m.id, rng)]));
    let reference = new Map(models.map((m) => [m.id, toReference(states.get(m.id)!)]));
    let state = packGroup(group, states);
    const hyper = hyperOf(group, balanced);
    const context = { seed, epoch: 2, shard: 1 };
    let worst = 0;
    for (let step = 0; step < 4; step++) {
      const batch = rows(12);
      const result = await runTrainUnit(train, batch, 12, stackOf(group), state, hyper, context);
      expect(result.steps).toBe(1);
      const y = Array.from(batch.y, Number);
      const next = new Map<string, ReferenceState>();
      // each unit draws its dropout masks from fresh per-head streams; draw the same ones here
      const masks = group.stacks.map((s) =>
        s.arch.dropout
          ? new DropoutMasks(
              seed,
              s.models,
              s.heads.map((h) => h.dropout),
              2,
              1,
            )
          : undefined,
      );
      let k = 0;
      group.stacks.forEach((stack, i) => {
        const stepMasks = masks[i]?.next(12, stack.arch.hidden);
        const actual = unpackStack(i, stack.models.length, result.state);
        stack.models.forEach((id, j) => {
          const head = stack.heads[j]!;
          const headMasks = stepMasks?.map((m) =>
            m.subarray(j * (m.length / stack.models.length), (j + 1) * (m.length / stack.models.length)),
          );
          const expected = referenceStep(
            { dims: 7, classes: C, mean, std },
            stack.arch,
            batch.x,
            y,
            reference.get(id)!,
            {
              lr: head.lr,
              l2: head.l2,
              momentum: head.momentum,
              classWeights: Array.from({ length: C }, (_, c) =>
                head.classWeight === 'balanced' ? balanced[c]! : 1,
              ),
            },
            headMasks,
          );
          for (const [name, t] of Object.entries(actual[j]!))
            worst = Math.max(worst, worstDifference(t.data, expected.state[name]!));
          worst = Math.max(worst, worstDifference([result.lossSum[k]!], [expected.loss]));
          expect(result.correct[k]).toBe(expected.correct);
          next.set(id, expected.state);
          k++;
        });
      });
      reference = next;
      state = result.state;
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('gives each head exactly what training it alone gives (fusion changes nothing)', async () => {
    const train = await session(buildTrainGraph(graphSpec(group, mean, std)));
    const states = new Map(models.map((m) => [m.id, randomModelState(m.head, seed, m.id, rng)]));
    const data = rows(50);
    const context = { seed, epoch: 1, shard: 0 };
    const fused = await runTrainUnit(
      train,
      data,
      8,
      stackOf(group),
      packGroup(group, states),
      hyperOf(group, balanced),
      context,
    );
    let k = 0;
    for (const [i, stack] of group.stacks.entries()) {
      const fusedHeads = unpackStack(i, stack.models.length, fused.state);
      for (const [j, id] of stack.models.entries()) {
        const alone = oneGroup(models.filter((m) => m.id === id));
        const aloneSession = await session(buildTrainGraph(graphSpec(alone, mean, std)));
        const result = await runTrainUnit(
          aloneSession,
          data,
          8,
          stackOf(alone),
          packGroup(alone, states),
          hyperOf(alone, balanced),
          context,
        );
        const [aloneState] = unpackStack(0, 1, result.state);
        for (const [name, t] of Object.entries(aloneState!))
          expect(t.data).toEqual(fusedHeads[j]![name]!.data);
        expect(result.lossSum[0]).toBe(fused.lossSum[k]);
        expect(result.steps).toBe(7); // 50 rows in batches of 8: the last batch has 2
        k++;
      }
    }
  });

  it('evaluates loss, accuracy and confusion like the reference forward pass', async () => {
    const evaluate = await session(buildEvalGraph(graphSpec(group, mean, std)));
    const states = new Map(models.map((m) => [m.id, randomModelState(m.head, seed, m.id, rng)]));
    const data = rows(30);
    const result = await evaluateRows(evaluate, data, group.stacks, packGroup(group, states), C, 7);
    expect(result.count).toBe(30);
    let k = 0;
    for (const stack of group.stacks) {
      for (const id of stack.models) {
        // the reference step's loss and hits are those of its forward pass; evaluation is unweighted, without dropout
        const arch = { ...stack.arch, dropout: false };
        const ones = new Array<number>(C).fill(1);
        const expected = referenceStep(
          { dims: 7, classes: C, mean, std },
          arch,
          data.x,
          Array.from(data.y, Number),
          toReference(states.get(id)!),
          {
            lr: 0,
            l2: 0,
            momentum: 0,
            classWeights: ones,
          },
        );
        expect(Math.abs(result.lossSum[k]! / 30 - expected.loss)).toBeLessThan(1e-6);
        expect(result.correct[k]).toBe(expected.correct);
        const matrix = result.confusion.subarray(k * C * C, (k + 1) * C * C);
        expect(matrix.reduce((a, b) => a + b, 0)).toBe(30);
        let diagonal = 0;
        for (let c = 0; c < C; c++) diagonal += matrix[c * C + c]!;
        expect(diagonal).toBe(expected.correct);
        k++;
      }
    }
  });
});

describe('fusion at a realistic size', () => {
  it('16 logistic-regression and 4 MLP heads on a 512-wide layer: each fused head equals it alone, bit for bit', async () => {
    const dims = 512;
    const classes = 10;
    const rng = new Rng(3);
    const rows = {
      dims,
      count: 128,
      x: Float32Array.from({ length: 128 * dims }, () => rng.normal()),
      y: BigInt64Array.from({ length: 128 }, () => BigInt(rng.int(classes))),
    };
    const heads: HeadConfig[] = [
      ...Array.from({ length: 16 }, (_, i): HeadConfig => ({
        type: 'linear',
        lr: 0.01 * (i + 1),
        l2: 1e-4,
        batchSize: 64,
        momentum: 0.9,
        optimizer: 'sgd',
      })),
      ...Array.from({ length: 4 }, (_, i): HeadConfig => ({
        type: 'mlp',
        hidden: [64],
        lr: 1e-3 * (i + 1),
        l2: 0,
        batchSize: 64,
        momentum: 0,
        optimizer: 'adam',
        dropout: 0.1,
      })),
    ];
    const models: ModelSpec[] = heads.map((head, i) => ({
      index: i,
      id: `m${i}`,
      featureSet: 's',
      layer: 'l',
      head: resolveHead(head),
    }));
    const fusion = { workers: 1, dims: () => dims, classes, maxGroupBytes: Infinity };
    const spec = (group: FusedGroup) => ({
      dims,
      classes,
      mean: new Float32Array(dims),
      std: new Float32Array(dims).fill(1),
      stacks: group.stacks.map((s) => s.arch),
    });
    // one session per graph shape (every lone linear head shares one)
    const graphs = new Map<string, Promise<ort.InferenceSession>>();
    const graphFor = (group: FusedGroup) => {
      const key = JSON.stringify(group.stacks.map((s) => s.arch));
      if (!graphs.has(key)) graphs.set(key, session(buildTrainGraph(spec(group))));
      return graphs.get(key)!;
    };
    const states = new Map(
      models.map((m) => [m.id, initialModelState(headArch(m.head), dims, classes, 1, m.id)]),
    );
    const unit = async (group: FusedGroup) => {
      const state: GroupState = {};
      group.stacks.forEach((s, i) =>
        packStack(
          i,
          s.models.map((id) => states.get(id)!),
          state,
        ),
      );
      const result = await runTrainUnit(
        await graphFor(group),
        rows,
        64,
        stackOf(group),
        state,
        groupHyper(group, (_, h) => h.lr, new Float32Array(classes).fill(1)),
        { seed: 1, epoch: 1, shard: 0 },
      );
      return new Map(
        group.stacks.flatMap((s, i) =>
          unpackStack(i, s.models.length, result.state).map((m, k) => [s.models[k]!, m] as const),
        ),
      );
    };
    const [fused] = fuseGroups(models, fusion);
    const together = await unit(fused!);
    for (const model of models) {
      const alone = await unit(fuseGroups([model], fusion)[0]!);
      for (const [name, t] of Object.entries(alone.get(model.id)!))
        expect(sameBits(t.data, together.get(model.id)![name]!.data), `${model.id} ${name}`).toBe(true);
    }
  });
});
