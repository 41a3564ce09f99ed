import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { configError, notFound } from '../../core/errors.js';
import { PARAMETERS, type ParameterName } from './head-parameters.js';

/**
 * The head search space of `train --heads FILE` and of sweep files' `heads:` block (docs/contract.md,
 * "Head search space"). Each key is a single value, a list (a grid axis; a choice in random
 * search) or a distribution. Keys beyond the contract's (`schedule`, `classWeight`, `layer`) are
 * optional extras; `layer` takes `--layers` selectors and makes the layer a search parameter.
 */
export const scalarSchema = z.union([z.number(), z.string()]);
const value = z.union([scalarSchema, z.array(scalarSchema)]);
const pair = z.tuple([z.number(), z.number()]);

/** The distributions over numbers, spelled alike in head spaces and sweep files. */
export const numericDistributionSchemas = [
  z.strictObject({ log_uniform_values: pair }),
  z.strictObject({ uniform: pair }),
  z.strictObject({ int_uniform: pair }),
] as const;

export const distributionSchema = z.union([
  ...numericDistributionSchemas,
  z.strictObject({ choice: z.array(value).min(1) }),
]);
export type Distribution = z.infer<typeof distributionSchema>;

const parameter = z.union([scalarSchema, z.array(value).min(1), distributionSchema]);
export type ParameterSpec = z.infer<typeof parameter>;

/**
 * Every head parameter (head-parameters.ts), each optional and taking `spec` (sweep files spell
 * parameters their own way).
 */
export function headParameterShape<T extends z.ZodType>(spec: T) {
  const optional = spec.optional();
  return Object.fromEntries(PARAMETERS.map((name) => [name, optional])) as Record<
    ParameterName,
    z.ZodOptional<T>
  >;
}

export const headSpaceSchema = z.strictObject({
  ...headParameterShape(parameter),
  layer: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
});
export type HeadSpace = z.infer<typeof headSpaceSchema>;

/** One line per problem, naming the key: `lr: expected number`. */
function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ');
}

/** Validates a parsed document (the block itself, or a sweep-style `{heads: {...}}`). */
export function parseHeadSpace(document: unknown, source = 'head search space'): HeadSpace {
  const block =
    document && typeof document === 'object' && !Array.isArray(document) && 'heads' in document
      ? document.heads
      : document;
  const parsed = headSpaceSchema.safeParse(block ?? {});
  if (!parsed.success) throw configError(`${source}: ${describe(parsed.error)}`);
  return parsed.data;
}

/** Reads a YAML or JSON head search space file. */
export function readHeadSpaceFile(path: string): HeadSpace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw notFound(`heads file ${path} not found`);
  }
  let document: unknown;
  try {
    document = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    // the YAML parser's message ends with a code frame over several lines: keep its first line
    const reason = (error as Error).message.split('\n')[0]!.replace(/:$/, '');
    throw configError(`heads file ${path} is not valid YAML/JSON: ${reason}; fix it there`);
  }
  return parseHeadSpace(document, path);
}

export const isDistribution = (spec: ParameterSpec): spec is Distribution =>
  typeof spec === 'object' && !Array.isArray(spec);
