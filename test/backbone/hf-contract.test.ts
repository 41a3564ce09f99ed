import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backbone, TextPreprocessSpec } from '../../src/backbone/backbone.js';
import type { CapturePoint } from '../../src/backbone/capture-point.js';
import type { HfBackbone } from '../../src/backbone/hf-backbone.js';
import { loadBackbone } from '../../src/backbone/load-backbone.js';
import type { Feeds } from '../../src/backbone/onnx-capture.js';
import { selectLayers } from '../../src/backbone/select-layers.js';
import type { RecordBatch, TextBatch } from '../../src/data/record-batch.js';
import { packageRoot } from '../../src/core/paths.js';
import { captureContract, expectClose } from './capture-contract.js';
import { cutReference, originalOutput } from './onnx-reference.js';

const TINY_BERT = join(packageRoot(), 'models', 'tiny-bert');
const TEXTS: TextBatch = {
  kind: 'text',
  texts: [
    'The cat sat on the mat.',
    'I loved this movie!',
    'a',
    // Longer than the tokenizer's 32 tokens: truncated, and the batch is padded to exactly 32, the
    // length raw (`none`) captures always pad to, so every check sees the same sequence length.
    'this film was very very very good and the story was great and i liked it a lot, a lot, a lot more than any film',
  ],
};

/** Token feeds computed with transformers.js directly, independent of the backbone's encoder. */
async function tokenFeeds(backbone: Backbone, records: RecordBatch): Promise<Feeds> {
  if (records.kind !== 'text') throw new Error('texts expected');
  env.allowRemoteModels = false;
  const tokenizer = await AutoTokenizer.from_pretrained((backbone as HfBackbone).folder, {
    local_files_only: true,
  });
  const spec = backbone.resolvePreprocess() as TextPreprocessSpec;
  const encoded = tokenizer(records.texts, {
    padding: true,
    truncation: true,
    max_length: spec.maxLength,
  }) as unknown as Record<string, { data: BigInt64Array; dims: number[] }>;
  const feeds: Feeds = {};
  for (const name of ['input_ids', 'attention_mask', 'token_type_ids']) {
    const t = encoded[name]!;
    feeds[name] = new ort.Tensor('int64', t.data, t.dims);
  }
  return feeds;
}

captureContract({
  name: 'builtin:tiny-bert (transformers.js text encoder)',
  load: () => loadBackbone('builtin:tiny-bert'),
  records: () => Promise.resolve(TEXTS),
  reference: async (b, point, r) => cutReference((b as HfBackbone).file, point, await tokenFeeds(b, r)),
  original: async (b, r) => originalOutput((b as HfBackbone).file, await tokenFeeds(b, r)),
  mask: async (b, r) => {
    const mask = (await tokenFeeds(b, r)).attention_mask!;
    const [n, t] = mask.dims as [number, number];
    const data = mask.data as BigInt64Array;
    return Array.from({ length: n }, (_, i) => Array.from({ length: t }, (_, j) => Number(data[i * t + j])));
  },
});

