import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const IMPORT = /^\s*(?:import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gm;

/** Modules a file loads at run time (type-only imports are erased by `verbatimModuleSyntax`). */
function runtimeImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(IMPORT)].filter((m) => m[1] === undefined).map((m) => m[2]!);
}

/** A relative `.js` specifier as the source file it names. */
function sourceOf(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec).replace(/\.js$/, '');
  return [`${base}.ts`, `${base}.tsx`].find((f) => existsSync(f));
}

/** Every source file reachable at run time from `entry` (relative to src/), plus its bare imports. */
function closure(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    const name = relative(srcDir, file);
    if (seen.has(name)) return;
    seen.add(name);
    for (const spec of runtimeImports(file)) {
      if (!spec.startsWith('.')) {
        seen.add(spec);
        continue;
      }
      const found = sourceOf(file, spec);
      if (found !== undefined) visit(found);
    }
  };
  visit(join(srcDir, entry));
  return seen;
}

const loadsInk = (loaded: Set<string>) =>
  [...loaded].filter((m) => m === 'ink' || m === 'react' || m.startsWith('react/') || m.endsWith('.tsx'));

describe('headless UI modules', () => {
  // The CLI imports these on every run; Ink and React must only load for the live view and `ui`.
  it.each([
    'ui/index.ts',
    'ui/plain-output.ts',
    'ui/run-state.ts',
    'ui/run-state-store.ts',
    'cli/main.ts',
    'cli/commands/ui.ts',
    'cli/ui-data/ui-backend.ts',
    'cli/ui-data/resolve-run.ts',
  ])('%s never loads Ink or React', (entry) => {
    expect(loadsInk(closure(entry))).toEqual([]);
  });

  it('the live view and the browser do load Ink (the check above can see it)', () => {
    expect(closure('ui/live-view.tsx').has('ink')).toBe(true);
    expect(closure('ui/browse.tsx').has('ink')).toBe(true);
  });

  it('nothing in src/ui loads a native addon', () => {
    const loaded = [...closure('ui/browse.tsx'), ...closure('ui/live-view.tsx')];
    expect(
      loaded.filter((m) => m === 'lmdb' || m === 'onnxruntime-node' || m.startsWith('store/feature')),
    ).toEqual([]);
  });
});
