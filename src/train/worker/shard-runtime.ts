import type * as ort from 'onnxruntime-node';
import { archKey } from '../heads/head-arch.js';
import { buildEvalGraph, buildTrainGraph } from '../heads/head-graph.js';
import { buildGroupedTrainGraph } from '../heads/grouped-graph.js';
import { runGroupedTrainUnit } from './grouped-unit.js';
import { createHeadSession } from '../heads/ort-session.js';
import { labelRows, type SplitRows, type UnitRows } from './shard-data.js';
import { standardizeInPlace } from '../heads/standardization.js';
import { readRawShard, type RawShard } from './raw-shard.js';
import { epochOrder } from './sharding.js';
import type { EvalGroup, EvalSplit, FeatureSetInit, GroupRun, ShardInit } from './worker-protocol.js';
import type { GroupState, HyperValues } from '../heads/group-state.js';
import { evaluateRows, runTrainUnit, type EvaluationResult, type TrainUnitResult } from './unit-runner.js';

interface FeatureSetShard {
  init: FeatureSetInit;
  train: SplitRows;
  val: SplitRows;
  test: SplitRows;
  /** this epoch's row order (positions into `train`), shared by every group that visits the shard */
  epochOrder?: { epoch: number; order: Int32Array };
  /** the last epoch a unit read this set, and whether one epoch had two units read it */
  lastRead?: number;
  readTwice?: boolean;
  /**
   * the train rows in an epoch's order, kept once the set has been read twice in one epoch (a group
   * cut into pieces): the epoch's first unit gathers its batches into them, later ones read views
   */
  ordered?: { epoch: number; complete: boolean; x: Float32Array; y: BigInt64Array };
}

/** Sessions for one graph shape; K and B are symbolic, so any heads of these architectures run on them. */
interface GraphSessions {
  train?: ort.InferenceSession;
  eval?: ort.InferenceSession;
}

/** Graph shapes kept warm per worker; runs rarely have more, and a miss only rebuilds a session. */
const SESSION_CACHE = 32;

/** The most bytes a worker spends on reordered copies of its train rows (beyond this it gathers). */
const ORDERED_BYTES = 256 * 1024 * 1024;

/**
 * What a shard worker holds: its rows of every feature set it trains on (read once from the store,
 * which is then closed, and standardized with the train-split statistics) and ONNX Runtime sessions
 * per graph shape, built on first use. Thread-agnostic:
 * the worker thread drives it, and tests drive it in-process for sequential replays.
 */
export class ShardRuntime {
  private readonly sessions = new Map<string, GraphSessions>();
  private readonly cancel: Int32Array | undefined;
  private orderedBytes = 0;

  private constructor(
    readonly init: ShardInit,
    private readonly sets: Map<string, FeatureSetShard>,
  ) {
    this.cancel = init.cancel ? new Int32Array(init.cancel) : undefined;
  }

  static open(init: ShardInit): ShardRuntime {
    return ShardRuntime.fromRaw(readRawShard(init), init);
  }

  /**
   * Standardizes, in place, a shard's rows read earlier (`readRawShard`) with the train split's
   * statistics, now known.
   */
  static fromRaw(raw: RawShard, init: ShardInit): ShardRuntime {
    const sets = new Map<string, FeatureSetShard>();
    for (const set of init.featureSets) {
      const splits = raw.sets.get(set.key);
      if (!splits) throw new Error(`shard ${init.shard} did not read feature set ${set.key}`);
      const split = (values: Float32Array, rows: Int32Array) =>
        labelRows(standardizeInPlace(values, set.mean, set.std), raw.labels, set.dims, rows);
      sets.set(set.key, {
        init: set,
        train: split(splits.train, init.rows.train),
        val: split(splits.val, init.rows.val),
        test: split(splits.test, init.rows.test),
      });
    }
    return new ShardRuntime(init, sets);
  }

  /** The standardized rows of one split of a feature set that this shard holds. */
  rows(key: string, split: 'train' | EvalSplit): SplitRows {
    return this.set(key)[split];
  }

  private set(key: string): FeatureSetShard {
    const set = this.sets.get(key);
    if (!set) throw new Error(`shard ${this.init.shard} does not hold feature set ${key}`);
    return set;
  }

  private rowsFor(set: FeatureSetShard, epoch: number): UnitRows {
    if (set.epochOrder?.epoch !== epoch) {
      const order = epochOrder(this.init.seed, epoch, this.init.shard, set.train.count);
      set.epochOrder = { epoch, order };
    }
    return { ...set.train, order: set.epochOrder.order };
  }

