import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * macOS and Windows file systems are case-insensitive by default: two paths that differ only in
 * case (`dist/src/ui/Bar.js` and `dist/src/ui/bar.js`) overwrite each other when the repository is
 * cloned or the package is installed there.
 */

const root = join(import.meta.dirname, '..', '..');

/** Every path and every folder above it, so `src/UI/a.ts` collides with `src/ui/b.ts` too. */
function withFolders(paths: readonly string[]): string[] {
  const all = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i += 1) all.add(parts.slice(0, i).join('/'));
  }
  return [...all];
}

/** Groups of distinct paths that are equal once lower-cased (sorted, for readable failures). */
function caseCollisions(paths: readonly string[]): string[][] {
  const byLower = new Map<string, Set<string>>();
  for (const path of withFolders(paths)) {
    const key = path.toLowerCase();
    const group = byLower.get(key) ?? new Set<string>();
    group.add(path);
    byLower.set(key, group);
  }
  return [...byLower.values()].filter((g) => g.size > 1).map((g) => [...g].sort());
}

/** What `tsc -p tsconfig.build.json` names a source file in `dist/`. */
function compiledName(path: string): string {
  return `dist/${path.replace(/\.tsx?$/, '.js')}`;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

describe('paths that differ only in case', () => {
  it('are found, folders included', () => {
    expect(caseCollisions(['dist/src/ui/Bar.js', 'dist/src/ui/bar.js', 'dist/src/ui/Table.js'])).toEqual([
      ['dist/src/ui/Bar.js', 'dist/src/ui/bar.js'],
    ]);
    expect(caseCollisions(['src/UI/a.ts', 'src/ui/b.ts'])).toEqual([['src/UI', 'src/ui']]);
    expect(caseCollisions(['src/ui/Bar.tsx', 'src/ui/bar-glyphs.ts'])).toEqual([]);
  });

  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((p) => p.length > 0);

  it('do not exist among the files git tracks', () => {
    expect(caseCollisions(tracked)).toEqual([]);
  });

  it('would not exist in dist once the sources are compiled', () => {
    const sources = tracked.filter(
      (p) => /^(src|models|datasets|bench)\/.*\.tsx?$/.test(p) && !p.endsWith('.d.ts'),
    );
    expect(sources.length).toBeGreaterThan(0);
    expect(caseCollisions(sources.map(compiledName))).toEqual([]);
  });

  it('do not exist in dist as built', () => {
    const dist = join(root, 'dist');
    expect(existsSync(dist), 'dist/ is missing: run `npm run build` first').toBe(true);
    expect(caseCollisions(filesUnder(dist))).toEqual([]);
  });
});
