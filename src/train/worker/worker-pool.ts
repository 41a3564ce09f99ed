import { open as openLmdb } from 'lmdb';
import { encodeModel, GraphBuilder } from '../../core/onnx/index.js';
import { createHeadSession } from '../heads/ort-session.js';
import { ShardWorker, type WorkerOutputListener } from './shard-worker.js';
import { workerScriptUrl } from './worker-script.js';
import type { ShardInit, ShardLayout, TrainRows } from './worker-protocol.js';

/**
 * Native addons must be loaded, and ONNX Runtime's environment created, by the main thread before any
 * worker loads them: an environment first created in a worker dies with that worker.
 */
async function loadNativeAddonsInMainThread(): Promise<void> {
  if (typeof openLmdb !== 'function') throw new Error('lmdb failed to load');
  const g = new GraphBuilder('warmup');
  g.op('Identity', [g.input('x', 'float32', [1])], undefined, 'y');
  g.output('y', 'float32', [1]);
  const session = await createHeadSession(
    encodeModel({ graph: g.build(), opsets: [{ domain: '', version: 17 }] }),
  );
  await session.release();
}

/**
 * Shard worker threads started before their shards are known (`WorkerPool.spawn`): `train --triage`
 * scores layers on the main thread meanwhile, so the threads' start-up (Node, ONNX Runtime, LMDB
 * modules) hides behind it. Their output is held until a run listens (`WorkerPool.start`).
 */
export class SpawnedWorkers {
  private listener: WorkerOutputListener | undefined;
  private readonly held: [stream: 'stdout' | 'stderr', line: string][] = [];
  private taken = false;

  private constructor(readonly workers: readonly ShardWorker[]) {}

  static async spawn(count: number): Promise<SpawnedWorkers> {
    await loadNativeAddonsInMainThread();
    const script = workerScriptUrl('shard-worker-thread');
    let relay: WorkerOutputListener = () => undefined;
    const workers = Array.from({ length: count }, (_, i) =>
      ShardWorker.spawn(i, script, (stream, line) => relay(stream, line)),
    );
    const spawned = new SpawnedWorkers(workers);
    relay = (stream, line) => spawned.output(stream, line);
    return spawned;
  }

  /** The threads, once, for a pool whose output goes to `onOutput` (held lines first). */
  take(onOutput: WorkerOutputListener): readonly ShardWorker[] {
    if (this.taken) throw new Error('spawned shard workers were already taken');
    this.taken = true;
    this.listener = onOutput;
    for (const [stream, line] of this.held.splice(0)) onOutput(stream, line);
    return this.workers;
  }

  /** Stops threads no run took (the job failed before training). */
  async stop(): Promise<void> {
    if (!this.taken) await Promise.all(this.workers.map((w) => w.stop()));
  }

  private output(stream: 'stdout' | 'stderr', line: string): void {
    if (this.listener) this.listener(stream, line);
    else this.held.push([stream, line]);
  }
}

/**
 * The long-lived shard workers of a run, one per shard, sharing one cancellation flag. A worker that
 * died is replaced by a fresh one holding the same shard (`respawn`), so the run can go on.
 */
export class WorkerPool {
  private readonly cancelFlag: Int32Array;

  private constructor(
    private readonly workers: ShardWorker[],
    private readonly inits: readonly ShardInit[],
    private readonly onOutput: WorkerOutputListener,
    cancel: SharedArrayBuffer,
  ) {
    this.cancelFlag = new Int32Array(cancel);
  }

  /**
   * Starts one worker per shard (on threads `spawned` already started, where given: extra ones are
   * stopped, missing ones started); if any fails to start, stops the others and rethrows. `train`:
   * per shard, train rows read already (a cluster host's statistics pass), moved to the thread.
   */
  static async start(
    inits: readonly ShardInit[],
    onOutput: WorkerOutputListener,
    spawned?: SpawnedWorkers,
    train?: readonly (TrainRows[] | undefined)[],
  ): Promise<WorkerPool> {
    const early = spawned?.take(onOutput) ?? [];
    if (early.length === 0) await loadNativeAddonsInMainThread();
    await Promise.all(early.slice(inits.length).map((w) => w.stop()));
    const cancel = new SharedArrayBuffer(4);
    const withCancel = inits.map((init) => ({ ...init, cancel }));
    const script = workerScriptUrl('shard-worker-thread');
    const started = await Promise.allSettled(
      withCancel.map((init, i) =>
        early[i] ? early[i].init(init, train?.[i]) : ShardWorker.start(i, script, init, onOutput, train?.[i]),
      ),
    );
    const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(workers.map((w) => w.stop()));
      throw failed.reason;
    }
    return new WorkerPool(workers, withCancel, onOutput, cancel);
  }

  /**
   * As start, for shards whose train-split standardization is not known yet: each worker reads its
   * rows as stored, `standardize` works the statistics out from every worker's train rows (moved
   * here and back, so the store is read once) and returns the whole inits, and each worker then
   * standardizes the rows it holds.
   */
  static async startStandardizing(
    layouts: readonly ShardLayout[],
    standardize: (train: readonly TrainRows[][]) => ShardInit[],
    onOutput: WorkerOutputListener,
    spawned?: SpawnedWorkers,
  ): Promise<WorkerPool> {
    const early = spawned?.take(onOutput) ?? [];
    if (early.length === 0) await loadNativeAddonsInMainThread();
    await Promise.all(early.slice(layouts.length).map((w) => w.stop()));
    const cancel = new SharedArrayBuffer(4);
    const script = workerScriptUrl('shard-worker-thread');
    const workers = layouts.map((_, i) => early[i] ?? ShardWorker.spawn(i, script, onOutput));
    const read = await settleAll(workers.map((w, i) => w.read({ ...layouts[i]!, cancel })));
    if (!read.ok) {
      await Promise.all(workers.map((w) => w.stop()));
      throw read.error;
    }
    let inits: ShardInit[];
    try {
      inits = standardize(read.values).map((init) => ({ ...init, cancel }));
    } catch (error) {
      await Promise.all(workers.map((w) => w.stop()));
      throw error;
    }
    const ready = await settleAll(workers.map((w, i) => w.init(inits[i]!, read.values[i])));
    if (!ready.ok) {
      await Promise.all(workers.map((w) => w.stop()));
      throw ready.error;
    }
    return new WorkerPool(workers, inits, onOutput, cancel);
  }

  get size(): number {
    return this.workers.length;
  }

  get all(): readonly ShardWorker[] {
    return this.workers;
  }

  worker(index: number): ShardWorker {
    const worker = this.workers[index];
    if (!worker) throw new Error(`no shard worker ${index}`);
    return worker;
  }

  /** Replaces a dead worker with a fresh thread on the same shard (a live one is kept). */
  async respawn(index: number): Promise<ShardWorker> {
    const old = this.worker(index);
    if (old.status !== 'dead') return old;
    const fresh = await ShardWorker.start(
      index,
      workerScriptUrl('shard-worker-thread'),
      this.inits[index]!,
      this.onOutput,
    );
    this.workers[index] = fresh;
    return fresh;
  }

  /** Asks every worker to stop between training steps (cooperative: ONNX Runtime is never interrupted). */
  cancel(): void {
    Atomics.store(this.cancelFlag, 0, 1);
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
  }
}

/** Every promise settled: their values in order, or the first failure. */
async function settleAll<T>(
  promises: readonly Promise<T>[],
): Promise<{ ok: true; values: T[] } | { ok: false; error: unknown }> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) return { ok: false, error: failed.reason };
  return { ok: true, values: settled.map((s) => (s as PromiseFulfilledResult<T>).value) };
}
