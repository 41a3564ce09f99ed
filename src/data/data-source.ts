import type { RecordBatch } from './record-batch.js';
import type { RecordHashes, RecordIds } from './record-ids.js';

export interface ReadOptions {
  /**
   * [height, width]: images of another size are resized to it while decoding (sharp, bilinear,
   * aspect ignored), so a batch of differently sized files has one shape. Image readers only.
   */
  imageSize?: readonly [number, number];
}

/** How records were assigned to train/val/test, recorded in the store manifest. */
export type SplitRule =
  | { method: 'stratified'; seed: number; train: number; val: number }
  | { method: 'hash'; seed: number; train: number; val: number }
  | { method: 'column'; column: string }
  | { method: 'files'; test: string[]; seed: number; train: number; val: number };

/** Where each record's group came from (`--group-column`, `--group-by folder`), recorded in the store manifest. */
export type GroupRule = { method: 'column'; column: string } | { method: 'folder' };

/** A record left out while opening the dataset (an unreadable row, an empty label). */
export interface SkippedRecord {
  id: string;
  reason: string;
}

/** A labelled dataset as the extraction executor reads it, whatever reader produced it. */
export interface DataSource {
  /** the data ref as the user wrote it */
  ref: string;
  name: string;
  modality: RecordBatch['kind'];
  /** content digest (record contents and labels): identifies the data */
  digest: string;
  size: number;
  classNames: string[];
  /** class id per record, canonical order */
  labels: Int32Array;
  /** 0 train, 1 validation, 2 test */
  split: Uint8Array;
  /**
   * record ids, canonical order (docs/contract.md, "Feature export"): a plain array, or compact
   * storage for large tables (read with `at`, `indexOf`, iteration; `idLookup` for many lookups)
   */
  ids: RecordIds;
  /**
   * What the data is rather than what it holds (reader, location, reader options): unchanged when
   * files or rows are added, so a grown dataset finds its store and appends. Defaults to `digest`.
   */
  lineage?: string;
  /**
   * Record ids are keys (a table's id column), not positions: a deleted or changed record retires
   * its stored row and only changed records are extracted again, instead of the whole store.
   */
  keyedIds?: boolean;
  /** content hash per record, canonical order: lets a grown dataset keep the records it had */
  recordHashes?: RecordHashes;
  splitRule?: SplitRule;
  /** each record's group (`--group-column`, `--group-by folder`), canonical order; '' for none */
  groups?: readonly string[];
  /** where `groups` came from; set whenever `groups` is */
  groupRule?: GroupRule;
  /** records left out while opening, listed for the user */
  skipped?: readonly SkippedRecord[];
  /** Records [start, start+count), decoded but not preprocessed for any model. */
  readBatch(start: number, count: number, options?: ReadOptions): Promise<RecordBatch>;
  /** Records at these canonical indices, in that order (appends read scattered records). */
  readRecords?(indices: readonly number[], options?: ReadOptions): Promise<RecordBatch>;
  /** Releases file handles; the source is not used afterwards. */
  close?(): Promise<void>;
}

/** Reads any list of records, through `readRecords` when the source has it, else contiguous runs. */
export async function readIndices(
  source: DataSource,
  indices: readonly number[],
  options?: ReadOptions,
): Promise<RecordBatch> {
  if (source.readRecords) return source.readRecords(indices, options);
  const first = indices[0] ?? 0;
  if (indices.every((index, i) => index === first + i))
    return source.readBatch(first, indices.length, options);
  throw new Error(`${source.ref} cannot read scattered records`);
}
