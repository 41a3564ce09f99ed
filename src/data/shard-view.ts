import { digestOf } from '../core/hash.js';
import { readIndices, type DataSource } from './data-source.js';
import { shardOfRecord } from './shard.js';

/**
 * The records of `source` whose `shardOfRecord(id, shards)` is `shard`, in the source's canonical
 * order: what one cluster host extracts (`extract --cluster`). It reads through the source, so
 * every reader works unchanged, and the extractor sees an ordinary, smaller dataset.
 *
 * Its lineage is the source's: feature-set keys depend on the lineage, so every shard store, and
 * the one-host store of the same data, key a layer's features alike (a trainer looks a layer up by
 * one key on every host). Its digest is its own (other records, other content).
 */
export function shardView(source: DataSource, shards: number, shard: number): DataSource {
  if (!Number.isInteger(shard) || shard < 0 || shard >= shards)
    throw new RangeError(`shard must be an integer in 0..${shards - 1}, got ${shard}`);
  const kept: number[] = [];
  for (let index = 0; index < source.ids.length; index++)
    if (shardOfRecord(source.ids.at(index)!, shards) === shard) kept.push(index);
  const pick = <T>(values: ArrayLike<T>): T[] => kept.map((index) => values[index]!);
  const pickAt = (values: { at(index: number): string | undefined }): string[] =>
    kept.map((index) => values.at(index)!);
  const parentOf = (indices: readonly number[]) => indices.map((i) => kept[i]!);
  const groups = source.groups;
  const hashes = source.recordHashes;
  const view: DataSource = {
    ref: source.ref,
    name: source.name,
    modality: source.modality,
    digest: digestOf({ data: source.digest, shard, shards }),
    lineage: source.lineage ?? source.digest,
    size: kept.length,
    // every class of the whole dataset, so label ids mean the same class on every shard
    classNames: source.classNames,
    labels: Int32Array.from(pick(source.labels)),
    split: Uint8Array.from(pick(source.split)),
    ids: pickAt(source.ids),
    ...(source.keyedIds ? { keyedIds: true } : {}),
    ...(hashes ? { recordHashes: pickAt(hashes) } : {}),
    ...(source.splitRule ? { splitRule: source.splitRule } : {}),
    ...(groups ? { groups: pick(groups) } : {}),
    // a record left out while opening belongs to one shard too: each host lists its own
    ...(source.skipped
      ? { skipped: source.skipped.filter(({ id }) => shardOfRecord(id, shards) === shard) }
      : {}),
    readBatch: (start, count, options) =>
      readIndices(source, parentOf(Array.from({ length: count }, (_, i) => start + i)), options),
    readRecords: (indices, options) => readIndices(source, parentOf(indices), options),
    ...(source.close ? { close: () => source.close!() } : {}),
  };
  return view;
}
