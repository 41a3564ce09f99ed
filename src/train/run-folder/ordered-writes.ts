import { writeFileAtomicAsync } from '../../core/atomic-write.js';

/**
 * The run folder's checkpoint writes, off the coordinator's thread and in the order they were asked
 * for: each lands (temp file + rename) before the next starts. So the files on disk are always what
 * the synchronous writer would have left had the process died a little earlier, a state `train
 * --resume` already handles exactly (a unit whose checkpoint had not landed runs again from the one
 * before). A unit is done for resume once its write has landed, not when its outcome arrives; what
 * changes is only that the coordinator hands the group to its next worker without waiting for the disk.
 * After a failed write nothing more is written (later files must not land over a gap); the failure
 * is thrown by the next `write`/`then` and by `flush`.
 */
export class OrderedWrites {
  private tail: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  /** Queues `bytes` for `path` (atomically replaced). */
  write(path: string, bytes: Uint8Array): void {
    this.then(() => writeFileAtomicAsync(path, bytes));
  }

  /** Queues a task to run once everything queued before it has landed (a removal, an acknowledgement). */
  then(task: () => Promise<void> | void): void {
    if (this.failure) throw this.failure;
    this.tail = this.tail.then(async () => {
      if (this.failure) return;
      try {
        await task();
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
      }
    });
  }

  /** Waits until everything queued so far has landed; rejects with the first failure. */
  async flush(): Promise<void> {
    await this.tail;
    if (this.failure) throw this.failure;
  }
}
