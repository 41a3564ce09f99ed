/** A labelled dataset as the extraction executor reads it, whatever reader produced it. */
export interface DataSource {
  /** the data ref as the user wrote it */
  ref: string;
  name: string;
  /** content digest: part of every feature set's identity */
  digest: string;
  size: number;
  classNames: string[];
  /** class id per record, canonical order */
  labels: Int32Array;
  /** 0 train, 1 validation, 2 test */
  split: Uint8Array;
  ids: string[];
  /** how records become model input (recorded in the store; its digest feeds feature-set keys) */
  preprocessing: Record<string, unknown>;
  /** Records [start, start+count) as float32 NCHW, preprocessed. */
  readBatch(start: number, count: number): Promise<Float32Array>;
}
