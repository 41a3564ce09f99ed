import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/paths.js';
import { generatedDocs } from '../../scripts/docs-reference.js';

describe('generated docs', () => {
  for (const [file, generate] of Object.entries(generatedDocs)) {
    it(`${file} is current (else run \`npm run docs\`)`, () => {
      const committed = readFileSync(join(packageRoot(), file), 'utf8');
      expect(committed, `${file} is out of date: run \`npm run docs\` and commit it`).toBe(generate());
    });
  }
});
