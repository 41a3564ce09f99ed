/**
 * The one error hierarchy and exit-code table (docs/contract.md, "Exit codes").
 * Known failures are LayerlabErrors: one line naming the problem and the fix, no stack.
 * Anything else is a bug and is reported with its stack and exit code 1.
 */
export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  badInput: 65,
  notFound: 66,
  storeUnavailable: 73,
  io: 74,
  config: 78,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | 'USAGE'
  | 'BAD_MODEL'
  | 'BAD_DATA'
  | 'NOT_FOUND'
  | 'STORE_LOCKED'
  | 'STORE_NOT_WRITABLE'
  | 'IO'
  | 'CONFIG'
  | 'INTERRUPTED'
  | 'NOTHING_FITS';

const exitCodeOf: Record<ErrorCode, ExitCode> = {
  USAGE: ExitCode.usage,
  BAD_MODEL: ExitCode.badInput,
  BAD_DATA: ExitCode.badInput,
  NOT_FOUND: ExitCode.notFound,
  STORE_LOCKED: ExitCode.storeUnavailable,
  STORE_NOT_WRITABLE: ExitCode.storeUnavailable,
  IO: ExitCode.io,
  CONFIG: ExitCode.config,
  INTERRUPTED: ExitCode.interrupted,
  NOTHING_FITS: ExitCode.config,
};

export class LayerlabError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LayerlabError';
    this.code = code;
    this.exitCode = exitCodeOf[code];
  }
}

export const usageError = (message: string) => new LayerlabError('USAGE', message);
export const badModel = (message: string, cause?: unknown) =>
  new LayerlabError('BAD_MODEL', message, { cause });
export const badData = (message: string, cause?: unknown) =>
  new LayerlabError('BAD_DATA', message, { cause });
export const notFound = (message: string) => new LayerlabError('NOT_FOUND', message);
export const configError = (message: string) => new LayerlabError('CONFIG', message);
export const interrupted = () => new LayerlabError('INTERRUPTED', 'interrupted; finished work is saved');

export function isLayerlabError(error: unknown): error is LayerlabError {
  return error instanceof LayerlabError;
}
