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

  /** Rows per second on one thread and on two (each taking half the rows), measured back to back. */
  async measure(rows: number): Promise<{ one: number; two: number }> {
    const oneMs = await this.train(this.threads[0], rows);
    const started = performance.now();
    await Promise.all(this.threads.map((t) => this.train(t, rows / 2)));
    const twoMs = performance.now() - started;
    return { one: (rows / oneMs) * 1000, two: (rows / twoMs) * 1000 };
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}
