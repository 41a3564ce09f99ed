import { badData, badModel, notFound, usageError } from '../core/errors.js';
import { digestOf } from '../core/hash.js';
import type { Dim } from '../core/onnx/index.js';
import type { ImageBatch } from '../data/record-batch.js';
import type { PreprocessOverrides } from './backbone.js';
import { PROCESSOR_FILE, readFolderJson } from './hf-folder.js';
import type { TransformersJs } from './hf-runtime.js';
import type { ImagePreprocessSpec } from './image-preprocess.js';

type ProcessorConfig = Record<string, unknown>;
interface ImageProcessorLike {
  (images: unknown[]): Promise<{ pixel_values: { data: Float32Array; dims: number[] } }>;
}

/**
 * The image processor of a transformers.js folder (preprocessor_config.json), with the user's
 * overrides written into its configuration so the recorded spec is exactly what runs.
 */
export class HfImageProcessor {
  /** configurations `resolve` handed out, by the spec's `processor` tag */
  private readonly configs = new Map<string, ProcessorConfig>();

  private constructor(
    private readonly transformers: TransformersJs,
    private readonly base: ProcessorConfig,
    private readonly type: string,
    private readonly inputShape: readonly Dim[],
  ) {}

  static read(transformers: TransformersJs, folder: string, inputShape: readonly Dim[]): HfImageProcessor {
    const config = readFolderJson(folder, PROCESSOR_FILE);
    if (!config)
      throw notFound(
        `folder ${folder} has no ${PROCESSOR_FILE}; copy the model's image processor configuration into it`,
      );
    const declared = config.image_processor_type ?? config.feature_extractor_type;
    const type = typeof declared === 'string' ? declared.replace(/Fast$/, '') : 'ImageProcessor';
    return new HfImageProcessor(transformers, config, type, inputShape);
  }

  resolve(overrides: PreprocessOverrides = {}): ImagePreprocessSpec {
    if (
      (overrides.channels && overrides.channels !== 'rgb') ||
      (overrides.layout && overrides.layout !== 'nchw')
    )
      throw usageError('transformers.js image processors feed RGB NCHW; drop --channels/--layout');
    const config = this.configWith(overrides);
    const [, , h, w] = this.inputShape;
    const resize = sizeOf(config) ?? (typeof h === 'number' && typeof w === 'number' ? [h, w] : undefined);
    if (!resize)
      throw badModel(`${PROCESSOR_FILE} gives no image size and the model has none; pass --resize H,W`);
    if (typeof h === 'number' && typeof w === 'number' && (h !== resize[0] || w !== resize[1]))
      throw badModel(
        `the model takes ${h}x${w} images, not ${resize[0]}x${resize[1]}; drop --resize or pass --resize ${h},${w}`,
      );
    const normalize = config.do_normalize !== false;
    const tag = `${this.type}:${digestOf(config, 12)}`;
    this.configs.set(tag, config);
    return {
      kind: 'image',
      resize,
      scale: config.do_rescale === false ? 1 : Number(config.rescale_factor ?? 1 / 255),
      mean: normalize ? numbers(config.image_mean) : [],
      std: normalize ? numbers(config.image_std) : [],
      channels: 'rgb',
      layout: 'nchw',
      processor: tag,
    };
  }

  /**
   * The processor a spec from `resolve` stands for, as a function from decoded pixels to
   * [count, 3, H, W] floats.
   */
  processorFor(spec: ImagePreprocessSpec): (batch: ImageBatch) => Promise<Float32Array> {
    // A spec this instance did not hand out (read back from a store) is matched by resolving again.
    if (spec.processor && !this.configs.has(spec.processor)) {
      this.resolve();
      const { resize, scale, mean, std } = spec;
      this.resolve({ resize, scale, ...(mean.length ? { mean, std } : {}) });
    }
    const config = spec.processor ? this.configs.get(spec.processor) : undefined;
    if (!config)
      throw badModel(`the image preprocessing given does not come from this model's ${PROCESSOR_FILE}`);
    const exports = this.transformers as unknown as Record<string, unknown>;
    const Processor = (exports[this.type] ?? this.transformers.ImageProcessor) as new (
      config: ProcessorConfig,
    ) => ImageProcessorLike;
    const processor = new Processor(config);
    const { RawImage } = this.transformers;
    return async (batch) => {
      if (batch.channels !== 1 && batch.channels !== 3)
        throw badData(`images have ${batch.channels} channels; 1 (gray) or 3 (RGB) are supported`);
      const perImage = batch.height * batch.width * batch.channels;
      const images = Array.from(
        { length: batch.count },
        (_, n) =>
          new RawImage(
            batch.pixels.subarray(n * perImage, (n + 1) * perImage),
            batch.width,
            batch.height,
            batch.channels as 1 | 3,
          ),
      );
      const { pixel_values: pixels } = await processor(images);
      return pixels.data;
    };
  }

  private configWith(overrides: PreprocessOverrides): ProcessorConfig {
    const config: ProcessorConfig = { ...this.base };
    if (overrides.resize) {
      config.size = { height: overrides.resize[0], width: overrides.resize[1] };
      config.do_resize = true;
      delete config.crop_size;
      config.do_center_crop = false;
    }
    if (overrides.scale !== undefined) {
      config.rescale_factor = overrides.scale;
      config.do_rescale = true;
    }
    if (overrides.mean) config.image_mean = overrides.mean;
    if (overrides.std) config.image_std = overrides.std;
    if (overrides.mean || overrides.std) config.do_normalize = true;
    return config;
  }
}

/** The size the processor's output has: its crop when it crops, else its resize target. */
function sizeOf(config: ProcessorConfig): [number, number] | undefined {
  const read = (value: unknown): [number, number] | undefined => {
    if (typeof value === 'number') return [value, value];
    if (value && typeof value === 'object') {
      const { height, width } = value as { height?: unknown; width?: unknown };
      if (typeof height === 'number' && typeof width === 'number') return [height, width];
    }
    return undefined;
  };
  return (config.do_center_crop !== false ? read(config.crop_size) : undefined) ?? read(config.size);
}

function numbers(value: unknown): number[] {
  if (typeof value === 'number') return [value, value, value];
  return Array.isArray(value) ? value.map(Number) : [];
}
