import { ExitCode, isLayerlabError } from '../core/errors.js';

/**
 * The one reporter for failures: known errors print one line naming the fix, unknown ones their
 * stack. With `--json` the error is one JSON object on stderr (DESIGN.md, "--json").
 */
export function reportError(
  error: unknown,
  json: boolean,
  stderr: NodeJS.WritableStream = process.stderr,
): number {
  if (isLayerlabError(error)) {
    if (json)
      stderr.write(
        `${JSON.stringify({ type: 'error', code: error.code, message: error.message, exitCode: error.exitCode })}\n`,
      );
    else stderr.write(`layerlab: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (json)
    stderr.write(
      `${JSON.stringify({ type: 'error', code: 'UNEXPECTED', message, exitCode: ExitCode.unexpected })}\n`,
    );
  else
    stderr.write(
      `layerlab: unexpected failure, please report it:\n${error instanceof Error ? (error.stack ?? message) : message}\n`,
    );
  return ExitCode.unexpected;
}
