import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { notFound, usageError } from '../../core/errors.js';
import type { HomeLayout } from '../../core/paths.js';
import { RunStore } from '../../store/run-store.js';

/**
 * The run `layerlab ui RUN` means: a run id under the home (a unique prefix will do), or the path
 * of a run folder. Returns the id, or the folder's absolute path when it lies outside the home.
 */
export function resolveRun(home: HomeLayout, ref: string): string {
  if (existsSync(join(home.runs, ref, 'run-meta.json'))) return ref;
  if (existsSync(join(ref, 'run-meta.json'))) {
    const dir = resolve(ref);
    return dirname(dir) === resolve(home.runs) ? basename(dir) : dir;
  }
  const matches = RunStore.list(home.runs)
    .map((m) => m.id)
    .filter((id) => id.startsWith(ref));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw usageError(
      `${ref} matches ${matches.length} runs (${matches.slice(0, 3).join(', ')}, …); give more of the id`,
    );
  }
  throw notFound(`no run ${ref} under ${home.runs}; \`layerlab ui\` lists the runs (or pass --home)`);
}
