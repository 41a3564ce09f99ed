import type { RecordIds } from './record-ids.js';

/** An id written the way `String(n)` writes a safe integer (no sign on 0, no leading zeros). */
const CANONICAL_INTEGER = /^(0|-?[1-9]\d{0,15})$/;

function integerOf(id: string): number | undefined {
  if (!CANONICAL_INTEGER.test(id)) return undefined;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** 32-bit MurmurHash3 mix over the id's UTF-16 code units (the same id text hashes alike in every mode). */
function hashOf(id: string): number {
  let h = 0x9747b28c;
  for (let i = 0; i < id.length; i++) {
    let k = Math.imul(id.charCodeAt(i), 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  h ^= id.length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A typed array at least `needed` long, its values kept (capacity doubles, so appends are amortised O(1)). */
function ensure<T extends Float64Array | Uint32Array | Uint8Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const grown = new (array.constructor as new (length: number) => T)(
    Math.max(needed, array.length * 2, 1024),
  );
  grown.set(array);
  return grown;
}

/**
 * Record ids appended one at a time in canonical order, held compactly: a run of consecutive
 * integers (an auto-increment key read in key order) as two numbers; other integer ids as one
 * Float64Array; any other ids as UTF-8 bytes in one buffer with offsets. Strings are made only when
 * asked for (`at`). Strictly increasing integer ids (a table read in key order) are found by binary
 * search; otherwise an open-addressing index of record numbers (Int32Array) finds them, and finds
 * duplicates while appending.
 */
export class CompactIds implements RecordIds {
  private mode: 'range' | 'numbers' | 'strings' = 'range';
  private count = 0;
  private first = 0;
  private numbers = new Float64Array(0);
  private bytes: Buffer = Buffer.alloc(0);
  private byteLength = 0;
  /** start of id i in `bytes`; `offsets[count]` is the end of the last */
  private offsets = new Uint32Array(1);
  /** whether every id so far is an integer greater than the one before */
  private increasing = true;
  /** record number + 1 per slot (0: empty); built once ids stop increasing */
  private slots: Int32Array | undefined;

  get length(): number {
    return this.count;
  }

  /** Appends `id` as the next record's; false (nothing appended) when it is already there. */
  push(id: string): boolean {
    const n = this.mode === 'strings' ? undefined : integerOf(id);
    if (this.mode === 'range') {
      if (n !== undefined && (this.count === 0 || n === this.first + this.count)) {
        if (this.count === 0) this.first = n;
        this.count++;
        return true;
      }
      this.rangeToNumbers();
    }
    if (this.mode === 'numbers' && n === undefined) this.numbersToStrings();
    if (this.increasing && n !== undefined && (this.count === 0 || n > this.numbers[this.count - 1]!)) {
      this.numbers = ensure(this.numbers, this.count + 1);
      this.numbers[this.count++] = n;
      return true;
    }
    if (this.increasing) {
      this.increasing = false;
      this.rebuildIndex(Math.max(1024, this.count * 4));
    }
    if (this.find(id) >= 0) return false;
    if (this.mode === 'numbers') {
      this.numbers = ensure(this.numbers, this.count + 1);
      this.numbers[this.count] = n!;
    } else this.appendText(id);
    this.count++;
    if (this.count * 2 > this.slots!.length) this.rebuildIndex(this.slots!.length * 2);
    else this.insert(this.count - 1, id);
    return true;
  }

  at(index: number): string | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return undefined;
    if (this.mode === 'range') return String(this.first + index);
    if (this.mode === 'numbers') return String(this.numbers[index]);
    return this.bytes.toString('utf8', this.offsets[index], this.offsets[index + 1]);
  }

  indexOf(id: string): number {
    if (!this.increasing) return this.find(id);
    const n = integerOf(id);
    if (n === undefined) return -1;
    if (this.mode === 'range') {
      const i = n - this.first;
      return i >= 0 && i < this.count ? i : -1;
    }
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const value = this.numbers[mid]!;
      if (value === n) return mid;
      if (value < n) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.count; i++) yield this.at(i)!;
  }

  save(): SavedIds {
    const saved: SavedIds = {
      mode: this.mode,
      count: this.count,
      first: this.first,
      increasing: this.increasing,
    };
    if (this.mode === 'numbers') saved.numbers = base64Of(this.numbers.subarray(0, this.count));
    if (this.mode === 'strings') {
      saved.bytes = this.bytes.toString('base64', 0, this.byteLength);
      saved.offsets = base64Of(this.offsets.subarray(0, this.count + 1));
    }
    return saved;
  }

  static load(saved: SavedIds): CompactIds {
    const ids = new CompactIds();
    ids.mode = saved.mode;
    ids.count = saved.count;
    ids.first = saved.first;
    ids.increasing = saved.increasing;
    if (saved.numbers !== undefined) ids.numbers = fromBase64(saved.numbers, Float64Array);
    if (saved.bytes !== undefined && saved.offsets !== undefined) {
      ids.bytes = Buffer.from(saved.bytes, 'base64');
      ids.byteLength = ids.bytes.length;
      ids.offsets = fromBase64(saved.offsets, Uint32Array);
    }
    if (!ids.increasing) ids.rebuildIndex(Math.max(1024, ids.count * 4));
    return ids;
  }

  private rangeToNumbers(): void {
    this.numbers = new Float64Array(Math.max(1024, this.count * 2));
    for (let i = 0; i < this.count; i++) this.numbers[i] = this.first + i;
    this.mode = 'numbers';
  }

  private numbersToStrings(): void {
    const numbers = this.numbers.subarray(0, this.count);
    this.mode = 'strings';
    this.numbers = new Float64Array(0);
    this.offsets = new Uint32Array(Math.max(1024, this.count * 2));
    this.bytes = Buffer.alloc(Math.max(1 << 16, this.count * 16));
    for (let i = 0; i < numbers.length; i++) this.appendText(String(numbers[i]), i);
  }

  private appendText(id: string, index = this.count): void {
    const size = Buffer.byteLength(id);
    if (this.byteLength + size > this.bytes.length) {
      const grown = Buffer.alloc(Math.max(this.byteLength + size, this.bytes.length * 2));
      this.bytes.copy(grown, 0, 0, this.byteLength);
      this.bytes = grown;
    }
    this.byteLength += this.bytes.write(id, this.byteLength, 'utf8');
    this.offsets = ensure(this.offsets, index + 2);
    this.offsets[index + 1] = this.byteLength;
  }

  private find(id: string): number {
    const slots = this.slots!;
    const mask = slots.length - 1;
    for (let slot = hashOf(id) & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot]!;
      if (entry === 0) return -1;
      if (this.at(entry - 1) === id) return entry - 1;
    }
  }

  private insert(index: number, id: string): void {
    const slots = this.slots!;
    const mask = slots.length - 1;
    let slot = hashOf(id) & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = index + 1;
  }

  private rebuildIndex(minimum: number): void {
    let size = 1024;
    while (size < minimum) size *= 2;
    this.slots = new Int32Array(size);
    for (let i = 0; i < this.count; i++) this.insert(i, this.at(i)!);
  }
}

/** `CompactIds` as JSON-safe values (typed arrays as base64), for caches. */
export interface SavedIds {
  mode: 'range' | 'numbers' | 'strings';
  count: number;
  first: number;
  increasing: boolean;
  numbers?: string;
  bytes?: string;
  offsets?: string;
}

export const base64Of = (array: ArrayBufferView): string =>
  Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');

/** A typed array from `base64Of` text (copied: decoded bytes need not be aligned for it). */
export function fromBase64<T extends ArrayBufferView>(
  text: string,
  type: { new (length: number): T; BYTES_PER_ELEMENT: number },
): T {
  const bytes = Buffer.from(text, 'base64');
  const out = new type(bytes.length / type.BYTES_PER_ELEMENT);
  new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes);
  return out;
}
