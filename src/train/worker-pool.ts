import { open as openLmdb } from 'lmdb';
import { encodeModel, GraphBuilder } from '../core/onnx/index.js';
import { createHeadSession } from './ort-session.js';
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

/** Starts one worker per shard; if any fails to start, stops the others and rethrows. */
export async function startShardWorkers(
  inits: readonly ShardInit[],
  onOutput: WorkerOutputListener,
): Promise<ShardWorker[]> {
  await loadNativeAddonsInMainThread();
  const script = workerScriptUrl('shard-worker-thread');
  const started = await Promise.allSettled(
    inits.map((init, i) => ShardWorker.start(i, script, init, onOutput)),
  );
  const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stopShardWorkers(workers);
    throw failed.reason;
  }
  return workers;
}

export async function stopShardWorkers(workers: readonly ShardWorker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.stop()));
}
