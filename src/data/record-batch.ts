/**
 * Records as a dataset reader produces them, before any model-specific preprocessing: images as
 * decoded pixels, texts as strings. The backbone's preprocessor turns them into model inputs.
 */
export interface ImageBatch {
  kind: 'image';
  count: number;
  height: number;
  width: number;
  /** 3 (RGB) or 1 (gray) */
  channels: number;
  /** count × height × width × channels, uint8, row-major HWC per image */
  pixels: Uint8Array;
  /**
   * Records that could not be decoded, by position in this batch; their pixels are zero. The
   * executor marks them skipped in the store (or fails the run under `--strict`).
   */
  failed?: DecodeFailure[];
}

export interface DecodeFailure {
  position: number;
  /** the record id, e.g. `cat/0001.jpg` */
  id: string;
  reason: string;
}

export interface TextBatch {
  kind: 'text';
  texts: string[];
}

export type RecordBatch = ImageBatch | TextBatch;

/** How many records a batch holds, whatever its kind. */
export function batchCount(batch: RecordBatch): number {
  return batch.kind === 'image' ? batch.count : batch.texts.length;
}
