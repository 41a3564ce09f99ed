import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { Check } from '../../src/cli/doctor/checks.js';
import { buildProgram } from '../../src/cli/main.js';
import type {
  doctorCheckSchema,
  extractEndEventSchema,
  extractionPlanSchema,
  extractProgressEventSchema,
  extractStartEventSchema,
  featureSetSchema,
  headSummarySchema,
  logEventSchema,
  resolvedHeadSchema,
  resultRowSchema,
  runMetaSchema,
  storeManifestSchema,
  sweepTrialSchema,
  trainControlEventSchema,
  trainEndEventSchema,
  trainEpochEventSchema,
  trainStartEventSchema,
  trainUnitEventSchema,
} from '../../src/core/contract/index.js';
import {
  checkDocument,
  checkErrorOutput,
  checkJsonLines,
  commandOutputs,
  contractJsonSchemas,
  contractSchemas,
  doctorSchema,
  errorSchema,
  exportHeadSchema,
  extractResultSchema,
  layersSchema,
  predictResultSchema,
  printSchemas,
  reportSchema,
  resultsCompareSchema,
  resultsListSchema,
  resultsRunSchema,
  storeExportSchema,
  storeGcSchema,
  storeInfoSchema,
  storeListSchema,
  storeVerifySchema,
  sweepFileSchemaSchema,
  sweepPlanSchema,
  sweepResultSchema,
  trainingResultSchema,
} from '../../src/core/contract/index.js';
import type {
  ExtractEndEvent,
  ExtractProgressEvent,
  ExtractStartEvent,
  LogEvent,
  TrainControlEvent,
  TrainEndEvent,
  TrainEpochEvent,
  TrainStartEvent,
  TrainUnitEvent,
} from '../../src/core/events.js';
import type { HeadSummary, TrainingResult } from '../../src/core/result.js';
import type { ExtractionPlan } from '../../src/extract/plan.js';
import type { ResultRow } from '../../src/report/results-table.js';
import type { ExportSummary } from '../../src/store/export-features.js';
import type { FeatureSetManifest, StoreManifest } from '../../src/store/manifest.js';
import { RunStore, type RunMeta } from '../../src/store/run-store.js';
import type { StoreSummary } from '../../src/store/store-catalog.js';
import type { StoreVerification } from '../../src/store/verify-store.js';
import type { SweepResult } from '../../src/sweep/run-sweep.js';
import type { Trial } from '../../src/sweep/sweep-trials.js';
import type { ResolvedHead } from '../../src/train/heads/head-config.js';
import { cliBin, collectRun, runCli, type CliRun } from './cli-run.js';

/**
 * Issue 7: every command's `--json` output validated against its contract schema
 * (src/core/contract), through the real CLI on the built-in model and data. One demo run and its
 * store are shared by every case; each command family also fails once, and its stderr error object
 * and exit code are checked.
 */

/** Runs the CLI and calls `onLine` with each stdout line as it arrives. */
function runCliStreaming(args: string[], onLine: (line: string) => void): Promise<CliRun> {
  const child = spawn(process.execPath, [cliBin, ...args], {
    env: { ...process.env, CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let pending = '';
  child.stdout.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    lines.forEach(onLine);
  });
  return collectRun(child);
}

/** `fn` over `items`, `size` at a time (the CLI processes share a small machine). */
async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size)
    results.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return results;
}

/** A long command that succeeded: NDJSON events, then its result line; nothing on stderr. */
function expectEvents<S extends z.ZodType>(run: CliRun, result: S) {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return checkJsonLines(run.stdout, result);
}

/** A query command that succeeded: one document; nothing on stderr. */
function expectDocument<S extends z.ZodType>(run: CliRun, schema: S): z.output<S> {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return checkDocument(run.stdout, schema);
}

/** A command that failed: nothing on stdout, the error object on stderr, its exit code. */
function expectError(run: CliRun, code: string, exitCode: number) {
  expect(run.stdout).toBe('');
  const error = checkErrorOutput(run.stderr, run.code);
  expect({ code: error.code, exitCode: error.exitCode }).toEqual({ code, exitCode });
  return error;
}

const SWEEP = `model: builtin:shapes-cnn
data: builtin:shapes
layers: [block3/pool, pool]
views: [concat(last:2)]
heads:
  lr: [0.1, 0.03]
  momentum: 0.9
method: grid
epochs: 2
halving: 2
workers: 2
seed: 3
`;

