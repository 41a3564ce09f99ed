import { existsSync } from 'node:fs';
import { FeatureStore } from '../store/feature-store.js';
import { splitRows } from '../train/worker/sharding.js';
import { WorkerPool } from '../train/worker/worker-pool.js';
import type { ShardInit, TrainRows } from '../train/worker/worker-protocol.js';
import { shardDirIn } from './shard-dir.js';
import type { TrainSessionSpec } from './train-jobs.js';
import { f32FromWire } from './wire.js';

/** A session's shard runtime is let go after this long without a unit (its coordinator is done). */
const IDLE_MS = 120_000;

/** A shard's rows by split: records every selected feature set covers, failed decodes left out. */
export function shardRows(
  store: FeatureStore,
  keys: readonly string[],
): { train: Int32Array; val: Int32Array; test: Int32Array } {
  const { split } = store.records();
  const covered = Math.min(split.length, ...keys.map((key) => store.featureSet(key)?.records ?? 0));
  const within = (rows: Int32Array) => rows.filter((r) => r < covered);
  return {
    train: within(splitRows(split, 0)),
    val: within(splitRows(split, 1)),
    test: within(splitRows(split, 2)),
  };
}

/** What a host's shard worker holds for one session: as the thread pool's ShardInit, from its own store. */
export function hostShardInit(home: string, spec: TrainSessionSpec, shard: number): ShardInit {
  const storeDir = shardDirIn(home, spec.store, shard);
  if (!existsSync(storeDir))
    throw new Error(`this host holds no shard ${shard} of cluster store ${spec.store}`);
  const store = FeatureStore.open(storeDir, { write: false });
  try {
    return {
      storeDir,
      shard,
      classes: spec.classes,
      seed: spec.seed,
      featureSets: spec.featureSets.map((set) => ({
        key: set.key,
        dims: set.dims,
        mean: f32FromWire(set.mean),
        std: f32FromWire(set.std),
      })),
      rows: shardRows(
        store,
        spec.featureSets.map((s) => s.key),
      ),
    };
  } finally {
    store.close();
  }
}

interface Entry {
  pool: Promise<WorkerPool>;
  /** settles once everything posted to the shard worker so far has (its thread runs them in order) */
  chain: Promise<unknown>;
  timer?: NodeJS.Timeout;
}

/**
 * A host's shard workers, one worker thread per (coordinator session, shard), started on the
 * session's first unit with the same code as the in-process pool and kept while units come: the
 * shard's rows are read and standardized once per session, not per unit. Training runs in the
 * thread, so the agent's event loop stays free to renew BullMQ locks.
 */
export class HostShards {
  private readonly entries = new Map<string, Entry>();
  /** per session's shard, settles once every unit that came for it so far has posted its work */
  private readonly turns = new Map<string, Promise<void>>();
  /** per session's shard, the last request posted to its thread, settled or not */
  private readonly lastPosted = new Map<string, Promise<void>>();

  /**
   * Runs `work` on the session's shard worker as soon as it is started: the requests `work` posts
   * queue on the worker's thread behind those posted before (one unit at a time, in arrival order),
   * so a unit posted while another runs starts the moment that one ends. `init` says what the worker
   * holds, with the train rows the session's statistics pass read here, if kept.
   */
  run<T>(
    session: string,
    shard: number,
    init: () => Promise<{ init: ShardInit; train?: TrainRows[] }>,
    work: (pool: WorkerPool) => Promise<T>,
  ): Promise<T> {
    const id = `${session}#${shard}`;
    let entry = this.entries.get(id);
    if (!entry) {
      const pool = init().then(({ init, train }) => WorkerPool.start([init], () => {}, undefined, [train]));
      entry = { pool, chain: pool };
      this.entries.set(id, entry);
      // a pool that failed to start is not kept: the next unit tries again
      pool.catch(() => this.entries.get(id) === entry && this.entries.delete(id));
    }
    const current = entry;
    if (current.timer) clearTimeout(current.timer);
    const result = current.pool.then(work);
    // everything posted, for the idle timer and `release`
    current.chain = Promise.all([current.chain.catch(() => undefined), result.catch(() => undefined)]);
    void current.chain.then(() => {
      if (this.entries.get(id) !== current) return;
      current.timer = setTimeout(() => void this.release(id), IDLE_MS);
      current.timer.unref();
    });
    return result;
  }

  private async release(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    if (entry.timer) clearTimeout(entry.timer);
    await entry.chain;
    await (await entry.pool.catch(() => undefined))?.stop();
  }

  /**
   * A unit's place among the units that came for a session's shard: `ready` once those before it
   * have posted their work to the shard's thread (or failed before), `done` once it has. A unit
   * reading its state keeps the ones after it waiting: the thread runs them in the order sent (a
   * chained unit takes its turn once its state is handed over, `trainUnit`).
   */
  turn(session: string, shard: number): { ready: Promise<void>; done: () => void } {
    const id = `${session}#${shard}`;
    const before = this.turns.get(id) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const last = before.then(() => mine);
    this.turns.set(id, last);
    void last.then(() => this.turns.get(id) === last && this.turns.delete(id));
    return { ready: before, done };
  }

  /**
   * Records `request` as the last one posted to a session's shard thread, and resolves once the one
   * posted before it has ended (settled): when the thread starts `request` (it runs them in order).
   */
  startsAfter(session: string, shard: number, request: Promise<unknown>): Promise<void> {
    const id = `${session}#${shard}`;
    const before = this.lastPosted.get(id) ?? Promise.resolve();
    const mine = request.then(
      () => {},
      () => {},
    );
    this.lastPosted.set(id, mine);
    void mine.then(() => this.lastPosted.get(id) === mine && this.lastPosted.delete(id));
    return before;
  }

  /** the sessions with a shard worker here */
  sessions(): string[] {
    return [...new Set([...this.entries.keys()].map((id) => id.slice(0, id.lastIndexOf('#'))))];
  }

  has(session: string): boolean {
    return this.sessions().includes(session);
  }

  /**
   * Stops a session's shard workers once their queued units are done (its coordinator closed it):
   * each holds its shard's rows and its ONNX sessions, so a long-lived host that kept them for the
   * idle period would carry every recent session's along. Resolves with how many it stopped.
   */
  async releaseSession(session: string): Promise<number> {
    const ids = [...this.entries.keys()].filter((id) => id.slice(0, id.lastIndexOf('#')) === session);
    await Promise.all(ids.map((id) => this.release(id)));
    return ids.length;
  }

  async releaseAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.release(id)));
  }
}
