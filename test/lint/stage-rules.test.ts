import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/paths.js';
// eslint.config.js is the one place the stage order is written down
import { stageTiers } from '../../eslint.config.js';

const root = packageRoot();
const stages = stageTiers.flat();

/** Probe modules written into real stage folders (nested, as real code is) and linted with the real config. */
const probeDir = (stage: string) => join(root, 'src', stage, 'stage-probe-nested', 'deeper');
const probes = [
  { stage: 'store', imports: '../../../train/train.js', allowed: false },
  { stage: 'store', imports: '../../../data/shard.js', allowed: true },
  { stage: 'ui', imports: '../../../train/train.js', allowed: false },
  { stage: 'sweep', imports: '../../../deploy/predict.js', allowed: false },
  { stage: 'train', imports: '../../../store/feature-store.js', allowed: true },
  { stage: 'core', imports: '../../../cli/main.js', allowed: false },
];

afterAll(() => {
  for (const stage of new Set(probes.map((p) => p.stage))) {
    rmSync(join(root, 'src', stage, 'stage-probe-nested'), { recursive: true, force: true });
  }
});

describe('stage order lint rules', () => {
  it('has a rule for every folder under src/, and no rule for a folder that is gone', () => {
    const folders = readdirSync(join(root, 'src'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(folders, 'add the new folder to stageTiers in eslint.config.js').toEqual([...stages].sort());
  });

  it('rejects imports from later stages and peers, from nested folders too, and allows earlier ones', async () => {
    const files = probes.map((probe, i) => {
      mkdirSync(probeDir(probe.stage), { recursive: true });
      const file = join(probeDir(probe.stage), `probe-${i}.ts`);
      writeFileSync(file, `export * from '${probe.imports}';\n`);
      return file;
    });
    const results = await new ESLint({ cwd: root }).lintFiles(files);
    for (const [i, probe] of probes.entries()) {
      const result = results.find((r) => r.filePath === files[i])!;
      const restricted = result.messages.filter((m) => m.ruleId === 'no-restricted-imports');
      expect(restricted.length > 0, `src/${probe.stage} importing ${probe.imports}`).toBe(!probe.allowed);
    }
  }, 600_000);
});
