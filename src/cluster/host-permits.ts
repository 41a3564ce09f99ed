/**
 * A host's `--workers` permits: at most that many units of the kinds that take a worker's core run
 * at once, while training units (which queue on their shard's thread, one running and those sent
 * ahead behind it) take BullMQ slots beyond them. First come, first served.
 */
export class HostPermits {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(permits: number) {
    this.free = permits;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
