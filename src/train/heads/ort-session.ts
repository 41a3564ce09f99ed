import { ort } from '../../backbone/ort-runtime.js';

/**
 * Sessions for head graphs: one intra-op and one inter-op thread, because MOP already runs one
 * worker per core, and because single-threaded kernels sum in a fixed order, so the same inputs
 * give the same bits (what the determinism and MOP-equivalence checks rely on).
 */
export const headSessionOptions: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  logSeverityLevel: 3,
};

export function createHeadSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, headSessionOptions);
}

export function outputOf(outputs: ort.InferenceSession.OnnxValueMapType, name: string): ort.Tensor {
  const value = outputs[name];
  if (!value) throw new Error(`head graph produced no output ${name}`);
  return value;
}

/** The onnxruntime-node module itself, for the pool to load the addon in the main thread first. */
export { ort };
