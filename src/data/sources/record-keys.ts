import type { RecordIds } from '../record-ids.js';

type KeyKind = 'number' | 'bigint' | 'string';

/**
 * Each record's id as the source wrote it (a number, bigint or string), to fetch rows again by key
 * with the type the database compares: rebuilt from the record's id text rather than kept per
 * record, since `cellText` writes these three kinds so that they read back exactly. Keys of other
 * kinds (dates, JSON), or of mixed kinds, are kept as they are.
 */
export class RecordKeys {
  private kind: KeyKind | undefined;
  private kept: unknown[] | undefined;

  /** `ids`: the records' ids, the key of each pushed before the key is */
  constructor(private readonly ids: RecordIds) {}

  push(key: unknown): void {
    if (this.kept) {
      this.kept.push(key);
      return;
    }
    const kind = typeof key;
    if ((kind === 'number' || kind === 'bigint' || kind === 'string') && (this.kind ?? kind) === kind) {
      this.kind = kind;
      return;
    }
    const earlier = this.ids.length - 1;
    this.kept = Array.from({ length: earlier }, (_, i) => this.at(i));
    this.kept.push(key);
  }

  at(index: number): unknown {
    if (this.kept) return this.kept[index];
    const id = this.ids.at(index)!;
    return this.kind === 'number' ? Number(id) : this.kind === 'bigint' ? BigInt(id) : id;
  }
}
