import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { configError, notFound } from '../core/errors.js';
import { headValueRules } from './head-value-rules.js';
import { sweepSchema, type HeadsBlock, type SweepFile } from './sweep-schema.js';

type Path = (string | number)[];

interface Problem {
  path: Path;
  message: string;
  /** point at the key itself (unknown keys) rather than its value */
  atKey?: string;
}

/**
 * Reads and validates a sweep file. Every problem is reported as `file:line:column: key.path: what
 * is expected`, all at once, as a configuration error (exit 78). JSON is parsed as YAML (a superset),
 * so both get positions.
 */
export function parseSweepFile(path: string): SweepFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw notFound(`sweep file ${path} not found`);
  }
  return parseSweepText(text, path);
}

export function parseSweepText(text: string, path: string): SweepFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const where = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${path}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    throw configError(doc.errors.map((e) => `${where(e.pos[0])}: ${firstLine(e.message)}`).join('\n'));
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw configError(
      `${path}:1:1: (top level): expected a mapping of sweep settings (model, data, heads, ...)`,
    );
  }
  const parsed = sweepSchema.safeParse(data);
  const problems: Problem[] = parsed.success
    ? headValueProblems(parsed.data)
    : parsed.error.issues.flatMap((issue) => problemsOf(issue, data));
  if (problems.length > 0) {
    throw configError(
      problems
        .map((p) => `${where(offsetOf(doc, p))}: ${pathText(p.path, p.atKey)}: ${p.message}`)
        .join('\n'),
    );
  }
  return resolvePaths(parsed.data!, dirname(resolve(path)));
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function pathText(path: Path, atKey?: string): string {
  const full = atKey === undefined ? path : [...path, atKey];
  return full.length === 0
    ? '(top level)'
    : full
        .map((p) => (typeof p === 'number' ? `[${p}]` : p))
        .join('.')
        .replace(/\.\[/g, '[');
}

/** Whether the document has a value at `path` (zod 4 does not report the input by default). */
function present(data: unknown, path: Path): boolean {
  let node: unknown = data;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !(key in node)) return false;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node !== undefined;
}

function problemsOf(issue: z.core.$ZodIssue, data: unknown): Problem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path,
      atKey: key,
      message: `unknown key; expected one of ${knownKeys(path)}`,
    }));
  }
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && !present(data, path)) {
    return [{ path, message: `required: ${expectedOf(path)}` }];
  }
  if (issue.code === 'invalid_union' || issue.code === 'invalid_type')
    return [{ path, message: `expected ${expectedOf(path)}` }];
  return [{ path, message: issue.message }];
}

const TOP_KEYS = Object.keys(sweepSchema.shape).join(', ');

function knownKeys(path: Path): string {
  if (path.length === 0) return TOP_KEYS;
  if (path[0] === 'heads' && path.length === 1) return Object.keys(headValueRules).join(', ');
  if (path[0] === 'preprocess') return 'resize, scale, mean, std, channels, layout, maxLength';
  if (path[0] === 'data')
    return 'ref, textColumn, labelColumn, splitColumn, idColumn, imageColumn, groupColumn, table, query, split, seed';
  if (path[0] === 'metric') return 'name, goal';
  if (path[0] === 'halving') return 'eta';
  if (path[0] === 'groups') return 'minRecords';
  if (path[0] === 'heads')
    return 'value, values, log_uniform_values, uniform, int_uniform, q_uniform, or distribution/min/max/q';
  return 'the documented keys';
}

function expectedOf(path: Path): string {
  const [top, key] = path;
  if (top === 'heads' && typeof key === 'string') {
    const rule = headValueRules[key];
    return `${rule ? rule.expected : 'a value'}, as a value, a list, or a distribution ({log_uniform_values: [min, max]}, {uniform: [a, b]}, {int_uniform: [a, b]}, {q_uniform: [a, b, q]}, {values: [...]}, {value: x})`;
  }
  const expected: Record<string, string> = {
    model: 'a model ref: an .onnx file, a model folder, a model.json, or builtin:NAME',
    data: 'a data ref (string) or {ref, textColumn, labelColumn, split, seed}',
    layers: 'a layer selector or a list of them (names, globs, blocks, last:K, every:K, block indices)',
    pooling: 'mean, max, cls, none or grid:K, or a list of them',
    heads: 'a mapping of head parameters (type, hidden, lr, l2, batchSize, optimizer, momentum, dropout)',
    method: 'grid or random',
    run_cap: 'a positive integer',
    epochs: 'a positive integer',
    workers: 'a positive integer',
    seed: 'an integer',
    halving: 'a reduction factor η > 1, or {eta: η}',
    groups: 'true, or {minRecords: N}',
    metric: '{name: accuracy|macro_f1, goal: maximize}',
    views: 'a list of derived views: sum(last:K), mean(last:K), concat(last:K)',
    preprocess: 'a mapping: resize, scale, mean, std, channels, layout, maxLength',
  };
  return (typeof top === 'string' && expected[top]) || 'a valid value';
}

