import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const uiDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/ui');
const IMPORT = /^\s*(?:import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gm;

/** Modules a file loads at run time (type-only imports are erased by `verbatimModuleSyntax`). */
function runtimeImports(file: string): string[] {
  const source = readFileSync(join(uiDir, file), 'utf8');
  return [...source.matchAll(IMPORT)].filter((m) => m[1] === undefined).map((m) => m[2]!);
}

/** Every file reachable at run time from `entry` within src/ui, plus its bare imports. */
function closure(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of runtimeImports(file)) {
      if (!spec.startsWith('./')) {
        seen.add(spec);
        continue;
      }
      const base = spec.slice(2).replace(/\.js$/, '');
      const found = readdirSync(uiDir).find((f) => f === `${base}.ts` || f === `${base}.tsx`);
      if (found !== undefined) visit(found);
    }
  };
  visit(entry);
  return seen;
}

describe('headless UI modules', () => {
  // The CLI imports these on every run; Ink and React must only load for the live view.
  it.each(['index.ts', 'plain-output.ts', 'run-state.ts', 'run-store.ts'])(
    '%s never loads Ink or React',
    (entry) => {
      const loaded = [...closure(entry)];
      expect(
        loaded.filter((m) => m === 'ink' || m === 'react' || m.startsWith('react/') || m.endsWith('.tsx')),
      ).toEqual([]);
    },
  );

  it('the live view does load Ink (the check above can see it)', () => {
    expect(closure('live-view.tsx').has('ink')).toBe(true);
  });
});
