import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/paths.js';

const root = packageRoot();
const markdownFiles = execFileSync(
  'git',
  ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'],
  {
    cwd: root,
    encoding: 'utf8',
  },
)
  .split('\n')
  .filter((file) => file.length > 0 && existsSync(join(root, file)));

/** Relative link targets of a Markdown file: `[text](target)`, without #anchors or external URLs. */
function relativeLinks(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!.split('#')[0]!)
    .filter((target) => target.length > 0 && !/^[a-z]+:/i.test(target));
}

describe("the project's documentation", () => {
  it('is in the repository', () => {
    expect(markdownFiles).toEqual(
      expect.arrayContaining(['README.md', 'docs/architecture.md', 'docs/contract.md']),
    );
  });

  for (const file of markdownFiles) {
    it(`${file}: every relative link stays inside the repository and exists`, () => {
      for (const target of relativeLinks(readFileSync(join(root, file), 'utf8'))) {
        const path = resolve(root, dirname(file), target);
        expect(relative(root, path).startsWith('..'), `${file} links outside the repository: ${target}`).toBe(
          false,
        );
        expect(existsSync(path), `${file} links to a missing file: ${target}`).toBe(true);
      }
    });
  }

  it('README.md sends no reader outside the repository', () => {
    expect(readFileSync(join(root, 'README.md'), 'utf8')).not.toMatch(/\.\.\/shared/);
  });
});
