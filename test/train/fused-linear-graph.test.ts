import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as ort from 'onnxruntime-node';
import { Rng } from '../../src/core/random.js';
import {
  buildFusedLinearTrainGraph,
  buildLinearEvalGraph,
  type LinearGraphSpec,
} from '../../src/train/fused-linear-graph.js';
import type { GroupState } from '../../src/train/group-state.js';
import { createHeadSession } from '../../src/train/ort-session.js';
import { referenceLinearStep, type ReferenceLinearState } from '../../src/train/reference-linear.js';
import type { SplitRows } from '../../src/train/shard-data.js';
import { evaluateRows, runTrainUnit } from '../../src/train/unit-runner.js';

const D = 7;
const C = 4;
const B = 12;
const rng = new Rng(42);
const randoms = (n: number, scale = 1) => Float32Array.from({ length: n }, () => rng.normal() * scale);

const spec: LinearGraphSpec = {
  dims: D,
  classes: C,
  mean: randoms(D),
  std: Float32Array.from({ length: D }, () => 0.5 + rng.next()),
};
const hyper = {
  lr: Float32Array.from([0.5, 0.05, 0.2]),
  l2: Float32Array.from([0, 1e-2, 1e-3]),
  momentum: Float32Array.from([0, 0.9, 0.5]),
};
const K = hyper.lr.length;

function batch(n: number): SplitRows {
  const x = randoms(n * D, 2);
  const y = BigInt64Array.from({ length: n }, () => BigInt(rng.int(C)));
  return { dims: D, count: n, x, y };
}

function randomState(heads: number): GroupState {
  return {
    W: { dims: [heads, D, C], data: randoms(heads * D * C, 0.3) },
    b: { dims: [heads, C], data: randoms(heads * C, 0.3) },
    vW: { dims: [heads, D, C], data: randoms(heads * D * C, 0.1) },
    vb: { dims: [heads, C], data: randoms(heads * C, 0.1) },
  };
}

const toReference = (s: GroupState): ReferenceLinearState => ({
  W: Float64Array.from(s.W!.data),
  b: Float64Array.from(s.b!.data),
  vW: Float64Array.from(s.vW!.data),
  vb: Float64Array.from(s.vb!.data),
});

/** One head's slice of a fused state or hyper-parameter set. */
function headSlice(state: GroupState, k: number): GroupState {
  const out: GroupState = {};
  for (const [name, t] of Object.entries(state)) {
    const size = t.data.length / t.dims[0]!;
    out[name] = { dims: [1, ...t.dims.slice(1)], data: t.data.slice(k * size, (k + 1) * size) };
  }
  return out;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThan(tolerance);
}

describe('fused linear training step', () => {
  let trainSession: ort.InferenceSession;
  let evalSession: ort.InferenceSession;
  beforeAll(async () => {
    trainSession = await createHeadSession(buildFusedLinearTrainGraph(spec));
    evalSession = await createHeadSession(buildLinearEvalGraph(spec));
  });
  afterAll(async () => {
    await trainSession.release();
    await evalSession.release();
  });

  it('matches the pure-TS reference for 3 heads with different lr, l2 and momentum', async () => {
    let state = randomState(K);
    for (let step = 0; step < 4; step++) {
      const rows = batch(B);
      const expected = referenceLinearStep(
        spec,
        rows.x,
        Array.from(rows.y, Number),
        toReference(state),
        hyper,
      );
      const result = await runTrainUnit(trainSession, rows, B, state, hyper);
      expect(result.steps).toBe(1);
      for (const name of ['W', 'b', 'vW', 'vb'] as const)
        expectClose(result.state[name]!.data, expected.state[name], 1e-6);
      expectClose(result.lossSum, expected.loss, 1e-6);
      expect(Array.from(result.correct)).toEqual(Array.from(expected.correct));
      state = result.state;
    }
  });

  it('gives each head exactly what training it alone gives (fusion changes nothing)', async () => {
    const start = randomState(K);
    const rows = batch(50);
    const fused = await runTrainUnit(trainSession, rows, 8, start, hyper);
    for (let k = 0; k < K; k++) {
      const alone = await runTrainUnit(trainSession, rows, 8, headSlice(start, k), {
        lr: hyper.lr.slice(k, k + 1),
        l2: hyper.l2.slice(k, k + 1),
        momentum: hyper.momentum.slice(k, k + 1),
      });
      const fusedHead = headSlice(fused.state, k);
      for (const name of ['W', 'b', 'vW', 'vb'])
        expect(alone.state[name]!.data).toEqual(fusedHead[name]!.data);
      expect(alone.lossSum[0]).toBe(fused.lossSum[k]);
      expect(alone.steps).toBe(7); // 50 rows in batches of 8: the last batch has 2
    }
  });

  it('evaluates loss, accuracy and predictions like the reference forward pass', async () => {
    const state = randomState(K);
    const rows = batch(30);
    const result = await evaluateRows(evalSession, rows, state, C, { confusion: true, chunk: 7 });
    // The reference step reports the mean loss and correct count of the same forward pass.
    const expected = referenceLinearStep(spec, rows.x, Array.from(rows.y, Number), toReference(state), hyper);
    expectClose(
      Array.from(result.lossSum, (v) => v / rows.count),
      expected.loss,
      1e-6,
    );
    expect(Array.from(result.correct)).toEqual(Array.from(expected.correct));
    expect(result.count).toBe(30);
    for (let k = 0; k < K; k++) {
      const matrix = result.confusion!.subarray(k * C * C, (k + 1) * C * C);
      expect(matrix.reduce((a, b) => a + b, 0)).toBe(30);
      let diagonal = 0;
      for (let c = 0; c < C; c++) diagonal += matrix[c * C + c]!;
      expect(diagonal).toBe(expected.correct[k]);
    }
  });
});
