import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { threadScript } from '../core/thread-script.js';
import type { FeatureStore } from '../store/feature-store.js';
import { PartWork, type PartReply, type PartTask } from './part-work.js';
import type { Projection } from './project.js';

/**
 * Where part tasks run: `post` starts one, `next` returns the next reply (blocking), `close` ends
 * the threads. Triage is a synchronous call (`train --triage` scores inside a synchronous step), so
 * the thread pool's scoring thread waits with Atomics rather than on the event loop.
 */
export interface PartRunner {
  readonly threads: number;
  /** starts `task` on thread `thread` (0 ≤ thread < threads) */
  post(task: PartTask, thread: number): void;
  next(): PartReply;
  close(): void;
  /** the seeded projection this thread's tasks use, made once per shape */
  projection(from: number, to: number, seed: number): Projection;
}

/** Runs every task at once, in this thread. */
export function inlineRunner(store: FeatureStore, labels: ArrayLike<number>): PartRunner {
  const work = new PartWork(store, labels);
  const replies: PartReply[] = [];
  return {
    threads: 1,
    post: (task) => void replies.push(work.run(task)),
    next: () => {
      const reply = replies.shift();
      if (!reply) throw new Error('triage: no part task is running');
      return reply;
    },
    close: () => undefined,
    projection: (from, to, seed) => work.projection(from, to, seed),
  };
}

/**
 * This thread and `threads − 1` triage threads (`triage-thread.ts`), each of those with its own
 * read-only handle on the store and a copy of the labels. Tasks for this thread wait in a queue
 * and run when no thread has a reply ready, so posting a set's parts never waits for one of them.
 * Replies are taken from the threads' ports with `receiveMessageOnPort`; a shared counter, bumped
 * by a thread after each reply, is what `Atomics.wait` sleeps on.
 */
export function threadRunner(
  storeDir: string,
  store: FeatureStore,
  labels: Int32Array,
  threads: number,
): PartRunner {
  const replies = new Int32Array(new SharedArrayBuffer(4));
  const script = threadScript(import.meta.url, 'triage-thread.js');
  // the threads are reached through their ports only: unref'd, each ends once its port closes
  const ports: MessagePort[] = Array.from({ length: threads - 1 }, () => {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(script, {
      workerData: { storeDir, labels, port: port2, replies },
      transferList: [port2],
    });
    worker.unref();
    return port1;
  });
  const here = new PartWork(store, labels);
  const queued: PartTask[] = [];

  const take = (runHere: boolean): unknown => {
    for (;;) {
      const seen = Atomics.load(replies, 0);
      for (const port of ports) {
        const received = receiveMessageOnPort(port);
        if (received) return received.message;
      }
      const task = runHere ? queued.shift() : undefined;
      if (task) return here.run(task);
      Atomics.wait(replies, 0, seen);
    }
  };

  return {
    threads,
    post: (task, thread) => (thread === 0 ? queued.push(task) : ports[thread - 1]!.postMessage(task)),
    next: () => take(true) as PartReply,
    close: () => {
      for (const port of ports) port.postMessage({ kind: 'close' });
      // each thread closes its store before the process may exit: LMDB is not left open in a thread
      let open = ports.length;
      while (open > 0) {
        const reply = take(false) as { kind: string };
        if (reply.kind === 'closed') open--;
      }
      for (const port of ports) port.close();
    },
    projection: (from, to, seed) => here.projection(from, to, seed),
  };
}
