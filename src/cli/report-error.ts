import { ExitCode, isLayerlabError, LayerlabError } from '../core/errors.js';

/**
 * Operating-system failures that describe the machine, not a bug (a full disk, a read-only mount,
 * wherever in the program they surface): known errors, one line naming the fix.
 */
function machineStateError(error: unknown): LayerlabError | undefined {
  const { code, path } = error as NodeJS.ErrnoException;
  const where = path ? ` writing ${path}` : '';
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new LayerlabError(
      'IO',
      `no space left on the device${where} (${code}); free disk space, or pass --home or --store elsewhere`,
    );
  if ((code === 'EACCES' || code === 'EPERM') && path)
    return new LayerlabError(
      'IO',
      `permission denied on ${path} (${code}); make it accessible (chmod), or pass --home, --store or --out elsewhere`,
    );
  if (code === 'EROFS')
    return new LayerlabError(
      'STORE_NOT_WRITABLE',
      `read-only file system${where}; pass --home or --store with a writable folder`,
    );
  return undefined;
}

/**
 * The one reporter for failures: known errors print one line naming the fix, unknown ones their
 * stack. With `--json` the error is one JSON object on stderr (docs/contract.md, "--json").
 */
export function reportError(
  failure: unknown,
  json: boolean,
  stderr: NodeJS.WritableStream = process.stderr,
): number {
  const error = machineStateError(failure) ?? failure;
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
