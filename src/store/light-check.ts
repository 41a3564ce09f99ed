import type { RunFileSchema } from './run-file.js';

/**
 * Checks for the run-folder files that `results` and `--help` reach (run-meta.json, control/),
 * written without zod: loading zod costs more start-up time than the whole `results` list. They
 * answer like a zod schema (`safeParse`), so run-file.ts reads every file alike.
 */
type Problem = { path: PropertyKey[]; message: string };
export type Check = (value: unknown) => Problem | undefined;

const problem = (message: string): Problem => ({ path: [], message });
const within = (key: PropertyKey, p: Problem | undefined) =>
  p && { path: [key, ...p.path], message: p.message };

export const string: Check = (v) => (typeof v === 'string' ? undefined : problem('expected a string'));
export const nonEmpty: Check = (v) =>
  typeof v === 'string' && v.length > 0 ? undefined : problem('expected a non-empty string');
export const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : problem('expected a boolean'));
export const count: Check = (v) =>
  Number.isInteger(v) && (v as number) >= 0 ? undefined : problem('expected an integer ≥ 0');
export const positiveInt: Check = (v) =>
  Number.isInteger(v) && (v as number) > 0 ? undefined : problem('expected a positive integer');
export const oneOf =
  (...words: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && words.includes(v) ? undefined : problem(`expected ${words.join(' or ')}`);
export const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined ? undefined : check(v);
export const arrayOf =
  (check: Check): Check =>
  (v) => {
    if (!Array.isArray(v)) return problem('expected an array');
    for (const [i, item] of v.entries()) {
      const p = within(i, check(item));
      if (p) return p;
    }
    return undefined;
  };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const recordOf =
  (check: Check): Check =>
  (v) => {
    if (!isObject(v)) return problem('expected an object');
    for (const [key, item] of Object.entries(v)) {
      const p = within(key, check(item));
      if (p) return p;
    }
    return undefined;
  };

export const object =
  (shape: Record<string, Check>): Check =>
  (v) => {
    if (!isObject(v)) return problem('expected an object');
    for (const [key, check] of Object.entries(shape)) {
      const p = within(key, check(v[key]));
      if (p) return p;
    }
    return undefined;
  };

/** Objects told apart by one tag field (like z.discriminatedUnion). */
export const tagged =
  (tag: string, shapes: Record<string, Record<string, Check>>): Check =>
  (v) => {
    if (!isObject(v)) return problem('expected an object');
    const shape = typeof v[tag] === 'string' ? shapes[v[tag]] : undefined;
    if (!shape) return within(tag, problem(`expected ${Object.keys(shapes).join(' or ')}`));
    return object(shape)(v);
  };

/** A check as a run-file schema of type T (the file's type is declared beside the check). */
export function fileSchema<T>(check: Check): RunFileSchema<T> {
  return {
    safeParse: (value) => {
      const p = check(value);
      return p ? { success: false, error: { issues: [p] } } : { success: true, data: value as T };
    },
  };
}

export const numberOrString: Check = (v) =>
  typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))
    ? undefined
    : problem('expected a number or a string');

export const matches =
  (pattern: RegExp, what: string): Check =>
  (v) =>
    typeof v === 'string' && pattern.test(v) ? undefined : problem(`expected ${what}`);
