import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { preprocessImages, resolveImagePreprocess } from '../../src/backbone/image-preprocess.js';
import type { TrainingResult } from '../../src/core/result.js';
import { openDataset } from '../../src/data/open-dataset.js';
import { loadHeadBundle, type HeadBundle } from '../../src/deploy/head-bundle.js';
import { FeatureStore, groupsOf } from '../../src/store/feature-store.js';
import type { ModelState } from '../../src/train/heads/head-state.js';
import { readGroupedModelState } from '../../src/train/run-folder/grouped-states.js';
import { requireRunResults } from '../../src/train/run-folder/run-results.js';
import { parseNdjson, runCli } from './cli-run.js';

/** The store's records grouped by the data's own groups, renamed by `rename` (metadata only). */
async function groupStore(storeDir: string, rename: Record<string, string> = {}): Promise<void> {
  const dataset = await openDataset('builtin:shapes-groups');
  const store = FeatureStore.open(storeDir, { write: true });
  try {
    const rows = store.canonicalRows();
    const values: string[] = [];
    rows.forEach((row, c) => {
      const name = dataset.groups![c]!;
      values[row] = rename[name] ?? name;
    });
    const groups = groupsOf(values);
    const manifest = store.manifest()!;
    store.setGroups(
      {
        ...manifest,
        dataset: {
          ...manifest.dataset,
          groups: {
            rule: { method: 'column', column: 'task' },
            groups: groups.names.length,
            records: rows.length,
          },
        },
      },
      groups,
    );
  } finally {
    store.close();
  }
}

/** softmax of the head on (x − mean) / std, written out in JS (x·W + b per layer, ReLU between): no ONNX. */
function probabilitiesOf(bundle: HeadBundle, weights: ModelState, x: Float32Array): number[] {
  const { mean, std } = bundle.standardization;
  let v = Array.from({ length: bundle.dims }, (_, d) => (x[d]! - mean[d]!) / std[d]!);
  const layers = bundle.hidden.length + 1;
  for (let l = 0; l < layers; l++) {
    const w = weights[`W${l}`]!;
    const b = weights[`b${l}`]!;
    const out = b.data.length;
    const next = Array.from(b.data);
    v.forEach((value, d) => {
      for (let c = 0; c < out; c++) next[c]! += value * w.data[d * out + c]!;
    });
    v = l < layers - 1 ? next.map((s) => Math.max(0, s)) : next;
  }
  const top = Math.max(...v);
  const exp = v.map((s) => Math.exp(s - top));
  const total = exp.reduce((a, e) => a + e, 0);
  return exp.map((e) => e / total);
}

function readCsv(path: string): { header: string[]; rows: string[][] } {
  const [header, ...rows] = readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(','));
  return { header: header!, rows };
}

