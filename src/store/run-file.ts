import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { writeJsonAtomic } from '../core/atomic-write.js';
import { LayerlabError } from '../core/errors.js';

/**
 * The one reader and the one writer of a run folder's JSON files (run-meta.json, control/*.json,
 * run.json, visits.json, results.json, triage.json, sweep.json…; the list is in docs/architecture.md,
 * "The run folder"). Every file has a zod schema next to the code that owns it; reading validates
 * against it, writing is atomic.
 */

/**
 * What checks a file: a zod schema, or (for the files `results` lists, which must load without zod:
 * see run-meta.ts) a small hand-written check with the same `safeParse` shape.
 */
export interface RunFileSchema<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/**
 * One JSON file of a run folder, validated: undefined when the run has not written it yet, a
 * BAD_DATA error naming the file and the fix when it is damaged (cut short by a full disk, or edited
 * by hand), `fix` ending its message. `name` may name a file in a sub-folder (`control/…`).
 */
export function readRunFile<T>(
  runDir: string,
  name: string,
  schema: RunFileSchema<T>,
  fix: string,
): T | undefined {
  const path = join(runDir, name);
  if (!existsSync(path)) return undefined;
  const damaged = (why: string) => new LayerlabError('BAD_DATA', `${path} is damaged (${why}); ${fix}`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new LayerlabError('IO', `cannot read ${path} (${code}); check its permissions`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw damaged(text.trim().length === 0 ? 'it is empty' : 'it is not valid JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw damaged(`${issue.path.map(String).join('.') || 'its content'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Writes one JSON file of a run folder atomically (temp file + rename: a reader sees the old or the
 * new content, never a part), pretty-printed; JSON writes NaN and ±Infinity as null.
 */
export function writeRunFile(runDir: string, name: string, value: unknown): void {
  writeJsonAtomic(join(runDir, name), value);
}

/**
 * Compile-time check that what a writer writes is what the file's schema accepts: `Written` must be
 * assignable to the schema's input. Schemas of files that carry the trainer's own types are loose
 * (they state what readers rely on), so the check runs one way.
 */
export type Conforms<Written, S extends z.ZodType> = [Plain<Written>] extends [z.input<S>] ? true : never;

/** An interface as an object type, so it can meet a loose schema's index signature. */
type Plain<T> = T extends readonly (infer U)[]
  ? Plain<U>[]
  : T extends object
    ? { [K in keyof T]: Plain<T[K]> }
    : T;