describe('transformers.js text folders', () => {
  let backbone: Backbone;
  let blocks: CapturePoint[];
  beforeAll(async () => {
    backbone = await loadBackbone('builtin:tiny-bert');
    blocks = selectLayers(backbone.points, ['blocks']);
  });

  it('finds the hidden state of every encoder block, named as the exporter names them', () => {
    expect(backbone.format).toBe('transformers.js');
    expect(backbone.modality).toBe('text');
    expect(blocks.map((p) => [p.block, p.name])).toEqual([
      ['embeddings', '/embeddings/LayerNorm/Add_1_output_0'],
      ['encoder.layer.0', '/encoder/layer.0/output/LayerNorm/Add_1_output_0'],
      ['encoder.layer.1', '/encoder/layer.1/output/LayerNorm/Add_1_output_0'],
      ['encoder.layer.2', 'last_hidden_state'],
    ]);
    expect(blocks[1]).toMatchObject({
      shape: ['N', 'T', 32],
      layout: 'tokens',
      size: 32 * 32,
      pooledSize: 32,
    });
    const attention = backbone.points.find(
      (p) => p.name === '/encoder/layer.0/attention/self/Softmax_output_0',
    );
    expect(attention?.shape).toEqual(['N', 4, 'T', 'T']);
  });

  it('records the tokenizer conventions and takes token_type_ids when the model does', () => {
    expect(backbone.resolvePreprocess()).toEqual({
      kind: 'text',
      tokenizer: expect.stringMatching(/^[0-9a-f]{16}$/) as string,
      tokenizerClass: 'BertTokenizer',
      maxLength: 32,
      tokenTypeIds: true,
    });
    expect(backbone.resolvePreprocess({ maxLength: 8 })).toMatchObject({ maxLength: 8 });
    expect(() => backbone.resolvePreprocess({ maxLength: 65 })).toThrow(
      /--max-length must be an integer from 2 to 64/,
    );
  });

  it('masked mean ignores padding: a text alone and in a padded batch give the same features', async () => {
    const preprocess = backbone.resolvePreprocess();
    const session = await backbone.openCapture(blocks, 'mean', { threads: 1, preprocess });
    const batched = await session.run(TEXTS);
    for (const [i, text] of TEXTS.texts.entries()) {
      const alone = await session.run({ kind: 'text', texts: [text] });
      blocks.forEach((_, b) => expectClose(alone[b]!, batched[b]!.subarray(i * 32, (i + 1) * 32), 1e-5));
    }
    await session.release();
  });

  it('pads raw token tensors to the max length so every batch has the same size', async () => {
    const preprocess = backbone.resolvePreprocess({ maxLength: 8 });
    const session = await backbone.openCapture(blocks.slice(-1), 'none', { threads: 1, preprocess });
    expect(session.dims).toEqual([8 * 32]);
    const [raw] = await session.run({ kind: 'text', texts: ['a', 'the cat sat on the mat and the dog ran'] });
    await session.release();
    expect(raw!.length).toBe(2 * 8 * 32);
  });

  it('names the folder and the opt-in flag for a model that is not present locally', async () => {
    await expect(loadBackbone('someone/missing-model')).rejects.toMatchObject({
      exitCode: 66,
      message: expect.stringMatching(/no model folder .*someone\/missing-model.*--allow-remote/) as string,
    });
  });

  it('names the missing file of an incomplete folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-hf-'));
    cpSync(TINY_BERT, dir, { recursive: true });
    rmSync(join(dir, 'tokenizer.json'));
    await expect(loadBackbone(dir)).rejects.toMatchObject({
      exitCode: 66,
      message: expect.stringMatching(/has no tokenizer\.json; copy the model's tokenizer\.json/) as string,
    });
    rmSync(join(dir, 'onnx'), { recursive: true });
    await expect(loadBackbone(dir)).rejects.toMatchObject({
      exitCode: 66,
      message: expect.stringMatching(/has config\.json but no onnx\/model\.onnx/) as string,
    });
  });

  it('opens a variant when the ref names the ONNX file inside the folder', async () => {
    const variant = await loadBackbone(join(TINY_BERT, 'onnx', 'model.onnx'));
    expect(variant.format).toBe('transformers.js');
    expect(variant.digest).toBe(backbone.digest);
  });
});

/** A transformers.js image folder from the shared assets, when present. */
const VIT = join(packageRoot(), '..', 'shared', 'assets', 'models', 'vit-cifar10-ibp_3_3_8-transformersjs');
describe.skipIf(!existsSync(VIT))('transformers.js image folder (ViT asset)', () => {
  it('uses the folder image processor: its size, rescale and normalisation are the recorded spec', async () => {
    const vit = await loadBackbone(VIT);
    expect(vit.modality).toBe('image');
    expect(vit.resolvePreprocess()).toMatchObject({
      kind: 'image',
      resize: [32, 32],
      mean: [0.4914, 0.4822, 0.4465],
      std: [0.2023, 0.1994, 0.201],
      processor: expect.stringMatching(/^ViTImageProcessor:/) as string,
    });
    expect(selectLayers(vit.points, ['blocks']).map((p) => p.block)).toEqual([
      '0',
      '1.0',
      '1.1',
      '1.2',
      '2.0',
      '2.1',
      '2.2',
    ]);
  });
});
