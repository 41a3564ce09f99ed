/**
 * Record ids in canonical order, however a reader holds them. A plain `string[]` is one (image
 * folders, IDX files, generators); table sources keep millions of ids in compact typed storage
 * (`CompactIds`) instead, so reading a large table does not grow a JS string per record.
 */
export interface RecordIds extends Iterable<string> {
  readonly length: number;
  /** the id of record `index`; undefined outside 0..length-1 */
  at(index: number): string | undefined;
  /** the canonical index of `id`, or -1 */
  indexOf(id: string): number;
}

/** Per-record content hashes in canonical order (`recordHash`), plain or packed (`PackedHashes`). */
export interface RecordHashes extends Iterable<string> {
  readonly length: number;
  at(index: number): string | undefined;
}

/**
 * A lookup from id to canonical index for many lookups: a Map over a plain array (whose `indexOf`
 * is a linear search), the ids' own index otherwise (a Map of a million strings is what compact ids
 * avoid).
 */
export function idLookup(ids: RecordIds): (id: string) => number | undefined {
  if (Array.isArray(ids)) {
    const index = new Map<string, number>();
    (ids as readonly string[]).forEach((id, i) => index.set(id, i));
    return (id) => index.get(id);
  }
  return (id) => {
    const i = ids.indexOf(id);
    return i < 0 ? undefined : i;
  };
}

/** The ids as a plain array (what the store's record table holds). */
export const idArray = (ids: RecordIds | RecordHashes): string[] => Array.from(ids);
