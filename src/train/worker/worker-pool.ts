import { open as openLmdb } from 'lmdb';
import { encodeModel, GraphBuilder } from '../../core/onnx/index.js';
import { createHeadSession } from '../heads/ort-session.js';
import { ShardWorker, type WorkerOutputListener } from './shard-worker.js';
import { workerScriptUrl } from './worker-script.js';
import type { ShardInit } from './worker-protocol.js';

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

  /** Starts one worker per shard; if any fails to start, stops the others and rethrows. */
  static async start(inits: readonly ShardInit[], onOutput: WorkerOutputListener): Promise<WorkerPool> {
    await loadNativeAddonsInMainThread();
    const cancel = new SharedArrayBuffer(4);
    const withCancel = inits.map((init) => ({ ...init, cancel }));
    const script = workerScriptUrl('shard-worker-thread');
    const started = await Promise.allSettled(
      withCancel.map((init, i) => ShardWorker.start(i, script, init, onOutput)),
    );
    const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(workers.map((w) => w.stop()));
      throw failed.reason;
    }
    return new WorkerPool(workers, withCancel, onOutput, cancel);
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
