import { Worker } from 'node:worker_threads';
import type { StepCeilingSetup } from './step-ceiling-worker.js';

/**
 * What two cores of this machine give the training step itself: the same fused step graph over the
 * same number of rows, on one thread, then split over two threads running at once, with nothing
 * between the threads. The ratio is the ceiling for MOP's worker scaling here, so a benchmark can
 * tell what the scheduler costs from what the machine gives (the cores' shared cache, memory and
 * clock under vector load).
 */
export class StepCeiling {
  private constructor(private readonly threads: [Worker, Worker]) {}

  static async start(setup: StepCeilingSetup): Promise<StepCeiling> {
    const script = new URL('./step-ceiling-worker.js', import.meta.url);
    const ceiling = new StepCeiling([
      new Worker(script, { workerData: setup }),
      new Worker(script, { workerData: setup }),
    ]);
    await ceiling.measure(setup.batchSize * 4); // sessions built, memory touched
    return ceiling;
  }

  private train(thread: Worker, rows: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => reject(error);
      thread.once('error', fail);
      thread.once('message', (ms: number) => {
        thread.off('error', fail);
        resolve(ms);
      });
      thread.postMessage(rows);
    });
  }

  /** Milliseconds for both threads to train half the rows each, at once. */
  private async twoAtOnce(rows: number): Promise<number> {
    const started = performance.now();
    await Promise.all(this.threads.map((t) => this.train(t, rows / 2)));
    return performance.now() - started;
  }

  /**
   * Rows per second on one thread and on two (each taking half the rows), measured back to back,
   * `repeats` times alternately (a longer measurement is less at the mercy of one load spike).
   */
  async measure(rows: number, repeats = 1): Promise<{ one: number; two: number }> {
    let oneMs = 0;
    let twoMs = 0;
    for (let r = 0; r < repeats; r++) {
      oneMs += await this.train(this.threads[0], rows);
      twoMs += await this.twoAtOnce(rows);
    }
    return { one: ((rows * repeats) / oneMs) * 1000, two: ((rows * repeats) / twoMs) * 1000 };
  }

  /** Rows per second on two threads only (for a setup compared with another's one-thread figure). */
  async measureTwo(rows: number, repeats = 1): Promise<number> {
    let twoMs = 0;
    for (let r = 0; r < repeats; r++) twoMs += await this.twoAtOnce(rows);
    return ((rows * repeats) / twoMs) * 1000;
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}
