import { type MessagePort, workerData } from 'node:worker_threads';
import type { PartReply, PartTask } from './part-work.js';

/**
 * A triage thread: runs part tasks against its own read-only handle on the store and posts each
 * reply on its port, then counts it in the shared `replies` counter, which is what the scoring
 * thread waits on (it waits synchronously: triage is a synchronous call). A failure, even to load,
 * is a reply too, so the scoring thread never waits for one that cannot come.
 */
const { storeDir, labels, port, replies } = workerData as {
  storeDir: string;
  labels: Int32Array;
  port: MessagePort;
  replies: Int32Array;
};

const post = (reply: PartReply | { kind: 'closed' }, transfer: ArrayBuffer[] = []) => {
  port.postMessage(reply, transfer);
  Atomics.add(replies, 0, 1);
  Atomics.notify(replies, 0);
};
const failed = (error: unknown): PartReply => ({
  kind: 'failed',
  message: error instanceof Error ? error.message : String(error),
});

try {
  const { FeatureStore } = await import('../store/feature-store.js');
  const { PartWork, replyBuffers } = await import('./part-work.js');
  const store = FeatureStore.open(storeDir, { write: false });
  const work = new PartWork(store, labels);
  port.on('message', (task: PartTask | { kind: 'close' }) => {
    if (task.kind === 'close') {
      store.close();
      post({ kind: 'closed' });
      port.close();
      return;
    }
    let reply: PartReply;
    try {
      reply = work.run(task);
    } catch (error) {
      reply = failed(error);
    }
    post(reply, replyBuffers(reply));
  });
} catch (error) {
  // the thread could not load or open the store: every task fails with the reason, and `close` still
  // gets its answer, so the scoring thread stops with the reason rather than waiting
  const reason = failed(error);
  post(reason);
  port.on('message', (task: PartTask | { kind: 'close' }) => {
    if (task.kind !== 'close') return post(reason);
    post({ kind: 'closed' });
    port.close();
  });
}
