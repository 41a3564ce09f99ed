import { ort } from './ort-runtime.js';
import { badModel, isLayerlabError, type LayerlabError } from '../core/errors.js';

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.replace(/\s+/g, ' ').slice(0, 300);
}

/**
 * One line naming what ONNX Runtime refused about a model and what to do, from its messages
 * (an op without a kernel, an opset or IR version it does not know, bytes it cannot parse).
 */
export function onnxRuntimeError(ref: string, error: unknown): LayerlabError {
  if (isLayerlabError(error)) return error;
  const message = firstLine(error);
  const version = ort.env.versions.common;
  const op = /(?:implementation for|registered for|No Op registered for|op_type==?)\s*'?([A-Za-z0-9_]+)/.exec(
    message,
  )?.[1];
  if (/Could not find an implementation|No Op registered|is not a registered function/i.test(message))
    return badModel(
      `${ref} uses an op ONNX Runtime ${version} cannot run${op ? ` (${op})` : ''}; export the model with standard ops or another opset`,
      error,
    );
  if (/opset|IR version/i.test(message) && /unsupported|not supported|greater than/i.test(message))
    return badModel(
      `${ref} needs a newer ONNX Runtime than ${version} (${message}); export it with a lower opset`,
      error,
    );
  if (/protobuf parsing failed|Failed to load model/i.test(message))
    return badModel(`${ref} is not a valid ONNX model (${message}); check the file is complete`, error);
  return badModel(
    `ONNX Runtime cannot run ${ref} (${message}); check the file is complete or export it again`,
    error,
  );
}
