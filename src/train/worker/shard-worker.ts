import { Worker } from 'node:worker_threads';
import { LayerlabError } from '../../core/errors.js';
import {
  trainRowBuffers,
  type ReplyOf,
  type RequestBody,
  type ShardInit,
  type ShardLayout,
  type TrainRows,
  type WorkerReply,
  type WorkerRequest,
} from './worker-protocol.js';

export type ShardWorkerStatus = 'starting' | 'ready' | 'busy' | 'stopping' | 'dead';

/** A captured line of a worker's stdout or stderr (they never reach the terminal directly). */
export type WorkerOutputListener = (stream: 'stdout' | 'stderr', line: string) => void;

interface Pending {
  id: number;
  type: WorkerRequest['type'];
  resolve: (reply: WorkerReply) => void;
  reject: (error: Error) => void;
}

const OUTPUT_TAIL_LINES = 40;
const EXIT_GRACE_MS = 10_000;

/**
 * One long-lived shard worker thread with an explicit lifecycle:
 * starting → ready ⇄ busy → stopping → dead (dead also when the thread fails or exits); a `read`
 * before `init` leaves it starting.
 * One request at a time, except that `train` and `evaluate` requests may queue behind each other:
 * the thread runs them in arrival order, so it starts the next unit the moment it ends the last,
 * without waiting for the coordinator to hear the outcome and answer (on a busy core that round
 * trip idles the worker between every two units), and validates a group that finished its epoch
 * between units rather than after the epoch's last. `stop()` is cooperative: it waits for every
 * request sent, asks the thread to release its sessions and waits for it to exit, because
 * terminating a thread while ONNX Runtime runs in it aborts the process.
 */
export class ShardWorker {
  private statusValue: ShardWorkerStatus = 'starting';
  /** requests sent and not answered yet, in the order the thread runs them */
  private readonly pending: Pending[] = [];
  private current: Promise<unknown> = Promise.resolve();
  private nextId = 0;
  private readonly tail: string[] = [];
  private readonly exited: Promise<void>;

  private constructor(
    readonly index: number,
    private readonly worker: Worker,
    private readonly onOutput: WorkerOutputListener,
  ) {
    this.capture('stdout');
    this.capture('stderr');
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (error) => this.fail(`shard worker ${index} failed: ${error.message}`));
    this.exited = new Promise((resolve) => {
      worker.once('exit', (code) => {
        if (this.statusValue !== 'stopping' || this.pending.length > 0)
          this.fail(`shard worker ${index} exited with code ${code}`);
        this.statusValue = 'dead';
        resolve();
      });
    });
  }

  /** Starts the thread and waits until it holds its shard and sessions. */
  static async start(
    index: number,
    script: URL,
    init: ShardInit,
    onOutput: WorkerOutputListener,
    train?: TrainRows[],
  ): Promise<ShardWorker> {
    return ShardWorker.spawn(index, script, onOutput).init(init, train);
  }

  /**
   * Starts the thread without its shard: it loads its modules (ONNX Runtime, LMDB) on its own while
   * the caller works out what the shard is (`train --triage` scores layers meanwhile); `init` follows.
   */
  static spawn(index: number, script: URL, onOutput: WorkerOutputListener): ShardWorker {
    return new ShardWorker(index, new Worker(script, { stdout: true, stderr: true }), onOutput);
  }

  /**
   * Has a spawned thread read its shard's rows before their standardization is known, and returns
   * its train rows (moved here; `init` moves them back). Stops the thread if that fails.
   */
  async read(layout: ShardLayout): Promise<TrainRows[]> {
    try {
      return (await this.request('read', { layout })).train;
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /**
   * Hands a spawned thread its shard and waits until it holds it; stops the thread if that fails.
   * `train`: the train rows it lent on `read`, moved back, or rows read already elsewhere (moved).
   */
  async init(init: ShardInit, train?: TrainRows[]): Promise<ShardWorker> {
    try {
      if (train === undefined) await this.request('init', { init });
      else await this.request('init', { init, train }, trainRowBuffers(train));
    } catch (error) {
      await this.stop();
      throw error;
    }
    return this;
  }

  get status(): ShardWorkerStatus {
    return this.statusValue;
  }

  /** The last lines the thread printed, for error reports. */
  get output(): readonly string[] {
    return this.tail;
  }

  request<T extends WorkerRequest['type']>(
    type: T,
    body: RequestBody<T>,
    transfer: ArrayBuffer[] = [],
  ): Promise<ReplyOf<T>> {
    const queues = (t: WorkerRequest['type']) => t === 'train' || t === 'evaluate';
    const queuesBehindTrain =
      queues(type) && this.statusValue === 'busy' && this.pending.every((p) => queues(p.type));
    const ready =
      type === 'init' || type === 'read'
        ? this.statusValue === 'starting'
        : type === 'stop'
          ? this.statusValue === 'stopping'
          : this.statusValue === 'ready';
    if (!(ready && this.pending.length === 0) && !queuesBehindTrain)
      return Promise.reject(
        new Error(`shard worker ${this.index} cannot take '${type}' while ${this.statusValue}`),
      );
    const id = this.nextId++;
    if (type !== 'stop') this.statusValue = 'busy';
    const reply = new Promise<WorkerReply>((resolve, reject) => {
      this.pending.push({ id, type, resolve, reject });
    });
    this.worker.postMessage({ ...body, type, id }, transfer);
    const done = reply.then((message) => {
      if (message.type === 'failed') {
        const error = message.code
          ? new LayerlabError(message.code, message.message)
          : new Error(`shard worker ${this.index}: ${message.message}`);
        if (message.stack) error.stack = message.stack;
        throw error;
      }
      return message as ReplyOf<T>;
    });
    this.current = done.catch(() => undefined);
    return done;
  }

  /** Waits for the running request, then lets the thread end; never terminates it mid-run. */
  async stop(): Promise<void> {
    if (this.statusValue === 'dead' || this.statusValue === 'stopping') return this.exited;
    await this.current;
    if (this.isDead()) return;
    this.statusValue = 'stopping';
    try {
      await this.request('stop', {});
    } catch {
      // a thread that cannot stop cleanly is not running ONNX Runtime any more; fall through
    }
    const timer = setTimeout(() => void this.worker.terminate(), EXIT_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private isDead(): boolean {
    return this.statusValue === 'dead';
  }

  private settle(reply: WorkerReply): void {
    // the thread answers in the order it was asked
    if (this.pending[0]?.id !== reply.id) return;
    const pending = this.pending.shift()!;
    // a thread that has read its rows is still starting: `init` comes next
    if (this.statusValue === 'busy' && this.pending.length === 0)
      this.statusValue = pending.type === 'read' ? 'starting' : 'ready';
    pending.resolve(reply);
  }

  private fail(message: string): void {
    this.statusValue = 'dead';
    const tail = this.tail.length ? `\n${this.tail.join('\n')}` : '';
    for (const pending of this.pending.splice(0)) pending.reject(new Error(message + tail));
  }

  private capture(stream: 'stdout' | 'stderr'): void {
    const readable = this.worker[stream];
    let partial = '';
    readable.setEncoding('utf8');
    readable.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.record(stream, line);
    });
    readable.on('end', () => {
      if (partial) this.record(stream, partial);
    });
  }

  private record(stream: 'stdout' | 'stderr', line: string): void {
    this.tail.push(line);
    if (this.tail.length > OUTPUT_TAIL_LINES) this.tail.shift();
    this.onOutput(stream, line);
  }
}
