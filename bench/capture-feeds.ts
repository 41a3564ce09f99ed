import * as ort from 'onnxruntime-node';
import type { Backbone } from '../src/backbone/backbone.js';
import type { Feeds } from '../src/backbone/onnx-capture.js';
import { Rng } from '../src/core/random.js';

/** Tokens per text in text benchmarks (BERT-style models' usual fine-tuning length). */
const TEXT_LENGTH = 128;

/**
 * Random model inputs for `count` records: forward-pass time does not depend on the values, and
 * leaving preprocessing out keeps it out of both sides of every ratio.
 */
export function syntheticFeeds(backbone: Backbone, count: number, seed = 1): Feeds {
  const rng = new Rng(seed);
  const feeds: Feeds = {};
  const preprocess = backbone.resolvePreprocess();
  if (preprocess.kind === 'text') {
    const length = Math.min(TEXT_LENGTH, preprocess.maxLength);
    const ids = (fill: (i: number) => number) =>
      new ort.Tensor(
        'int64',
        BigInt64Array.from({ length: count * length }, (_, i) => BigInt(fill(i))),
        [count, length],
      );
    for (const input of backbone.inputs) {
      if (input.name === 'input_ids') feeds[input.name] = ids(() => 5 + rng.int(50));
      else if (input.name === 'position_ids') feeds[input.name] = ids((i) => i % length);
      else feeds[input.name] = ids(() => (input.name === 'attention_mask' ? 1 : 0));
    }
    return feeds;
  }
  const [h, w] = preprocess.resize;
  const planes = preprocess.channels === 'gray' ? 1 : 3;
  const dims = preprocess.layout === 'nchw' ? [count, planes, h, w] : [count, h, w, planes];
  const input = backbone.inputs.find((i) => i.shape.length === 4) ?? backbone.inputs[0]!;
  const size = dims.reduce((a, b) => a * b, 1);
  feeds[input.name] = new ort.Tensor(
    'float32',
    Float32Array.from({ length: size }, () => rng.next()),
    dims,
  );
  return feeds;
}
