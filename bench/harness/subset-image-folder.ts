import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A smaller copy of a split/class/file image folder (`train/cat/0001.jpg`, `test/…`): the first
 * `perClass[split]` files of every class in name order, copied (not linked, so the copy reads like a
 * user's folder).
 */
export function writeImageFolderSubset(
  source: string,
  out: string,
  perClass: Record<string, number>,
): number {
  let files = 0;
  for (const [split, count] of Object.entries(perClass)) {
    for (const label of readdirSync(join(source, split)).sort()) {
      const from = join(source, split, label);
      const to = join(out, split, label);
      mkdirSync(to, { recursive: true });
      for (const name of readdirSync(from).sort().slice(0, count)) {
        copyFileSync(join(from, name), join(to, name));
        files++;
      }
    }
  }
  return files;
}
