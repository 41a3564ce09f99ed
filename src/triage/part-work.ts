import type { FeatureStore } from '../store/feature-store.js';
import type { Moments } from './moments.js';
import { partMoments, partScalingSums } from './part-pass.js';
import { randomProjection, type Projection } from './project.js';
import type { Scaling, ScalingSums } from './read-moments.js';

/**
 * Triage reads a feature set's train rows in fixed parts of PART_ROWS rows, each scored on its own
 * (its scaling sums, then its moments) and the parts' results added in part order. The parts do not
 * depend on how many threads run them, so the scores are bit for bit the same on 1 thread or 16.
 */
export const PART_ROWS = 4096;

/** The rows of `rows` in parts of PART_ROWS (copies: a view would post its whole buffer to a thread). */
export const partsOf = (rows: Int32Array): Int32Array[] =>
  Array.from({ length: Math.ceil(rows.length / PART_ROWS) }, (_, p) =>
    rows.slice(p * PART_ROWS, Math.min(rows.length, (p + 1) * PART_ROWS)),
  );

interface PartOf {
  /** the set's index in the request, and the part's within the set */
  set: number;
  part: number;
  key: string;
  dims: number;
  rows: Int32Array;
}

/** The scaling pass over a part. */
export interface ScalingTask extends PartOf {
  kind: 'scaling';
  shift: Float64Array;
}

/** The moments pass over a part, scaled and projected to `to` dimensions (seeded). */
export interface MomentsTask extends PartOf {
  kind: 'moments';
  scaling: Scaling;
  to: number;
  seed: number;
  classes: number;
  withClassGrams: boolean;
}

export type PartTask = ScalingTask | MomentsTask;

export type PartReply =
  | { kind: 'scaling'; set: number; part: number; sums: ScalingSums }
  | { kind: 'moments'; set: number; part: number; moments: Moments }
  | { kind: 'failed'; message: string };

/**
 * Runs part tasks against one open store, in this thread or in a triage thread. Each pass reads the
 * part's batches from the store again: a batch is one copy out of LMDB's memory map, cheaper than
 * holding a large set's rows between the passes.
 */
export class PartWork {
  private readonly projections = new Map<string, Projection>();

  constructor(
    private readonly store: FeatureStore,
    private readonly labels: ArrayLike<number>,
  ) {}

  run(task: PartTask): PartReply {
    if (task.kind === 'scaling') {
      const sums = partScalingSums(this.store, task.key, task.rows, task.shift);
      return { kind: 'scaling', set: task.set, part: task.part, sums };
    }
    const transform = { scaling: task.scaling, projection: this.projection(task.dims, task.to, task.seed) };
    const moments = partMoments(
      this.store,
      task.key,
      task.rows,
      this.labels,
      task.classes,
      transform,
      task.withClassGrams,
    );
    return { kind: 'moments', set: task.set, part: task.part, moments };
  }

  /** The seeded projection, made once per shape (it is the same for every part of a set). */
  projection(from: number, to: number, seed: number): Projection {
    const id = `${from}x${to}/${seed}`;
    let projection = this.projections.get(id);
    if (!projection) {
      projection = randomProjection(from, to, seed);
      this.projections.set(id, projection);
    }
    return projection;
  }
}

/** The buffers a reply holds, moved rather than copied when it is posted to another thread. */
export function replyBuffers(reply: PartReply): ArrayBuffer[] {
  const arrays =
    reply.kind === 'scaling'
      ? [reply.sums.sum, reply.sums.squares]
      : reply.kind === 'moments'
        ? [
            reply.moments.gram,
            reply.moments.sum,
            reply.moments.classCounts,
            reply.moments.classSums,
            ...(reply.moments.classGrams ?? []),
          ]
        : [];
  return arrays.map((a) => a.buffer as ArrayBuffer);
}
