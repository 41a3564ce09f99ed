import { appendToGraph, GraphBuilder } from '../src/core/onnx/index.js';
import { IMAGE_SIZE } from '../datasets/shapes.js';
import { floatTensor, openSession, outputData } from './ort-session.js';
import { batchImages, type RenderedRecords } from './shapes-batches.js';

export interface LayerFeatures {
  layer: string;
  dims: number;
  /** [records, dims], row-major */
  data: Float32Array;
}

/**
 * Global-average-pooled features of several intermediate tensors in one pass: a GlobalAveragePool and
 * Flatten per layer are appended to the model's graph and declared as extra outputs.
 */
export async function captureGapFeatures(
  model: Uint8Array,
  layers: readonly { name: string; channels: number }[],
  records: RenderedRecords,
  batchSize = 250,
): Promise<LayerFeatures[]> {
  const g = new GraphBuilder('probe', 'probe_');
  const outputs = layers.map((layer) => {
    const pooled = g.op('GlobalAveragePool', [layer.name]);
    const flat = g.op('Flatten', [pooled], { axis: 1 });
    g.output(flat, 'float32', ['N', layer.channels]);
    return flat;
  });
  const additions = g.build();
  const session = await openSession(
    appendToGraph(model, {
      nodes: additions.nodes,
      outputs: additions.outputs,
      initializers: additions.initializers,
    }),
  );
  const features = layers.map((layer) => ({
    layer: layer.name,
    dims: layer.channels,
    data: new Float32Array(records.count * layer.channels),
  }));
  for (let start = 0; start < records.count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, records.count - start) }, (_v, i) => start + i);
    const images = batchImages(records, indices);
    const result = await session.run(
      { image: floatTensor(images, [indices.length, 3, IMAGE_SIZE, IMAGE_SIZE]) },
      outputs,
    );
    outputs.forEach((name, i) =>
      features[i]!.data.set(outputData(result, name), start * layers[i]!.channels),
    );
  }
  await session.release();
  return features;
}
