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
}

export interface TextBatch {
  kind: 'text';
  texts: string[];
}

export type RecordBatch = ImageBatch | TextBatch;
