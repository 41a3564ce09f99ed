import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ort } from './ort-runtime.js';
import { badModel, notFound, usageError } from '../core/errors.js';
import { sha256 } from '../core/hash.js';
import type { TextPreprocessSpec } from './backbone.js';
import { readFolderJson, TOKENIZER_FILES } from './hf-folder.js';
import type { TransformersJs } from './hf-runtime.js';
import type { Feeds } from './onnx-capture.js';

type Tokenizer = Awaited<ReturnType<TransformersJs['AutoTokenizer']['from_pretrained']>>;

/** Token inputs layerlab knows how to fill; any other model input makes the model unusable here. */
export const TEXT_INPUTS = ['input_ids', 'attention_mask', 'token_type_ids', 'position_ids'];

/** Positions a BERT-style model has when its config does not say. */
const DEFAULT_POSITIONS = 512;

/** The tokenizer of a transformers.js folder and the conventions that go with it. */
export class TextTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    /** the model's token inputs, e.g. input_ids, attention_mask, token_type_ids */
    private readonly inputs: ReadonlySet<string>,
    readonly className: string,
    readonly digest: string,
    /** the default max length: the tokenizer's model_max_length, capped by the position embeddings */
    readonly maxLength: number,
    /** the longest sequence the model takes (its position embeddings) */
    readonly limit: number,
  ) {}

  static async load(
    transformers: TransformersJs,
    folder: string,
    config: Record<string, unknown>,
    inputs: ReadonlySet<string>,
  ): Promise<TextTokenizer> {
    if (!existsSync(join(folder, 'tokenizer.json')))
      throw notFound(
        `folder ${folder} has no tokenizer.json; copy the model's tokenizer.json and tokenizer_config.json into it`,
      );
    let tokenizer: Tokenizer;
    try {
      tokenizer = await transformers.AutoTokenizer.from_pretrained(folder, { local_files_only: true });
    } catch (error) {
      throw badModel(
        `transformers.js cannot load the tokenizer in ${folder} (${firstLine(error)}); restore tokenizer.json`,
        error,
      );
    }
    const tokenizerConfig = readFolderJson(folder, 'tokenizer_config.json') ?? {};
    const positions = positiveNumber(config.max_position_embeddings) ?? DEFAULT_POSITIONS;
    const declared = positiveNumber(tokenizerConfig.model_max_length);
    // Tokenizers that set no real limit write a huge model_max_length (1e30).
    const defaultLength =
      declared !== undefined && declared < 1e6 ? Math.min(declared, positions) : positions;
    const parts = TOKENIZER_FILES.filter((f) => existsSync(join(folder, f))).flatMap((f) => [
      f,
      readFileSync(join(folder, f)),
    ]);
    const className =
      typeof tokenizerConfig.tokenizer_class === 'string'
        ? tokenizerConfig.tokenizer_class
        : tokenizer.constructor.name;
    return new TextTokenizer(
      tokenizer,
      inputs,
      className,
      sha256(...parts).slice(0, 16),
      defaultLength,
      positions,
    );
  }

  resolve(maxLength?: number): TextPreprocessSpec {
    if (maxLength !== undefined && (!Number.isInteger(maxLength) || maxLength < 2 || maxLength > this.limit))
      throw usageError(
        `--max-length must be an integer from 2 to ${this.limit} (the model's position embeddings)`,
      );
    return {
      kind: 'text',
      tokenizer: this.digest,
      tokenizerClass: this.className,
      maxLength: maxLength ?? this.maxLength,
      tokenTypeIds: this.inputs.has('token_type_ids'),
    };
  }

  /**
   * Tokenizes with transformers.js conventions: special tokens, truncation to `maxLength`, padding to
   * the longest text (or to `maxLength` when raw token tensors must have one size for every batch).
   */
  encode(texts: readonly string[], spec: TextPreprocessSpec, padToMax: boolean): Feeds {
    const encoded = this.tokenizer([...texts], {
      padding: padToMax ? 'max_length' : true,
      truncation: true,
      max_length: spec.maxLength,
      return_token_type_ids: spec.tokenTypeIds,
    }) as Record<string, { data: BigInt64Array; dims: number[] }>;
    const ids = encoded.input_ids!;
    const [count, length] = ids.dims as [number, number];
    const feeds: Feeds = { input_ids: int64(ids.data, count, length) };
    if (this.inputs.has('attention_mask'))
      feeds.attention_mask = int64(encoded.attention_mask!.data, count, length);
    if (this.inputs.has('token_type_ids'))
      feeds.token_type_ids = int64(
        encoded.token_type_ids?.data ?? new BigInt64Array(count * length),
        count,
        length,
      );
    if (this.inputs.has('position_ids')) feeds.position_ids = positionIds(count, length);
    return feeds;
  }
}

/** Token feeds for probing shapes: `count` unmasked sequences of `length` ids (all 0). */
export function probeTextFeeds(inputs: ReadonlySet<string>, count: number, length: number): Feeds {
  const feeds: Feeds = { input_ids: int64(new BigInt64Array(count * length), count, length) };
  if (inputs.has('attention_mask'))
    feeds.attention_mask = int64(new BigInt64Array(count * length).fill(1n), count, length);
  if (inputs.has('token_type_ids'))
    feeds.token_type_ids = int64(new BigInt64Array(count * length), count, length);
  if (inputs.has('position_ids')) feeds.position_ids = positionIds(count, length);
  return feeds;
}

function positionIds(count: number, length: number): ort.Tensor {
  return int64(
    BigInt64Array.from({ length: count * length }, (_, i) => BigInt(i % length)),
    count,
    length,
  );
}

function int64(data: BigInt64Array, count: number, length: number): ort.Tensor {
  return new ort.Tensor('int64', data, [count, length]);
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 200);
}
