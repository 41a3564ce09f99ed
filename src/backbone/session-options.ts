import type { InferenceSession } from 'onnxruntime-node';

/** ORT session options used everywhere: quiet logs (docs/architecture.md), thread counts chosen by the caller. */
export function sessionOptions(threads: number): InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  };
}
