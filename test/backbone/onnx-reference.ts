import * as ort from 'onnxruntime-node';
import type { CapturePoint } from '../../src/backbone/capture-point.js';
import type { Feeds } from '../../src/backbone/onnx-capture.js';
import { createOnnxSession, type OnnxModelFile } from '../../src/backbone/onnx-model-file.js';
import type { Reference } from './capture-contract.js';
import { cutModel } from './cut-model.js';

/**
 * Runs `bytes` (a model sharing `file`'s folder for external data) on `feeds` and returns `output`.
 * A model with a fixed batch dimension runs one record at a time.
 */
export async function runOnnx(
  file: OnnxModelFile,
  bytes: Uint8Array,
  feeds: Feeds,
  output: string,
  fixedBatch?: number,
): Promise<Reference> {
  const session = await createOnnxSession(file, bytes, 1);
  try {
    const first = Object.values(feeds)[0]!;
    const count = first.dims[0]!;
    if (!fixedBatch) {
      const tensor = (await session.run(feeds))[output]!;
      return { data: Float32Array.from(tensor.data as Float32Array), dims: [...tensor.dims] };
    }
    const parts: Float32Array[] = [];
    let dims: number[] = [];
    for (let r = 0; r < count; r++) {
      const one: Feeds = {};
      for (const [name, t] of Object.entries(feeds)) {
        const per = t.size / count;
        const data = (t.data as Float32Array).subarray(r * per, (r + 1) * per);
        one[name] = new ort.Tensor(t.type as 'float32', data, [1, ...t.dims.slice(1)]);
      }
      const tensor = (await session.run(one))[output]!;
      parts.push(Float32Array.from(tensor.data as Float32Array));
      dims = [count, ...tensor.dims.slice(1)];
    }
    return { data: Float32Array.from(parts.flatMap((p) => [...p])), dims };
  } finally {
    await session.release();
  }
}

/** The point's tensor from a sub-model cut at it: the independent reference for a capture. */
export function cutReference(file: OnnxModelFile, point: CapturePoint, feeds: Feeds, fixedBatch?: number) {
  return runOnnx(file, cutModel(file.bytes, point.name), feeds, point.name, fixedBatch);
}

/** The unmodified model's first output. */
export async function originalOutput(file: OnnxModelFile, feeds: Feeds, fixedBatch?: number) {
  const name = file.info.graph.outputs[0]!.name;
  const out = await runOnnx(file, file.bytes, feeds, name, fixedBatch);
  return { point: name, data: out.data as Float32Array };
}
