import { IMAGE_SIZE } from '../datasets/shapes.js';
import { argmaxRow } from './argmax.js';
import { floatTensor, openSession, outputData } from './ort-session.js';
import { batchImages, type RenderedRecords } from './shapes-batches.js';

/** Top-1 accuracy of a model with input `image` and output `logits` on rendered records. */
export async function evaluateAccuracy(
  model: Uint8Array,
  records: RenderedRecords,
  classes: number,
  batchSize = 250,
): Promise<number> {
  const session = await openSession(model);
  let correct = 0;
  for (let start = 0; start < records.count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, records.count - start) }, (_v, i) => start + i);
    const images = batchImages(records, indices);
    const outputs = await session.run({
      image: floatTensor(images, [indices.length, 3, IMAGE_SIZE, IMAGE_SIZE]),
    });
    const logits = outputData(outputs, 'logits');
    indices.forEach((index, b) => {
      if (argmaxRow(logits, b, classes) === records.labels[index]) correct++;
    });
  }
  await session.release();
  return correct / records.count;
}