describe('predict and export-head on a train --groups run (real CLI)', () => {
  const home = mkdtempSync(join(tmpdir(), 'layerlab-groups-deploy-'));
  let storeDir: string;
  let result: TrainingResult;
  let runDir: string;

  beforeAll(async () => {
    const extracted = await runCli([
      '--home',
      home,
      'extract',
      'builtin:shapes-cnn',
      'builtin:shapes-groups',
      '--json',
    ]);
    expect(extracted.code).toBe(0);
    storeDir = parseNdjson(extracted.stdout).at(-1)!.store as string;
    await groupStore(storeDir);
    const trained = await runCli([
      '--home',
      home,
      'train',
      '--store',
      storeDir,
      '--groups',
      '--epochs',
      '2',
      '--json',
    ]);
    expect(trained.code).toBe(0);
    result = parseNdjson(trained.stdout).at(-1) as unknown as TrainingResult;
    runDir = join(home, 'runs', result.run);
  });

  it("by default routes each group's records to that group's best model: its own layer and weights", async () => {
    const section = requireRunResults(runDir).groups!;
    // the groups' best models sit on different layers here, so routing needs more than one layer
    expect(new Set(section.groups.map((g) => g.best.layer)).size).toBeGreaterThan(1);
    const out = join(home, 'group-best.csv');
    const run = await runCli([
      '--home',
      home,
      'predict',
      '--run',
      result.run,
      '--data',
      'builtin:shapes-groups',
      '--out',
      out,
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(parseNdjson(run.stdout).at(-1)).toMatchObject({
      records: 2400,
      cached: true,
      groups: { own: 2400, shared: 0 },
    });
    const { header, rows } = readCsv(out);
    // the same columns as with --head: id, prediction, p_<class>…, group, head
    expect([...header.slice(0, 2), ...header.slice(-2)]).toEqual(['id', 'prediction', 'group', 'head']);
    const byGroup = new Map(
      section.groups.map(({ name, best }) => {
        const bundle = loadHeadBundle(runDir, best.id);
        return [
          name,
          {
            bundle,
            weights: readGroupedModelState(runDir, best.id, name)!,
            ...storedRecords(bundle),
          },
        ];
      }),
    );
    rows.forEach((row, r) => {
      const group = row.at(-2)!;
      const { bundle, weights, features, groups } = byGroup.get(group)!;
      expect(groups[r]).toBe(group);
      expect(row.at(-1)).toBe('group');
      const expected = probabilitiesOf(
        bundle,
        weights,
        features.subarray(r * bundle.dims, (r + 1) * bundle.dims),
      );
      expected.forEach((p, c) => expect(Math.abs(Number(row[2 + c]) - p)).toBeLessThan(1e-5));
    });
  });

  /** The stored features of the head's layer and the group names, in canonical order. */
  function storedRecords(bundle: HeadBundle): { features: Float32Array; groups: string[] } {
    const store = FeatureStore.open(storeDir, { write: false });
    try {
      const rows = store.canonicalRows({ withSkipped: false });
      const groups = store.groups()!;
      return {
        features: store.readRows(bundle.featureSet.key, rows),
        groups: Array.from(rows, (row) => groups.names[groups.index[row]!]!),
      };
    } finally {
      store.close();
    }
  }

  it("with --head routes every record to that head's copy trained on its group", async () => {
    const out = join(home, 'grouped.csv');
    const run = await runCli([
      '--home',
      home,
      'predict',
      '--run',
      result.run,
      '--head',
      loadHeadBundle(runDir).modelId,
      '--data',
      'builtin:shapes-groups',
      '--out',
      out,
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(parseNdjson(run.stdout).at(-1)).toMatchObject({
      records: 2400,
      cached: true,
      groups: { own: 2400, shared: 0 },
    });
    const { header, rows } = readCsv(out);
    expect(header.slice(-2)).toEqual(['group', 'head']);
    const bundle = loadHeadBundle(runDir);
    const { features, groups } = storedRecords(bundle);
    const copies = new Map(
      ['colour', 'shape', 'size', 'texture'].map((name) => [
        name,
        readGroupedModelState(runDir, bundle.modelId, name)!,
      ]),
    );
    rows.forEach((row, r) => {
      expect(row.slice(-2)).toEqual([groups[r], 'group']);
      const expected = probabilitiesOf(
        bundle,
        copies.get(groups[r]!)!,
        features.subarray(r * bundle.dims, (r + 1) * bundle.dims),
      );
      expected.forEach((p, c) => expect(Number(row[2 + c])).toBeCloseTo(p, 5));
    });
    // per-group copies and the shared head differ: the routing matters
    const shared = await runCli([
      '--home',
      home,
      'predict',
      '--run',
      result.run,
      '--data',
      'builtin:shapes-groups',
      '--no-groups',
      '--out',
      join(home, 'shared.csv'),
    ]);
    expect(shared.code).toBe(0);
    const sharedRows = readCsv(join(home, 'shared.csv'));
    expect(sharedRows.header).not.toContain('group');
    expect(sharedRows.rows.filter((row, r) => row[1] !== rows[r]![1]).length).toBeGreaterThan(100);
  });

  it('exports one model taking group_id: per group it equals predict, any other id the shared head', async () => {
    const model = join(home, 'by-group.onnx');
    const exported = await runCli([
      '--home',
      home,
      'export-head',
      '--run',
      result.run,
      '--groups',
      '--out',
      model,
      '--json',
    ]);
    expect(exported.code).toBe(0);
    const summary = JSON.parse(exported.stdout) as { inputs: string[]; groups: string[]; classes: string[] };
    const classes = summary.classes.length;
    expect(summary.inputs).toEqual(['image', 'group_id']);
    expect(summary.groups).toEqual(['colour', 'shape', 'size', 'texture']);
    const { rows } = readCsv(join(home, 'grouped.csv'));
    const sharedRows = readCsv(join(home, 'shared.csv')).rows;

    const dataset = await openDataset('builtin:shapes-groups');
    const n = 256;
    const records = await dataset.readBatch(0, n);
    if (records.kind !== 'image') throw new Error('shapes-groups holds images');
    const image = new ort.Tensor(
      'float32',
      preprocessImages(records, resolveImagePreprocess(['N', 3, 32, 32])),
      [n, 3, 32, 32],
    );
    const session = await ort.InferenceSession.create(readFileSync(model), { logSeverityLevel: 3 });
    const scoresFor = async (ids: number[]) =>
      (await session.run({ image, group_id: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [n]) }))
        .scores!.data as Float32Array;
    const softmaxRow = (scores: Float32Array, r: number) => {
      const row = Array.from(scores.subarray(r * classes, (r + 1) * classes));
      const exp = row.map((s) => Math.exp(s - Math.max(...row)));
      return exp.map((e) => e / exp.reduce((a, x) => a + x, 0));
    };
    try {
      const own = await scoresFor(
        Array.from({ length: n }, (_, r) => summary.groups.indexOf(rows[r]!.at(-2)!)),
      );
      const outside = await scoresFor(Array.from({ length: n }, (_, r) => (r % 2 === 0 ? -1 : 4 + r)));
      for (let r = 0; r < n; r++) {
        expect(rows[r]![0]).toBe(String(r));
        softmaxRow(own, r).forEach((p, c) => expect(p).toBeCloseTo(Number(rows[r]![2 + c]), 4));
        softmaxRow(outside, r).forEach((p, c) => expect(p).toBeCloseTo(Number(sharedRows[r]![2 + c]), 4));
      }
    } finally {
      await session.release();
    }
  });

  it('gives a record of a group the run did not train the shared head, and flags it', async () => {
    // A second run trained while the store called the colour group "hue": extracting the data again
    // for predict restores the data's own group names, so "colour" is a group that run never saw.
    await groupStore(storeDir, { colour: 'hue' });
    const trained = await runCli([
      '--home',
      home,
      'train',
      '--store',
      storeDir,
      '--groups',
      '--epochs',
      '2',
      '--json',
    ]);
    expect(trained.code).toBe(0);
    const renamed = (parseNdjson(trained.stdout).at(-1) as unknown as TrainingResult).run;
    const predict = (out: string, ...extra: string[]) =>
      runCli([
        '--home',
        home,
        'predict',
        '--run',
        renamed,
        '--data',
        'builtin:shapes-groups',
        '--out',
        out,
        ...extra,
      ]);
    const out = join(home, 'unseen.csv');
    const run = await predict(out);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/1800 by their group's head, 600 by the shared head/);
    const sharedOut = join(home, 'unseen-shared.csv');
    expect((await predict(sharedOut, '--no-groups')).code).toBe(0);
    const { rows } = readCsv(out);
    const shared = readCsv(sharedOut).rows;
    expect(rows.some((row) => row.at(-2) === 'colour')).toBe(true);
    rows.forEach((row, r) => {
      const unseen = row.at(-2) === 'colour';
      expect(row.at(-1)).toBe(unseen ? 'shared' : 'group');
      if (!unseen) return;
      expect(row.slice(0, 2)).toEqual(shared[r]!.slice(0, 2));
      // the shared head in the grouped graph: the same weights through a batched MatMul, equal to rounding
      row.slice(2, -2).forEach((p, c) => expect(Number(p)).toBeCloseTo(Number(shared[r]![2 + c]), 5));
    });
  });

  it('writes the same group and head columns to Parquet', async () => {
    const out = join(home, 'grouped.parquet');
    const run = await runCli([
      '--home',
      home,
      'predict',
      '--run',
      result.run,
      '--data',
      'builtin:shapes-groups',
      '--out',
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const { header, rows } = readCsv(join(home, 'group-best.csv'));
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(`SELECT id, prediction, "group", head FROM '${out}'`);
      const all = await connection.runAndReadAll(`SELECT * FROM '${out}' LIMIT 0`);
      expect(all.columnNames()).toEqual(header);
      expect(reader.getRows().map((r) => r.map(String))).toEqual(
        rows.map((r) => [r[0], r[1], ...r.slice(-2)]),
      );
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('draws the groups in the HTML report', async () => {
    const out = join(home, 'report.html');
    const run = await runCli(['--home', home, 'report', result.run, '--out', out]);
    expect(run.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Data groups: own heads vs the shared head');
    for (const name of ['colour', 'shape', 'size', 'texture']) expect(html).toContain(`<th>${name}</th>`);
    expect(html.match(/class="n top"/g)).toHaveLength(4);
  });

  it('refuses export-head --groups for a run without groups, in one line', async () => {
    const trained = await runCli(['--home', home, 'train', '--store', storeDir, '--epochs', '1', '--json']);
    expect(trained.code).toBe(0);
    const plain = parseNdjson(trained.stdout).at(-1)!.run as string;
    const run = await runCli([
      '--home',
      home,
      'export-head',
      '--run',
      plain,
      '--groups',
      '--out',
      join(home, 'x.onnx'),
    ]);
    expect(run.code).toBe(2); // usage (docs/contract.md): the flag does not fit this run
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/has no per-group copies of m\d+ \(train it with --groups/);
  });
});
