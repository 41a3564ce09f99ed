import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNdjson, runCli } from './cli-run.js';

export interface TrainFixture {
  home: string;
  store: string;
  heads: string;
}

/**
 * A home with a real feature store made by the built-in pipeline (`demo` extracts every block of the
 * embedded CNN on the built-in shapes data: 4,000 records, 6 feature sets), and a small head space.
 */
export async function createTrainFixture(): Promise<TrainFixture> {
  const home = mkdtempSync(join(tmpdir(), 'layerlab-train-e2e-'));
  const demo = await runCli(['--home', home, 'demo', '--json', '--epochs', '1']);
  if (demo.code !== 0) throw new Error(`demo failed: ${demo.stderr}`);
  const store = (parseNdjson(demo.stdout).at(-1) as { store: string }).store;
  if (!readdirSync(store).length) throw new Error('no store');
  const heads = join(home, 'heads.yaml');
  writeFileSync(
    heads,
    [
      'type: [linear, mlp]',
      'hidden: 16',
      'lr: [0.05, 0.01]',
      'optimizer: [sgd, adam]',
      'momentum: 0.9',
      'dropout: 0.1',
      'batchSize: 64',
      'schedule: cosine',
      '',
    ].join('\n'),
  );
  return { home, store, heads };
}
