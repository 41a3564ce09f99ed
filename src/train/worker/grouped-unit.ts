import { interrupted } from '../../core/errors.js';
import { DropoutMasks } from '../heads/dropout-masks.js';
import { stackPrefix } from '../heads/head-graph-forward.js';
import { groupedModelId } from '../heads/grouped-state.js';
import { ort, outputOf } from '../heads/ort-session.js';
import type { GroupState, HyperValues } from '../heads/group-state.js';
import { nextName } from '../heads/group-state.js';
import type { UnitRows } from './shard-data.js';
import type { TrainUnitResult, UnitContext, UnitStack } from './unit-runner.js';

/** A grouped unit's outcome: per (head, group) sums, head-major (k · G + g), and per group its steps. */
export interface GroupedUnitResult extends TrainUnitResult {
  groupSteps: Float64Array;
  groupExamples: Float64Array;
}

/** Positions (into the unit's rows) of each group's rows, in the order the unit reads them. */
export function rowsByGroup(rows: UnitRows, groupOf: Int32Array, groups: number): Int32Array[] {
  const lists: number[][] = Array.from({ length: groups }, () => []);
  for (let i = 0; i < rows.count; i++) {
    const at = rows.order ? rows.order[i]! : i;
    const g = groupOf[at]!;
    if (g >= 0 && g < groups) lists[g]!.push(at);
  }
  return lists.map((l) => Int32Array.from(l));
}

const tensorOf = (t: { dims: number[]; data: Float32Array }) => new ort.Tensor('float32', t.data, t.dims);

/**
 * One MOP unit of a grouped fused group (Kingpin's grouped learning, VLDB 2021): one scan of the
 * shard's rows in this epoch's order, in which step t gives every group its t-th mini-batch of its own
 * rows, so a group's heads see exactly the batches they would see trained alone on that group's rows
 * in the same order. The batches of all groups go through one graph run ([G, B, D], padded); a group
 * whose rows have run out keeps its state (the graph's gate).
 * `groupOf[i]` is the group of row i of `rows` (−1: none, skipped).
 */
export async function runGroupedTrainUnit(
  session: ort.InferenceSession,
  rows: UnitRows,
  groupOf: Int32Array,
  groupNames: readonly string[],
  batchSize: number,
  stacks: readonly UnitStack[],
  state: GroupState,
  hyper: HyperValues,
  context: UnitContext,
): Promise<GroupedUnitResult> {
  const { dims } = rows;
  const G = groupNames.length;
  const lists = rowsByGroup(rows, groupOf, G);
  const steps = Math.max(0, ...lists.map((l) => Math.ceil(l.length / batchSize)));
  const heads = stacks.reduce((n, s) => n + s.models.length, 0);
  const fixed: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(hyper)) fixed[name] = tensorOf(t);
  const current: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(state)) current[name] = tensorOf(t);
  // per stack, per group: the streams of each (model, group) pair, seeded as the pair trained alone
  const masks = stacks.map((s) =>
    s.arch.dropout
      ? groupNames.map(
          (name) =>
            new DropoutMasks(
              context.seed,
              s.models.map((id) => groupedModelId(id, name)),
              s.dropout,
              context.epoch,
              context.shard,
            ),
        )
      : undefined,
  );

  const lossSum = new Float64Array(heads * G);
  const correct = new Float64Array(heads * G);
  const groupSteps = new Float64Array(G);
  const groupExamples = new Float64Array(G);
  let examples = 0;
  for (let t = 0; t < steps; t++) {
    if (context.cancel && Atomics.load(context.cancel, 0) !== 0) throw interrupted();
    const counts = lists.map((l) => Math.max(0, Math.min(batchSize, l.length - t * batchSize)));
    const width = Math.max(...counts); // the step's padded batch: the largest group batch
    const x = new Float32Array(G * width * dims);
    const y = new BigInt64Array(G * width);
    const rowWeight = new Float32Array(G * width);
    lists.forEach((list, g) => {
      for (let i = 0; i < counts[g]!; i++) {
        const at = list[t * batchSize + i]!;
        x.set(rows.x.subarray(at * dims, (at + 1) * dims), (g * width + i) * dims);
        y[g * width + i] = rows.y[at]!;
        rowWeight[g * width + i] = 1;
      }
    });
    const feeds: Record<string, ort.Tensor> = {
      ...fixed,
      ...current,
      X: new ort.Tensor('float32', x, [G, width, dims]),
      y: new ort.Tensor('int64', y, [G, width]),
      rowWeight: new ort.Tensor('float32', rowWeight, [G, width]),
      count: new ort.Tensor('float32', Float32Array.from(counts), [G]),
    };
    stacks.forEach((stack, i) => {
      const streams = masks[i];
      if (!streams) return;
      const K = stack.models.length;
      const layers = stack.arch.hidden.map((units) => new Float32Array(K * G * width * units));
      streams.forEach((stream, g) => {
        if (counts[g] === 0) return;
        stream.next(counts[g]!, stack.arch.hidden).forEach((mask, l) => {
          const units = stack.arch.hidden[l]!;
          const size = counts[g]! * units;
          for (let k = 0; k < K; k++)
            layers[l]!.set(mask.subarray(k * size, (k + 1) * size), (k * G + g) * width * units);
        });
      });
      layers.forEach((mask, l) => {
        feeds[`${stackPrefix(i)}mask${l}`] = new ort.Tensor('float32', mask, [
          K,
          G,
          width,
          stack.arch.hidden[l]!,
        ]);
      });
    });
    const outputs = await session.run(feeds);
    for (const name of Object.keys(state)) current[name] = outputOf(outputs, nextName(name));
    let k = 0;
    stacks.forEach((stack, i) => {
      const loss = outputOf(outputs, `${stackPrefix(i)}loss`).data as Float32Array;
      const hits = outputOf(outputs, `${stackPrefix(i)}correct`).data as Float32Array;
      for (let j = 0; j < stack.models.length; j++, k++)
        for (let g = 0; g < G; g++) {
          if (counts[g] === 0) continue;
          lossSum[k * G + g] = lossSum[k * G + g]! + loss[j * G + g]!;
          correct[k * G + g] = correct[k * G + g]! + hits[j * G + g]!;
        }
    });
    counts.forEach((n, g) => {
      if (n === 0) return;
      groupSteps[g] = groupSteps[g]! + 1;
      groupExamples[g] = groupExamples[g]! + n;
      examples += n;
    });
  }
  const next: GroupState = {};
  for (const [name, t] of Object.entries(state))
    next[name] = { dims: t.dims, data: (current[name]!.data as Float32Array).slice() };
  return { state: next, lossSum, correct, steps, examples, groupSteps, groupExamples };
}
