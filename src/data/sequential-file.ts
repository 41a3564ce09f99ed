import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

/**
 * A file read front to back in exact byte counts, decompressing `.gz` as it goes, so a reader holds
 * one chunk at a time however large the file is.
 */
export class SequentialFile {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  /** bytes consumed so far (of the decompressed content) */
  position = 0;

  private constructor(
    private readonly iterator: AsyncIterator<Buffer>,
    private readonly close_: () => void,
  ) {}

  static open(path: string): SequentialFile {
    const raw = createReadStream(path, { highWaterMark: 1 << 20 });
    const stream = path.endsWith('.gz') ? raw.pipe(createGunzip({ chunkSize: 1 << 18 })) : raw;
    const iterator = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    return new SequentialFile(iterator, () => {
      raw.destroy();
      stream.destroy();
    });
  }

  /** Exactly `n` bytes, or fewer only at the end of the file. */
  async read(n: number): Promise<Buffer> {
    while (this.buffered < n) {
      const next = await this.iterator.next();
      if (next.done) break;
      this.chunks.push(next.value);
      this.buffered += next.value.length;
    }
    const take = Math.min(n, this.buffered);
    const joined = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const out = joined.subarray(0, take);
    const rest = joined.subarray(take);
    this.chunks.length = 0;
    if (rest.length > 0) this.chunks.push(rest);
    this.buffered = rest.length;
    this.position += take;
    return out;
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      const got = await this.read(Math.min(left, 1 << 22));
      if (got.length === 0) return;
      left -= got.length;
    }
  }

  close(): void {
    this.close_();
  }
}

/**
 * Random access to a byte range of a plain or gzipped file. Plain files are read in place; gzipped
 * ones through one decompressing cursor that moves forward (reads in increasing order, the
 * executor's pattern, cost nothing extra) and restarts for a read behind it. Reads are serialized.
 */
export class RangeReader {
  private cursor: SequentialFile | undefined;
  private handle: FileHandle | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly path: string) {}

  read(offset: number, length: number): Promise<Buffer> {
    const result = this.queue.then(() => this.readNow(offset, length));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async readNow(offset: number, length: number): Promise<Buffer> {
    if (!this.path.endsWith('.gz')) {
      this.handle ??= await open(this.path, 'r');
      const out = Buffer.alloc(length);
      const { bytesRead } = await this.handle.read(out, 0, length, offset);
      return out.subarray(0, bytesRead);
    }
    if (!this.cursor || this.cursor.position > offset) {
      this.cursor?.close();
      this.cursor = SequentialFile.open(this.path);
    }
    await this.cursor.skip(offset - this.cursor.position);
    return Buffer.from(await this.cursor.read(length));
  }

  async close(): Promise<void> {
    await this.queue;
    this.cursor?.close();
    this.cursor = undefined;
    await this.handle?.close();
    this.handle = undefined;
  }
}
