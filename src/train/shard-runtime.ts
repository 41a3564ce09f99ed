import type * as ort from 'onnxruntime-node';
import { FeatureStore } from '../store/feature-store.js';
import { createHeadSession } from './ort-session.js';
import { labelRows, reorderRows, type SplitRows } from './shard-data.js';
import { epochOrder } from './sharding.js';
import type { EvalGroup, EvalSplit, ShardInit } from './worker-protocol.js';
import type { GroupState, HyperValues } from './group-state.js';
import { evaluateRows, runTrainUnit, type EvaluationResult, type TrainUnitResult } from './unit-runner.js';

interface FeatureSetShard {
  train: SplitRows;
  val: SplitRows;
  test: SplitRows;
  trainSession: ort.InferenceSession;
  evalSession: ort.InferenceSession;
  /** this epoch's row order, shared by every group that visits the shard in the epoch */
  epochRows?: { epoch: number; rows: SplitRows };
}

/**
 * What a shard worker holds: its rows of every feature set it trains on (read once from the store,
 * which is then closed) and one training and one evaluation session per feature set (K and B are
 * symbolic, so any fused group and batch size runs on them). Thread-agnostic: the worker thread
 * drives it, and tests drive it in-process for sequential replays.
 */
export class ShardRuntime {
  private constructor(
    readonly init: ShardInit,
    private readonly sets: Map<string, FeatureSetShard>,
  ) {}

  static async open(init: ShardInit): Promise<ShardRuntime> {
    const store = FeatureStore.open(init.storeDir, { write: false });
    const sets = new Map<string, FeatureSetShard>();
    try {
      const { labels } = store.records();
      for (const set of init.featureSets) {
        const read = (rows: Int32Array) => labelRows(store.readRows(set.key, rows), labels, set.dims, rows);
        sets.set(set.key, {
          train: read(init.rows.train),
          val: read(init.rows.val),
          test: read(init.rows.test),
          trainSession: await createHeadSession(set.trainGraph),
          evalSession: await createHeadSession(set.evalGraph),
        });
      }
    } catch (error) {
      await Promise.all(
        [...sets.values()].flatMap((s) => [s.trainSession.release(), s.evalSession.release()]),
      );
      throw error;
    } finally {
      store.close();
    }
    return new ShardRuntime(init, sets);
  }

  private set(key: string): FeatureSetShard {
    const set = this.sets.get(key);
    if (!set) throw new Error(`shard ${this.init.shard} does not hold feature set ${key}`);
    return set;
  }

  private rowsFor(set: FeatureSetShard, epoch: number): SplitRows {
    if (set.epochRows?.epoch !== epoch) {
      const order = epochOrder(this.init.seed, epoch, this.init.shard, set.train.count);
      set.epochRows = { epoch, rows: reorderRows(set.train, order) };
    }
    return set.epochRows.rows;
  }

  train(
    epoch: number,
    featureSet: string,
    batchSize: number,
    state: GroupState,
    hyper: HyperValues,
  ): Promise<TrainUnitResult> {
    const set = this.set(featureSet);
    return runTrainUnit(set.trainSession, this.rowsFor(set, epoch), batchSize, state, hyper);
  }

  async evaluate(
    split: EvalSplit,
    groups: readonly EvalGroup[],
    confusion: boolean,
  ): Promise<EvaluationResult[]> {
    const results: EvaluationResult[] = [];
    for (const group of groups) {
      const set = this.set(group.featureSet);
      results.push(
        await evaluateRows(set.evalSession, set[split], group.state, this.init.classes, { confusion }),
      );
    }
    return results;
  }

  async release(): Promise<void> {
    for (const set of this.sets.values()) {
      await set.trainSession.release();
      await set.evalSession.release();
    }
    this.sets.clear();
  }
}
