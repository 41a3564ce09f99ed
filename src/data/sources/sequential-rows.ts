import type { RecordIds } from '../record-ids.js';
import type { Row, TableSource } from './table-source.js';

/**
 * Serves the usual read pattern, batches in canonical order from the first record on, from one more
 * streamed scan of the source instead of one query per batch (a Parquet file would be scanned again
 * for every `IN (…)` lookup). Any other read (an append's scattered records, a row that is not the
 * expected one) closes the scan and falls back to fetching by id. Reads run one at a time: a
 * PostgreSQL connection with an open cursor runs nothing else.
 */
export class SequentialRows {
  private iterator: AsyncIterator<Row[]> | undefined;
  private buffer: Row[] = [];
  private offset = 0;
  private rowNumber = 0;
  /** the canonical index the scan stands at */
  private position = 0;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly source: TableSource,
    private readonly columns: readonly string[],
    private readonly orderBy: string | undefined,
    /** a row's record id (`rowNumber` for tables without an id column) */
    private readonly idOf: (row: Row, rowNumber: number) => string | undefined,
    private readonly ids: RecordIds,
    /** rows the opening scan skipped: the only rows the stream may pass over */
    private skipBudget: number,
  ) {}

  /** The rows of these records, streamed when they are the next ones, else by `fetch`. */
  read(indices: readonly number[], fetch: (indices: readonly number[]) => Promise<Row[]>): Promise<Row[]> {
    const next = this.queue.then(async () => {
      const contiguous = indices.every((index, i) => index === this.position + i);
      if (!this.closed && contiguous) {
        const rows = await this.take(indices);
        if (rows) return rows;
      }
      await this.stop();
      return fetch(indices);
    });
    this.queue = next.catch(() => {});
    return next;
  }

  private async nextRow(): Promise<Row | undefined> {
    while (this.offset >= this.buffer.length) {
      this.iterator ??= this.source.scan(this.columns, this.orderBy)[Symbol.asyncIterator]();
      const chunk = await this.iterator.next();
      if (chunk.done) return undefined;
      this.buffer = chunk.value;
      this.offset = 0;
    }
    this.rowNumber++;
    return this.buffer[this.offset++];
  }

  private async take(indices: readonly number[]): Promise<Row[] | undefined> {
    const rows: Row[] = [];
    for (const index of indices) {
      for (;;) {
        const row = await this.nextRow();
        if (!row) return undefined;
        if (this.idOf(row, this.rowNumber - 1) === this.ids.at(index)) {
          rows.push(row);
          break;
        }
        if (this.skipBudget-- <= 0) return undefined;
      }
    }
    this.position += indices.length;
    return rows;
  }

  /** Ends the scan (for good: later reads fetch by id). */
  async stop(): Promise<void> {
    this.closed = true;
    const iterator = this.iterator;
    this.iterator = undefined;
    this.buffer = [];
    await iterator?.return?.();
  }

  close(): Promise<void> {
    return this.queue.then(() => this.stop());
  }
}
