import { Worker } from 'node:worker_threads';

export { threadScript } from '../core/thread-script.js';

/**
 * A host runs work that would hold its agent's event loop for seconds (an extraction, a large
 * shard's statistics) in a worker thread of its own: its BullMQ lock (4 s) and its heartbeat must go
 * on meanwhile, or the coordinator takes a busy host for a dead one.
 */

/**
 * Runs `script` with `workerData` and takes its one reply. The thread then ends by itself (unref'd,
 * never terminated: terminating a thread while ONNX Runtime may still run in it aborts the process,
 * docs/architecture.md). `what` names the thread when it dies without replying.
 */
export function threadReply<T>(script: URL, workerData: unknown, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData });
    let settled = false;
    const settle = (act: () => void) => {
      if (settled) return;
      settled = true;
      act();
    };
    worker.once('message', (reply: T) =>
      settle(() => {
        resolve(reply);
        worker.unref();
      }),
    );
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) => settle(() => reject(new Error(`${what} exited with code ${code}`))));
  });
}
