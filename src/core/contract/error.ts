import { z } from 'zod';
import { ExitCode, LayerlabError, type ErrorCode } from '../errors.js';

/** Every code a LayerlabError carries, plus `UNEXPECTED` for bugs (reported with exit code 1). */
const knownCodes = [
  'USAGE',
  'BAD_MODEL',
  'BAD_DATA',
  'NOT_FOUND',
  'STORE_LOCKED',
  'STORE_NOT_WRITABLE',
  'IO',
  'CONFIG',
  'INTERRUPTED',
  'NOTHING_FITS',
] as const satisfies readonly ErrorCode[];

/** Fails to compile when core/errors.ts gains a code this list lacks. */
const everyCode: [ErrorCode] extends [(typeof knownCodes)[number]] ? true : never = true;
void everyCode;

/** The exit code the one exit-code table (core/errors.ts) gives an error code. */
export function exitCodeFor(code: ErrorCode | 'UNEXPECTED'): number {
  return code === 'UNEXPECTED' ? ExitCode.unexpected : new LayerlabError(code, '').exitCode;
}

/**
 * The error object every command writes to stderr with `--json` (docs/contract.md, "--json"), one line,
 * with the exit code the process ends with.
 */
export const errorSchema = z
  .strictObject({
    type: z.literal('error'),
    code: z.enum([...knownCodes, 'UNEXPECTED']),
    /** one line naming the problem and the fix (several lines for a sweep file's problems) */
    message: z.string().min(1),
    exitCode: z.literal(Object.values(ExitCode).filter((c) => c !== ExitCode.ok)),
  })
  .refine((e) => e.exitCode === exitCodeFor(e.code), {
    message: "exitCode is not the exit-code table's code for this error code",
    path: ['exitCode'],
  });
