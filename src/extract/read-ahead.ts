/**
 * Runs `load` for the items in order with at most `depth` loads ahead of the consumer: the bounded
 * pipeline that overlaps decoding with inference while memory stays flat (back-pressure: nothing
 * new starts until the consumer takes a result).
 */
export class ReadAhead<T, R> {
  private readonly pending: Promise<R>[] = [];
  private next = 0;

  constructor(
    private readonly items: readonly T[],
    private readonly depth: number,
    private readonly load: (item: T) => Promise<R>,
  ) {}

  private fill(): void {
    while (this.pending.length < this.depth && this.next < this.items.length) {
      const promise = this.load(this.items[this.next++]!);
      promise.catch(() => undefined); // surfaced by take(); never unhandled meanwhile
      this.pending.push(promise);
    }
  }

  /** The next item's result; starts the loads that keep `depth` in flight. */
  async take(): Promise<R> {
    this.fill();
    const head = this.pending.shift();
    if (!head) throw new Error('read-ahead is exhausted');
    this.fill();
    return head;
  }

  /** Waits for loads still in flight (their results are dropped), e.g. before closing the source. */
  async drain(): Promise<void> {
    await Promise.allSettled(this.pending.splice(0));
  }
}