/** Value-level checks of the heads block: each listed value and distribution bound on its own. */
function headValueProblems(sweep: SweepFile): Problem[] {
  const problems: Problem[] = [];
  for (const [name, spec] of Object.entries(sweep.heads)) {
    const rule = headValueRules[name]!;
    const check = (value: unknown, path: Path) => {
      if (!rule.test(value))
        problems.push({ path, message: `expected ${rule.expected}, got ${JSON.stringify(value)}` });
    };
    const base: Path = ['heads', name];
    if (Array.isArray(spec)) spec.forEach((v, i) => check(v, [...base, i]));
    else if (typeof spec !== 'object') check(spec, base);
    else if ('value' in spec) check(spec.value, [...base, 'value']);
    else if ('values' in spec) spec.values.forEach((v, i) => check(v, [...base, 'values', i]));
    else {
      const { kind, lo, hi, named } = distributionBounds(spec);
      const boundsPath = named ? base : [...base, kind];
      if (!rule.numeric)
        problems.push({ path: boundsPath, message: `${name} takes values, not a ${kind} distribution` });
      else if (!(hi >= lo))
        problems.push({ path: boundsPath, message: `${kind} needs min ≤ max, got [${lo}, ${hi}]` });
      else if (kind === 'log_uniform_values' && !(lo > 0))
        problems.push({ path: boundsPath, message: `log_uniform_values needs min > 0, got ${lo}` });
      else if (kind === 'int_uniform' && !(Number.isInteger(lo) && Number.isInteger(hi)))
        problems.push({ path: boundsPath, message: 'int_uniform needs integer bounds' });
      else {
        check(lo, boundsPath);
        check(hi, boundsPath);
      }
    }
  }
  return problems;
}

type DistributionSpec = Exclude<
  HeadsBlock[keyof HeadsBlock],
  undefined | string | number | unknown[] | { value: unknown } | { values: unknown }
>;

/** A distribution's kind and bounds, in either spelling (`{uniform: [a, b]}` or `{distribution, min, max}`). */
function distributionBounds(spec: DistributionSpec): {
  kind: string;
  lo: number;
  hi: number;
  named: boolean;
} {
  if ('distribution' in spec) return { kind: spec.distribution, lo: spec.min, hi: spec.max, named: true };
  if ('log_uniform_values' in spec)
    return {
      kind: 'log_uniform_values',
      lo: spec.log_uniform_values[0],
      hi: spec.log_uniform_values[1],
      named: false,
    };
  if ('uniform' in spec) return { kind: 'uniform', lo: spec.uniform[0], hi: spec.uniform[1], named: false };
  if ('int_uniform' in spec)
    return { kind: 'int_uniform', lo: spec.int_uniform[0], hi: spec.int_uniform[1], named: false };
  return { kind: 'q_uniform', lo: spec.q_uniform[0], hi: spec.q_uniform[1], named: false };
}

/** The source offset of a problem: the deepest node along its path that exists, or its key. */
function offsetOf(doc: Document, problem: Problem): number {
  for (let depth = problem.path.length; depth >= 0; depth--) {
    const node = doc.getIn(problem.path.slice(0, depth), true) as Node | undefined;
    if (!node) continue;
    if (depth === problem.path.length && problem.atKey !== undefined && isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && item.key.value === problem.atKey,
      );
      const key = pair?.key as Node | undefined;
      if (key?.range) return key.range[0];
    }
    if (depth < problem.path.length && isMap(node)) {
      // A missing key: point at the mapping that should hold it.
      if (node.range) return node.range[0];
    }
    if (node.range) return node.range[0];
  }
  return 0;
}

function resolvePaths(sweep: SweepFile, base: string): SweepFile {
  const local = (ref: string) =>
    ref.startsWith('builtin:') || /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || isAbsolute(ref)
      ? ref
      : resolve(base, ref);
  const data =
    typeof sweep.data === 'string' ? local(sweep.data) : { ...sweep.data, ref: local(sweep.data.ref) };
  return { ...sweep, model: local(sweep.model), data };
}
