import type { RecordHashes } from './record-ids.js';

/** Bytes of one `recordHash` (64 bits). */
export const HASH_BYTES = 8;

/** Hashes per chunk: fixed chunks grow without the doubling copy's peak (twice the bytes at once). */
const CHUNK_RECORDS = 1 << 16;

/**
 * Per-record content hashes appended in canonical order, 8 bytes each in chunks of 64 Ki records
 * rather than a 16-character string per record; `at` gives the hex form `recordHash` returns.
 */
export class PackedHashes implements RecordHashes {
  private readonly chunks: Buffer[] = [];
  private count = 0;

  get length(): number {
    return this.count;
  }

  /** Appends a hash's first 8 bytes (`recordHashBytes`). */
  push(hash: Uint8Array): void {
    const slot = this.count % CHUNK_RECORDS;
    if (slot === 0) this.chunks.push(Buffer.alloc(CHUNK_RECORDS * HASH_BYTES));
    this.chunks.at(-1)!.set(hash.subarray(0, HASH_BYTES), slot * HASH_BYTES);
    this.count++;
  }

  at(index: number): string | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return undefined;
    const slot = index % CHUNK_RECORDS;
    return this.chunks[(index - slot) / CHUNK_RECORDS]!.toString(
      'hex',
      slot * HASH_BYTES,
      (slot + 1) * HASH_BYTES,
    );
  }

  /** All hashes as base64 (for caches), and back. */
  save(): string {
    const all = Buffer.concat(this.chunks).subarray(0, this.count * HASH_BYTES);
    return all.toString('base64');
  }

  static load(text: string): PackedHashes {
    const hashes = new PackedHashes();
    const all = Buffer.from(text, 'base64');
    for (let at = 0; at < all.length; at += HASH_BYTES) hashes.push(all.subarray(at, at + HASH_BYTES));
    return hashes;
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.count; i++) yield this.at(i)!;
  }
}
