import { Worker } from 'node:worker_threads';
import type { StepCeilingRequest, StepCeilingSetup } from './step-ceiling-worker.js';

/**
 * What two cores of this machine give the training step itself: the same fused step graph over the
 * same rows, on one thread, then split over two threads running at once, with nothing between the
 * threads. The ratio is the ceiling for MOP's worker scaling here, so a benchmark can tell what the
 * scheduler costs from what the machine gives (the cores' shared cache, memory and clock under
 * vector load). `shardRows` gives the two threads the job's own shard sizes (a one-host run cuts its
 * train rows by a hash of the record id, so the shards differ by a few rows, and the larger one sets
 * the epoch's length); without it each takes half.
 */
export class StepCeiling {
  private constructor(
    private readonly threads: [Worker, Worker],
    private readonly rows: number,
    private readonly shardRows: readonly [number, number],
  ) {}

  static async start(setup: StepCeilingSetup & { shardRows?: [number, number] }): Promise<StepCeiling> {
    const { shardRows, ...threadSetup } = setup;
    const script = new URL('./step-ceiling-worker.js', import.meta.url);
    const halves: [number, number] = [Math.floor(setup.rows / 2), Math.ceil(setup.rows / 2)];
    const ceiling = new StepCeiling(
      [new Worker(script, { workerData: threadSetup }), new Worker(script, { workerData: threadSetup })],
      setup.rows,
      shardRows ?? halves,
    );
    // sessions built, memory touched, on both threads
    await ceiling.oneThread(1);
    await ceiling.twoThreads(1);
    return ceiling;
  }

  private train(thread: Worker, request: StepCeilingRequest): Promise<number> {
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => reject(error);
      thread.once('error', fail);
      thread.once('message', (ms: number) => {
        thread.off('error', fail);
        resolve(ms);
      });
      thread.postMessage(request);
    });
  }

  /** Rows per second (rows × passes ÷ seconds) of every group over all the rows, on one thread. */
  async oneThread(passes: number, rows = this.rows): Promise<number> {
    const ms = await this.train(this.threads[0], { count: rows, passes, shard: 0 });
    return ((rows * passes) / ms) * 1000;
  }

  /** The same rows cut into the two shards, each thread training every group over its own, at once. */
  async twoThreads(passes: number, shardRows: readonly [number, number] = this.shardRows): Promise<number> {
    const started = performance.now();
    await Promise.all(
      this.threads.map((t, shard) => this.train(t, { count: shardRows[shard]!, passes, shard })),
    );
    const rows = shardRows[0] + shardRows[1];
    return ((rows * passes) / (performance.now() - started)) * 1000;
  }

  /**
   * Rows per second on one thread and on two (each taking half the rows), measured back to back,
   * `repeats` times alternately (a longer measurement is less at the mercy of one load spike).
   */
  async measure(rows: number, repeats = 1): Promise<{ one: number; two: number }> {
    let oneMs = 0;
    let twoMs = 0;
    for (let r = 0; r < repeats; r++) {
      oneMs += (rows / (await this.oneThread(1, rows))) * 1000;
      twoMs += (rows / (await this.twoThreads(1, [Math.floor(rows / 2), Math.ceil(rows / 2)]))) * 1000;
    }
    return { one: ((rows * repeats) / oneMs) * 1000, two: ((rows * repeats) / twoMs) * 1000 };
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}
