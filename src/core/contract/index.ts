import { z } from 'zod';
import { documentSchemas, errorSchema, eventSchema, eventSchemas, resultSchemas } from './registry.js';

/**
 * The `--json` machine contract as zod schemas (DESIGN.md, "Machine contract"): the NDJSON events and
 * final `result` line of every long command, the single document of every query command, and the
 * error object on stderr. `contractJsonSchemas()` publishes them as JSON Schema (draft 2020-12);
 * `checkJsonLines`, `checkDocument` and `checkErrorOutput` validate a command's real output.
 */
export * from './cluster.js';
export * from './documents.js';
export * from './error.js';
export * from './events.js';
export * from './results.js';
export * from './runs.js';
export * from './store.js';
export * from './triage.js';
export { headSummarySchema, preprocessingSchema, resolvedHeadSchema } from './shared.js';
export { commandOutputs, type CommandOutput } from './registry.js';

/** Every contract schema by name: `event`, `event:<type>`, `<command>.result`, documents, `error`. */
export const contractSchemas = {
  event: eventSchema,
  ...eventSchemas,
  ...resultSchemas,
  ...documentSchemas,
  error: errorSchema,
} as const;

export type ContractName = keyof typeof contractSchemas;

/** One contract schema as JSON Schema (draft 2020-12), titled with its name. */
export function contractJsonSchema(name: ContractName): Record<string, unknown> {
  return z.toJSONSchema(contractSchemas[name].meta({ title: `layerlab ${name}` }));
}

/** Every contract schema as JSON Schema, by name. */
export function contractJsonSchemas(): Record<ContractName, Record<string, unknown>> {
  const names = Object.keys(contractSchemas) as ContractName[];
  return Object.fromEntries(names.map((name) => [name, contractJsonSchema(name)])) as Record<
    ContractName,
    Record<string, unknown>
  >;
}

/** Every contract schema as one JSON Schema document per name, pretty-printed. */
export function printSchemas(): string {
  return `${JSON.stringify(contractJsonSchemas(), null, 2)}\n`;
}

/** A command's output that breaks its contract: says which line and which fields, and how. */
export class ContractViolation extends Error {
  constructor(what: string, error: z.ZodError | string) {
    super(`${what}: ${typeof error === 'string' ? error : z.prettifyError(error)}`);
    this.name = 'ContractViolation';
  }
}

const excerpt = (line: string) => (line.length > 200 ? `${line.slice(0, 200)}…` : line);

function parseLine(line: string, what: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    throw new ContractViolation(what, `not JSON: ${excerpt(line)}`);
  }
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ContractViolation(what, parsed.error);
  return parsed.data;
}

/**
 * A long command's `--json` stdout: NDJSON, every line an event object, then exactly one `result`
 * line, last, matching `result`. Returns the events and the result.
 */
export function checkJsonLines<S extends z.ZodType>(
  stdout: string,
  result: S,
): { events: z.output<typeof eventSchema>[]; result: z.output<S> } {
  if (!stdout.endsWith('\n')) throw new ContractViolation('stdout', 'does not end with a newline');
  const lines = stdout.slice(0, -1).split('\n');
  const events = lines.slice(0, -1).map((line, i) => {
    const what = `stdout line ${i + 1}`;
    const value = parseLine(line, what);
    return parseWith(eventSchema, value, `${what} (${excerpt(line)})`);
  });
  const last = lines.at(-1)!;
  const what = `stdout line ${lines.length} (the result line)`;
  return { events, result: parseWith(result, parseLine(last, what), what) };
}

/** A query command's `--json` stdout: one JSON document (on one line or pretty-printed). */
export function checkDocument<S extends z.ZodType>(stdout: string, schema: S): z.output<S> {
  return parseWith(schema, parseLine(stdout.trim(), 'stdout'), 'stdout');
}

/**
 * A failed command's stderr under `--json`: one error object, and the process exited with the
 * code the object names.
 */
export function checkErrorOutput(stderr: string, exitCode: number | null): z.output<typeof errorSchema> {
  const lines = stderr.split('\n').filter((line) => line.length > 0);
  if (lines.length !== 1)
    throw new ContractViolation('stderr', `expected one error line, got ${lines.length}: ${excerpt(stderr)}`);
  const error = parseWith(errorSchema, parseLine(lines[0]!, 'stderr'), 'stderr');
  if (error.exitCode !== exitCode)
    throw new ContractViolation('exit code', `${exitCode} differs from the error object's ${error.exitCode}`);
  return error;
}
