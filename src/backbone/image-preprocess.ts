import { badData, badModel, usageError } from '../core/errors.js';
import type { Dim } from '../core/onnx/index.js';
import type { ImageBatch } from '../data/record-batch.js';

/**
 * How decoded pixels become a model's input (docs/contract.md, "Image preprocessing flags"). Recorded in the
 * store manifest; its digest is part of every feature set's identity.
 */
export interface ImagePreprocessSpec {
  kind: 'image';
  /** [height, width] the model takes */
  resize: [number, number];
  /** multiplied into every byte before normalisation @default 1/255 */
  scale: number;
  /** per-channel, subtracted after scaling; empty for none */
  mean: number[];
  /** per-channel, divided after subtracting the mean; empty for none */
  std: number[];
  channels: 'rgb' | 'bgr' | 'gray';
  layout: 'nchw' | 'nhwc';
  /**
   * Set when a transformers.js image processor does the work (model folders): its class and the
   * digest of its configuration. The fields above then record what that processor does.
   */
  processor?: string;
}

export interface ImagePreprocessOverrides {
  resize?: [number, number];
  scale?: number;
  mean?: number[];
  std?: number[];
  channels?: 'rgb' | 'bgr' | 'gray';
  layout?: 'nchw' | 'nhwc';
}

/** Defaults from the model's static input shape: NCHW when dim 1 is 1 or 3, NHWC when the last is. */
export function resolveImagePreprocess(
  inputShape: readonly Dim[],
  overrides: ImagePreprocessOverrides = {},
): ImagePreprocessSpec {
  const [, d1, d2, d3] = inputShape;
  const inferredLayout = d1 === 1 || d1 === 3 ? 'nchw' : d3 === 1 || d3 === 3 ? 'nhwc' : undefined;
  const layout = overrides.layout ?? inferredLayout;
  if (!layout)
    throw badModel('cannot tell whether the model takes NCHW or NHWC images; pass --layout nchw|nhwc');
  const [channelDim, h, w] = layout === 'nchw' ? [d1, d2, d3] : [d3, d1, d2];
  const resize =
    overrides.resize ??
    (typeof h === 'number' && typeof w === 'number' && h > 0 && w > 0
      ? ([h, w] as [number, number])
      : undefined);
  if (!resize) throw badModel('the model has no static input size; pass --resize H,W');
  if (
    typeof h === 'number' &&
    typeof w === 'number' &&
    h > 0 &&
    w > 0 &&
    (resize[0] !== h || resize[1] !== w)
  )
    throw badModel(
      `the model takes ${h}x${w} images, not ${resize[0]}x${resize[1]}; drop --resize or pass --resize ${h},${w}`,
    );
  if (typeof channelDim === 'number' && overrides.channels) {
    const wanted = overrides.channels === 'gray' ? 1 : 3;
    if (channelDim !== wanted)
      throw badModel(
        `the model takes ${channelDim}-channel images; --channels ${overrides.channels} gives ${wanted}`,
      );
  }
  const channels = overrides.channels ?? (channelDim === 1 ? 'gray' : 'rgb');
  const spec: ImagePreprocessSpec = {
    kind: 'image',
    resize,
    scale: overrides.scale ?? 1 / 255,
    mean: overrides.mean ?? [],
    std: overrides.std ?? [],
    channels,
    layout,
  };
  const planes = channels === 'gray' ? 1 : 3;
  for (const [name, values] of [
    ['--mean', spec.mean],
    ['--std', spec.std],
  ] as const) {
    if (values.length !== 0 && values.length !== planes)
      throw usageError(`${name} needs ${planes} values for ${channels} input, got ${values.length}`);
  }
  if (spec.std.some((s) => s === 0)) throw usageError('--std values must not be 0');
  return spec;
}

/** The input dims for a batch of `count` images under this spec. */
export function imageInputDims(spec: ImagePreprocessSpec, count: number): number[] {
  const planes = spec.channels === 'gray' ? 1 : 3;
  const [h, w] = spec.resize;
  return spec.layout === 'nchw' ? [count, planes, h, w] : [count, h, w, planes];
}

/**
 * Converts decoded HWC pixels to the model's float32 input: bilinear resize when the sizes differ
 * (half-pixel centres, as PIL and torchvision), channel order, scale, normalisation, layout.
 */
export function preprocessImages(batch: ImageBatch, spec: ImagePreprocessSpec): Float32Array {
  const [h, w] = spec.resize;
  const planes = spec.channels === 'gray' ? 1 : 3;
  const plane = h * w;
  const out = new Float32Array(batch.count * planes * plane);
  const inChannels = batch.channels;
  if (inChannels !== 1 && inChannels !== 3)
    throw badData(`images have ${inChannels} channels; 1 (gray) or 3 (RGB) are supported`);
  const mean = spec.mean.length ? spec.mean : new Array<number>(planes).fill(0);
  const invStd = spec.std.length ? spec.std.map((s) => 1 / s) : new Array<number>(planes).fill(1);
  const sample = sampler(batch, h, w);
  const pixel = new Float32Array(3);
  for (let n = 0; n < batch.count; n++) {
    const outBase = n * planes * plane;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        sample(n, y, x, pixel);
        const p = y * w + x;
        for (let c = 0; c < planes; c++) {
          let value: number;
          if (planes === 1)
            value = inChannels === 1 ? pixel[0]! : 0.299 * pixel[0]! + 0.587 * pixel[1]! + 0.114 * pixel[2]!;
          else value = inChannels === 1 ? pixel[0]! : pixel[spec.channels === 'bgr' ? 2 - c : c]!;
          const normalised = (value * spec.scale - mean[c]!) * invStd[c]!;
          out[spec.layout === 'nchw' ? outBase + c * plane + p : outBase + p * planes + c] = normalised;
        }
      }
    }
  }
  return out;
}

type Sampler = (n: number, y: number, x: number, into: Float32Array) => void;

/** Reads output pixel (y, x) of image n: a direct read at the native size, else bilinear. */
function sampler(batch: ImageBatch, h: number, w: number): Sampler {
  const { height, width, channels, pixels } = batch;
  const imageBytes = height * width * channels;
  if (height === h && width === w) {
    return (n, y, x, into) => {
      const at = n * imageBytes + (y * width + x) * channels;
      for (let c = 0; c < channels; c++) into[c] = pixels[at + c]!;
    };
  }
  const sy = height / h;
  const sx = width / w;
  return (n, y, x, into) => {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), height - 1);
    const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), width - 1);
    const y0 = Math.floor(fy);
    const x0 = Math.floor(fx);
    const y1 = Math.min(y0 + 1, height - 1);
    const x1 = Math.min(x0 + 1, width - 1);
    const wy = fy - y0;
    const wx = fx - x0;
    const base = n * imageBytes;
    for (let c = 0; c < channels; c++) {
      const at = (yy: number, xx: number) => pixels[base + (yy * width + xx) * channels + c]!;
      const top = at(y0, x0) * (1 - wx) + at(y0, x1) * wx;
      const bottom = at(y1, x0) * (1 - wx) + at(y1, x1) * wx;
      into[c] = top * (1 - wy) + bottom * wy;
    }
  };
}
