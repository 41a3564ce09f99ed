/** A labelled image dataset held as labels plus a renderer/loader, so pixels are made on demand. */
export interface ImageDataset {
  /** the name it is registered under, e.g. `shapes-texture` */
  name: string;
  /** which labelling of the images this dataset uses */
  labelSet: string;
  classNames: readonly string[];
  count: number;
  /** changes whenever any pixel, label or split assignment could change */
  digest: string;
  /** class id per record */
  labels: Int32Array;
  /** 0 train, 1 val, 2 test per record */
  split: Uint8Array;
  /** record ids in canonical order */
  ids: readonly string[];
  imageShape: { channels: number; height: number; width: number };
  /** NCHW float32 in [0, 1] for the records at `indices`, in that order */
  renderBatch(indices: ArrayLike<number>): Float32Array;
  /** the same records as decoded pixels: HWC uint8 per image, images back to back */
  renderPixels(indices: ArrayLike<number>): Uint8Array;
}
