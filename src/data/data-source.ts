import type { RecordBatch } from './record-batch.js';

/** A labelled dataset as the extraction executor reads it, whatever reader produced it. */
export interface DataSource {
  /** the data ref as the user wrote it */
  ref: string;
  name: string;
  modality: RecordBatch['kind'];
  /** content digest: part of every feature set's identity */
  digest: string;
  size: number;
  classNames: string[];
  /** class id per record, canonical order */
  labels: Int32Array;
  /** 0 train, 1 validation, 2 test */
  split: Uint8Array;
  ids: string[];
  /** Records [start, start+count), decoded but not preprocessed for any model. */
  readBatch(start: number, count: number): Promise<RecordBatch>;
}
