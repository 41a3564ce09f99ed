import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-run.js';

const { version } = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'),
) as {
  version: string;
};

describe('layerlab --version', () => {
  it.each([['--version'], ['-V'], ['--json', '--version']])(
    '%s prints the package version',
    async (...args) => {
      const run = await runCli(args);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe(`${version}\n`);
      expect(run.stderr).toBe('');
    },
  );

  it('is listed in --help', async () => {
    const run = await runCli(['--help']);
    expect(run.stdout).toMatch(/-V, --version +print the version of layerlab/);
  });
});