  /**
   * The rows a plain (not grouped) unit reads. Gathering each batch from the epoch's order costs
   * about a tenth of a 4-head step here; when a set is read by several units per epoch (its group
   * cut into pieces), each would pay it again, so once that has happened the set keeps its rows in
   * the epoch's order: the epoch's first unit gathers into them and the others read views, the same
   * batches with the same values (so the same bits). `done` marks the copy whole once that unit ends.
   */
  private unitRows(set: FeatureSetShard, epoch: number): { rows: UnitRows; done: () => void } {
    const noop = () => {};
    const { ordered } = set;
    if (ordered?.epoch === epoch && ordered.complete) {
      const { dims, count } = set.train;
      return { rows: { dims, count, x: ordered.x, y: ordered.y }, done: noop };
    }
    if (set.lastRead === epoch) set.readTwice = true;
    set.lastRead = epoch;
    const rows = this.rowsFor(set, epoch);
    if (!set.readTwice) return { rows, done: noop };
    if (!ordered) {
      const bytes = set.train.x.byteLength + set.train.y.byteLength;
      if (this.orderedBytes + bytes > ORDERED_BYTES) return { rows, done: noop };
      this.orderedBytes += bytes;
      set.ordered = {
        epoch,
        complete: false,
        x: new Float32Array(set.train.x.length),
        y: new BigInt64Array(set.train.y.length),
      };
    }
    const into = set.ordered!;
    into.epoch = epoch;
    into.complete = false;
    return { rows: { ...rows, into }, done: () => (into.complete = true) };
  }

  private async session(group: GroupRun, kind: 'train' | 'eval'): Promise<ort.InferenceSession> {
    const grouped = group.groups && kind === 'train' ? group.groups.length : 0;
    const key = `${group.featureSet}|${group.stacks.map((s) => archKey(s.arch)).join('+')}|${grouped}`;
    let entry = this.sessions.get(key);
    if (entry) this.sessions.delete(key); // re-insert: the map's order is least recently used first
    entry ??= {};
    this.sessions.set(key, entry);
    if (!entry[kind]) {
      const set = this.set(group.featureSet).init;
      // rows are standardized once at load, so the graphs take them as they are
      const spec = { dims: set.dims, classes: this.init.classes, stacks: group.stacks.map((s) => s.arch) };
      entry[kind] = await createHeadSession(
        grouped > 0
          ? buildGroupedTrainGraph({ ...spec, groups: grouped })
          : kind === 'train'
            ? buildTrainGraph(spec)
            : buildEvalGraph(spec),
      );
    }
    await this.evict();
    return entry[kind];
  }

  private async evict(): Promise<void> {
    while (this.sessions.size > SESSION_CACHE) {
      const [key, oldest] = this.sessions.entries().next().value as [string, GraphSessions];
      this.sessions.delete(key);
      await oldest.train?.release();
      await oldest.eval?.release();
    }
  }

  async train(
    epoch: number,
    batchSize: number,
    group: GroupRun,
    state: GroupState,
    hyper: HyperValues,
  ): Promise<TrainUnitResult> {
    const set = this.set(group.featureSet);
    const session = await this.session(group, 'train');
    if (group.groups) {
      if (!this.init.trainGroups)
        throw new Error(`shard ${this.init.shard} was given no data groups for a grouped unit`);
      return runGroupedTrainUnit(
        session,
        this.rowsFor(set, epoch),
        this.init.trainGroups,
        group.groups,
        batchSize,
        group.stacks,
        state,
        hyper,
        {
          seed: this.init.seed,
          epoch,
          shard: this.init.shard,
          ...(this.cancel ? { cancel: this.cancel } : {}),
        },
      );
    }
    const { rows, done } = this.unitRows(set, epoch);
    const result = await runTrainUnit(session, rows, batchSize, group.stacks, state, hyper, {
      seed: this.init.seed,
      epoch,
      shard: this.init.shard,
      ...(this.cancel ? { cancel: this.cancel } : {}),
    });
    done();
    return result;
  }

  async evaluate(split: EvalSplit, groups: readonly EvalGroup[]): Promise<EvaluationResult[]> {
    const results: EvaluationResult[] = [];
    for (const group of groups) {
      const session = await this.session(group, 'eval');
      results.push(
        await evaluateRows(
          session,
          this.set(group.featureSet)[split],
          group.stacks,
          group.state,
          this.init.classes,
        ),
      );
    }
    return results;
  }

  async release(): Promise<void> {
    for (const entry of this.sessions.values()) {
      await entry.train?.release();
      await entry.eval?.release();
    }
    this.sessions.clear();
  }
}
