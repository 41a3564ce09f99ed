import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { LayerlabError } from '../../core/errors.js';

/**
 * One JSON file of a run folder, validated: undefined when the run has not written it yet, a
 * BAD_DATA error naming the file and the fix when it is damaged (cut short by a full disk, or edited
 * by hand), `fix` ending its message. The data is returned as written (the schema checks what
 * readers rely on).
 */
export function readRunFile(runDir: string, name: string, schema: z.ZodType, fix: string): unknown {
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
    throw damaged(`${issue.path.join('.') || 'its content'}: ${issue.message}`);
  }
  return json;
}
