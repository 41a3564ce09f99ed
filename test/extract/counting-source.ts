import type { DataSource } from '../../src/data/data-source.js';
import { readIndices } from '../../src/data/data-source.js';

/** A data source that counts the records read through it (to prove what was and was not extracted). */
export function counting(source: DataSource): DataSource & { recordsRead: number; readIndices: number[] } {
  const counted = {
    ...source,
    recordsRead: 0,
    readIndices: [] as number[],
    readBatch: (start: number, count: number) =>
      counted.readRecords(Array.from({ length: count }, (_, i) => start + i)),
    readRecords: (
      indices: readonly number[],
      options?: Parameters<NonNullable<DataSource['readRecords']>>[1],
    ) => {
      counted.recordsRead += indices.length;
      counted.readIndices.push(...indices);
      return readIndices(source, indices, options);
    },
  };
  return counted;
}