describe('--json output of every command matches its contract schema (real CLI)', () => {
  const home = mkdtempSync(join(tmpdir(), 'layerlab-contract-'));
  const cli = (...args: string[]) => runCli(['--home', home, ...args, '--json']);
  let demo: z.output<typeof trainingResultSchema>;
  let sweepRun: string;

  beforeAll(async () => {
    const run = await cli('demo', '--epochs', '1', '--workers', '2');
    const { events, result } = expectEvents(run, trainingResultSchema);
    const types = new Set(events.map((e) => e.type));
    for (const type of [
      'extract.start',
      'extract.progress',
      'extract.end',
      'log',
      'train.start',
      'train.unit',
      'train.epoch',
      'train.end',
    ])
      expect(types).toContain(type);
    expect(result.cached).toBe(false);
    demo = result;
  });

  it('publishes every schema as JSON Schema', () => {
    const schemas = contractJsonSchemas();
    expect(Object.keys(schemas).sort()).toEqual(Object.keys(contractSchemas).sort());
    for (const [name, schema] of Object.entries(schemas)) {
      expect(schema.title).toBe(`layerlab ${name}`);
      expect(schema.$schema).toMatch(/json-schema\.org/);
    }
    expect(schemas['demo.result'].required).toEqual(
      expect.arrayContaining(['run', 'store', 'metric', 'cached', 'seconds', 'layers', 'best']),
    );
    expect(schemas.error.required).toEqual(['type', 'code', 'message', 'exitCode']);
  });

  it('names the output contract of every command the CLI has', async () => {
    const commands = (await buildProgram()).commands.flatMap((c) =>
      c.commands.length > 0 ? c.commands.map((sub) => `${c.name()} ${sub.name()}`) : [c.name()],
    );
    expect(commands.length).toBeGreaterThan(10);
    for (const command of commands) expect(Object.keys(commandOutputs)).toContain(command);
    expect(printSchemas()).toContain('"layerlab store.verify"');
  });

  it('the types the commands print fit their schemas, field for field', () => {
    type SameKeys<A, B> = [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never]
      ? true
      : false;
    /** every value of T parses, and T names exactly the schema's fields */
    type Fits<T, S extends z.ZodType> = [T] extends [z.input<S>] ? SameKeys<T, z.output<S>> : false;
    expectTypeOf<Fits<ExtractStartEvent, typeof extractStartEventSchema>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<ExtractProgressEvent, typeof extractProgressEventSchema>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<ExtractEndEvent, typeof extractEndEventSchema>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<TrainStartEvent, typeof trainStartEventSchema>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<TrainUnitEvent, typeof trainUnitEventSchema>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<TrainEpochEvent, typeof trainEpochEventSchema>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<TrainControlEvent, typeof trainControlEventSchema>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<TrainEndEvent, typeof trainEndEventSchema>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<LogEvent, typeof logEventSchema>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<TrainingResult, typeof trainingResultSchema>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<SweepResult, typeof sweepResultSchema>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<HeadSummary, typeof headSummarySchema>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<ResolvedHead, typeof resolvedHeadSchema>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<ExtractionPlan, typeof extractionPlanSchema>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<StoreVerification, typeof storeVerifySchema>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<ExportSummary, typeof storeExportSchema>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<RunMeta, typeof runMetaSchema>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<Trial, typeof sweepTrialSchema>>().toEqualTypeOf<true>();
    expectTypeOf<Fits<Check, typeof doctorCheckSchema>>().toEqualTypeOf<true>();
    // Typed more loosely in the code (status: string, preprocessing: a record): the same fields.
    expectTypeOf<SameKeys<ResultRow, z.output<typeof resultRowSchema>>>().toEqualTypeOf<true>();
    expectTypeOf<SameKeys<StoreSummary, z.output<typeof storeInfoSchema>>>().toEqualTypeOf<true>();
    // Loose schemas (a store's own manifest): the fields they name.
    expectTypeOf<SameKeys<StoreManifest, typeof storeManifestSchema.shape>>().toEqualTypeOf<true>();
    expectTypeOf<
      SameKeys<FeatureSetManifest & { bytes: number }, typeof featureSetSchema.shape>
    >().toEqualTypeOf<true>();
  });

  it('layers: the capture points of an image and a text model', async () => {
    const [blocks, all, text] = await Promise.all([
      cli('layers', 'builtin:shapes-cnn'),
      cli('layers', 'builtin:shapes-cnn', '--all'),
      cli('layers', 'builtin:tiny-bert', '--layers', 'last:2'),
    ]);
    expect(expectDocument(blocks, layersSchema).points.map((p) => p.name)).toEqual(
      demo.layers.map((l) => l.layer),
    );
    expect(expectDocument(all, layersSchema).points.length).toBeGreaterThan(6);
    expect(expectDocument(text, layersSchema).points).toHaveLength(2);
  });

  it('extract: a cached re-run, and a plan of a new layer', async () => {
    const again = expectEvents(
      await cli('extract', 'builtin:shapes-cnn', 'builtin:shapes'),
      extractResultSchema,
    );
    expect(again.result).toMatchObject({ store: demo.store, cached: true });
    expect(again.result.featureSets.every((s) => s.reused)).toBe(true);
    expect(again.events.map((e) => e.type)).toEqual(['extract.start', 'extract.end']);
    const plan = expectEvents(
      await cli('extract', 'builtin:shapes-cnn', 'builtin:shapes', '--layers', 'block1/relu', '--plan'),
      extractResultSchema,
    );
    expect(plan.events).toEqual([]);
    expect(plan.result).toMatchObject({ dryRun: true, cached: false });
    expect(plan.result.plan.stages.length).toBeGreaterThan(0);
  });

  it('store ls, info, verify, export and gc', async () => {
    const [ls, info, verify, exported] = await Promise.all([
      cli('store', 'ls'),
      cli('store', 'info', demo.store),
      cli('store', 'verify', demo.store),
      cli('store', 'export', demo.store, '--layer', 'block2/pool', '--out', join(home, 'export')),
    ]);
    expect(expectDocument(ls, storeListSchema).stores.map((s) => s.store)).toEqual([demo.store]);
    expect(expectDocument(info, storeInfoSchema).featureSets).toHaveLength(6);
    expect(expectDocument(verify, storeVerifySchema).ok).toBe(true);
    expect(expectDocument(exported, storeExportSchema)).toMatchObject({ rows: 4000, dims: 32 });
    // gc refuses while the store is read, so one at a time.
    const gc = await cli('store', 'gc', '--dry-run');
    expect(expectDocument(gc, storeGcSchema)).toEqual({ dryRun: true, removed: [] });
    const gcLayer = await cli('store', 'gc', demo.store, '--layer', 'logits', '--dry-run');
    expect(expectDocument(gcLayer, storeGcSchema).removed).toEqual([
      { store: demo.store, layers: ['logits'] },
    ]);
    const gcAll = await cli('store', 'gc', demo.store, '--all', '--dry-run');
    expect(expectDocument(gcAll, storeGcSchema).removed).toEqual([{ store: demo.store, whole: true }]);
  });

  it('store verify of a damaged store: the report, then the error object and exit 65', async () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'layerlab-contract-damaged-')), 'store');
    cpSync(demo.store, copy, { recursive: true });
    // Flip one byte of one stored batch behind the store's back.
    const env = open({ path: join(copy, 'features.mdb'), maxDbs: 4, compression: false });
    const data = env.openDB<Uint8Array, string>({ name: 'data', encoding: 'binary' });
    const key = [...data.getKeys({ start: 'b/', end: 'b0' })].find((k) => k.endsWith('/v'))!;
    const bytes = new Uint8Array(data.getBinary(key)!);
    bytes[20] = bytes[20]! ^ 0xff;
    await data.put(key, bytes);
    await env.close();
    const run = await cli('store', 'verify', copy);
    expect(checkDocument(run.stdout, storeVerifySchema).ok).toBe(false);
    expect(checkErrorOutput(run.stderr, run.code)).toMatchObject({ code: 'BAD_DATA', exitCode: 65 });
  });

  it('train: events of a steered run (stop, clone, add, an unknown model) and its result', async () => {
    let sent = false;
    const run = await runCliStreaming(
      [
        '--home',
        home,
        'train',
        '--store',
        demo.store,
        '--layers',
        'pool',
        '--epochs',
        '3',
        '--workers',
        '2',
        '--json',
      ],
      (line) => {
        const event = JSON.parse(line) as { type: string; run?: string };
        if (event.type !== 'train.start' || sent) return;
        sent = true;
        const steer = RunStore.open(join(home, 'runs', event.run!));
        steer.sendControl({ op: 'stop', model: 'm0' });
        steer.sendControl({ op: 'clone', model: 'm1', changes: { lr: 0.05 } });
        steer.sendControl({ op: 'add', layer: 'pool', head: { type: 'mlp', hidden: 8, lr: 0.01 } });
        steer.sendControl({ op: 'stop', model: 'm99' });
      },
    );
    const { events, result } = expectEvents(run, trainingResultSchema);
    const controls = events.filter((e) => e.type === 'train.control');
    expect(controls.map((c) => [c.op, c.applied])).toEqual([
      ['stop', true],
      ['clone', true],
      ['add', true],
      ['stop', false],
    ]);
    expect(controls.every((c) => c.id !== undefined)).toBe(true);
    expect(result).toMatchObject({ store: demo.store, cached: true });
  });

  it('sweep plan, sweep (a derived view, halving) and sweep --schema', async () => {
    const file = join(home, 'sweep.yaml');
    writeFileSync(file, SWEEP);
    const plan = expectDocument(await cli('sweep', 'plan', file), sweepPlanSchema);
    expect(plan.trials).toHaveLength(6);
    const sweep = expectEvents(await cli('sweep', file), sweepResultSchema);
    expect(sweep.events.some((e) => e.type === 'train.control' && e.op === 'halve')).toBe(true);
    // The derived view concat(last:2) was computed by this sweep: not every feature set was reused.
    expect(sweep.result).toMatchObject({ trials: 6, cached: false });
    sweepRun = sweep.result.run;
    const schema = expectDocument(await cli('sweep', '--schema'), sweepFileSchemaSchema);
    expect(schema.title).toBe('layerlab sweep file');
  });

  it('results: the run list, one run, a sweep run and a comparison; report', async () => {
    const [list, one, sweep, compare, report] = await Promise.all([
      cli('results'),
      cli('results', demo.run),
      cli('results', sweepRun),
      cli('results', '--compare', demo.run, sweepRun),
      cli('report', demo.run, '--out', join(home, 'report.html')),
    ]);
    expect(expectDocument(list, resultsListSchema).runs.length).toBeGreaterThanOrEqual(3);
    const demoRun = expectDocument(one, resultsRunSchema);
    expect(demoRun.models).toHaveLength(24);
    expect(demoRun.trials).toBeUndefined();
    expect(expectDocument(sweep, resultsRunSchema).trials).toBe(6);
    expect(expectDocument(compare, resultsCompareSchema).runs.map((r) => r.run)).toEqual([
      demo.run,
      sweepRun,
    ]);
    expect(expectDocument(report, reportSchema).bytes).toBeGreaterThan(0);
  });

  it('predict and export-head', async () => {
    const predicted = expectEvents(
      await cli('predict', '--run', demo.run, '--data', 'builtin:shapes', '--out', join(home, 'p.csv')),
      predictResultSchema,
    );
    expect(predicted.result).toMatchObject({
      run: demo.run,
      head: demo.best.head.id,
      records: 4000,
      cached: true,
    });
    const exported = expectDocument(
      await cli('export-head', '--run', demo.run, '--out', join(home, 'head.onnx')),
      exportHeadSchema,
    );
    expect(exported.layer).toBe(demo.best.layer);
  });

  it('doctor: a working installation, and a home that cannot be used (document, then error 78)', async () => {
    const file = join(home, 'a-file');
    writeFileSync(file, '');
    const [ok, bad] = await Promise.all([
      cli('doctor'),
      runCli(['--home', join(file, 'home'), 'doctor', '--json']),
    ]);
    expect(expectDocument(ok, doctorSchema).ok).toBe(true);
    expect(checkDocument(bad.stdout, doctorSchema).ok).toBe(false);
    expect(checkErrorOutput(bad.stderr, bad.code)).toMatchObject({ code: 'CONFIG', exitCode: 78 });
  });

  it('every command family fails with the error object on stderr and its exit code', async () => {
    const badSweep = join(home, 'bad-sweep.yaml');
    writeFileSync(badSweep, 'model: 3\n');
    const cases: [args: string[], code: string, exitCode: number][] = [
      [['demo', '--epochs', '0'], 'USAGE', 2],
      [['layers', 'builtin:shapes-cnn', '--layers', 'no-such-layer'], 'BAD_MODEL', 65],
      [['extract', 'builtin:shapes-cnn', join(home, 'missing-data')], 'NOT_FOUND', 66],
      [['store', 'info', 'no-such-store'], 'NOT_FOUND', 66],
      [['train', '--store', demo.store, '--layers', 'nope'], 'NOT_FOUND', 66],
      [['sweep', badSweep], 'CONFIG', 78],
      [['results', demo.run, sweepRun], 'USAGE', 2],
      [['report', 'run-nope'], 'NOT_FOUND', 66],
      [['predict', '--run', 'run-nope', '--data', 'builtin:shapes'], 'NOT_FOUND', 66],
      [['export-head', '--run', demo.run, '--head', 'm999'], 'NOT_FOUND', 66],
      [['ui'], 'USAGE', 2],
      // Rejected by the argument parser itself: unknown option, unknown command, missing subcommand.
      [['store', 'ls', '--bogus'], 'USAGE', 2],
      [['no-such-command'], 'USAGE', 2],
      [['store'], 'USAGE', 2],
    ];
    const runs = await inBatches(cases, 4, ([args]) => cli(...args));
    runs.forEach((run, i) => {
      const [args, code, exitCode] = cases[i]!;
      expect({ args, code: run.code }).toEqual({ args, code: exitCode });
      expectError(run, code, exitCode);
    });
    // The schema ties each code to the exit-code table.
    expect(errorSchema.safeParse({ type: 'error', code: 'USAGE', message: 'x', exitCode: 66 }).success).toBe(
      false,
    );
  });
});
