import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomIdx, tempDir, writeIdxPair } from '../data/write-datasets.js';
import { tinyCnn } from '../fixtures/tiny-cnn.js';
import { parseNdjson, runCli } from './cli-run.js';

describe('layerlab store', () => {
  let home: string;
  let store: string;
  beforeAll(async () => {
    const dir = tempDir('layerlab-store-cli-');
    const model = join(dir, 'tiny.onnx');
    writeFileSync(model, tinyCnn());
    const data = join(dir, 'data');
    writeIdxPair(data, 'train', randomIdx(40, 8));
    home = join(dir, 'home');
    const run = await runCli([
      '--home',
      home,
      'extract',
      model,
      data,
      '--layers',
      'block2/relu,head/pool,head/logits',
      '--json',
    ]);
    expect(run.code).toBe(0);
    store = String(parseNdjson(run.stdout).at(-1)!.store);
  });

  const cli = (...args: string[]) => runCli(['--home', home, ...args]);
  const id = () => store.split('/').pop()!;

  it('lists stores and shows a manifest', async () => {
    const ls = await cli('store', 'ls', '--json');
    const listed = JSON.parse(ls.stdout) as {
      stores: { id: string; featureSets: { layer: string; bytes: number }[] }[];
    };
    expect(listed.stores.map((s) => s.id)).toEqual([id()]);
    expect(listed.stores[0]!.featureSets.map((s) => s.layer)).toEqual([
      'block2/relu',
      'head/pool',
      'head/logits',
    ]);
    const plain = await cli('store', 'ls');
    expect(plain.stdout).toMatch(/block2\/relu\s+6\s+float32/);
    const info = await cli('store', 'info', id().slice(0, 8), '--json');
    expect(JSON.parse(info.stdout)).toMatchObject({
      records: 40,
      manifest: {
        dataset: { records: 40, classNames: ['0', '1', '2'], split: { method: 'hash' } },
        libraryVersions: { lmdb: expect.any(String) as string },
      },
    });
    expect((await cli('store', 'info', id())).stdout).toMatch(/classes\s+0=0 1=1 2=2/);
  });

  it('verifies and exports', async () => {
    const verify = await cli('store', 'verify', id(), '--json');
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
    const out = join(tempDir(), 'export');
    const exported = await cli(
      'store',
      'export',
      id(),
      '--layer',
      'head/pool',
      '--format',
      'npy',
      '--out',
      out,
    );
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/40 rows × 6/);
    for (const file of ['features.npy', 'labels.npy', 'split.npy', 'meta.json'])
      expect(existsSync(join(out, file))).toBe(true);
    const csv = await cli(
      'store',
      'export',
      id(),
      '--view',
      'sum(last:2)',
      '--layer',
      'head/pool',
      '--format',
      'csv',
      '--out',
      out,
      '--json',
    );
    expect(JSON.parse(csv.stdout)).toMatchObject({ layer: 'sum(last:2)@head/pool', dims: 6, rows: 40 });
    expect(readFileSync(join(out, 'features.csv'), 'utf8').split('\n')[0]).toBe(
      'id,label,split,f0,f1,f2,f3,f4,f5',
    );
    expect((await cli('store', 'export', id(), '--out', out)).code).toBe(2);
    expect((await cli('store', 'export', id(), '--layer', 'nope', '--out', out)).code).toBe(66);
  });

  it('removes feature sets and whole stores', async () => {
    const dry = await cli('store', 'gc', id(), '--layer', 'head/logits', '--dry-run', '--json');
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, removed: [{ layers: ['head/logits'] }] });
    const gc = await cli('store', 'gc', id(), '--layer', 'head/logits', '--compact');
    expect(gc.stdout).toMatch(/removed head\/logits from/);
    const after = JSON.parse((await cli('store', 'ls', '--json')).stdout) as {
      stores: { featureSets: unknown[] }[];
    };
    expect(after.stores[0]!.featureSets).toHaveLength(2);
    expect((await cli('store', 'gc', '--all')).code).toBe(2);
    expect((await cli('store', 'gc', id(), '--all')).code).toBe(0);
    expect(existsSync(store)).toBe(false);
    expect((await cli('store', 'ls')).stdout).toMatch(/no stores under/);
  });

  it('has help with examples for every subcommand', async () => {
    for (const sub of ['ls', 'info', 'verify', 'export', 'gc']) {
      const help = await cli('store', sub, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Examples:/);
    }
  });
});
