import * as ort from 'onnxruntime-node';

/**
 * Single-threaded sessions: with one intra-op thread ONNX Runtime's CPU kernels sum in a fixed order,
 * so the same inputs give the same bits on the same machine, which the byte-identical rebuild needs.
 */
export const deterministicSessionOptions: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  logSeverityLevel: 3,
};

export function openSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, deterministicSessionOptions);
}

export const floatTensor = (data: Float32Array, dims: readonly number[]) =>
  new ort.Tensor('float32', data, dims);

/** The float32 data of a named output; throws when the session did not produce it. */
export function outputData(outputs: ort.InferenceSession.OnnxValueMapType, name: string): Float32Array {
  const value = outputs[name];
  if (!value) throw new Error(`session produced no output ${name}`);
  return value.data as Float32Array;
}
