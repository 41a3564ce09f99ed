import { readdirSync, statSync, type Dirent } from 'node:fs';
import { extname, join } from 'node:path';
import { badData, LayerlabError, notFound } from '../core/errors.js';
import type { SkippedRecord } from './data-source.js';
import { parseSplitValue, type Split } from './split.js';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif']);

export interface ImageFile {
  /** path relative to the data root, `/`-separated: the record id */
  id: string;
  path: string;
  /** the class folder's name, the label as written */
  label: string;
  /** from a split folder (`train/cat/…`), when the root is laid out by split */
  split?: Split;
  /** the group folder's name (`GROUP/CLASS/FILE`), when scanned with `groupByFolder` */
  group?: string;
}

export interface ImageFolderScan {
  files: ImageFile[];
  /** images outside any class folder, listed but not read */
  skipped: SkippedRecord[];
  /** whether the root's sub-folders are splits (train/, val/, test/) holding class folders */
  splitLayout: boolean;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const visible = (name: string) => !name.startsWith('.');

/** What the file system refused while scanning `path`, as one line naming the fix. */
function scanError(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP')
    return badData(`${path} is a symbolic link loop; remove the link, or point it at an image or a folder`);
  if (code === 'ENOENT')
    return badData(`${path} is a symbolic link to nothing; remove it, or point it at an image or a folder`);
  if (code === 'EACCES' || code === 'EPERM')
    return new LayerlabError(
      'NOT_FOUND',
      `${path} cannot be read (${code}); make it readable (chmod), or move it out of the dataset`,
    );
  if (code === 'ENAMETOOLONG')
    return badData(`${path} is nested too deep (a folder link pointing at its own parent?); remove the link`);
  return error;
}

function listDir(dir: string, seen: ReadonlySet<string> = new Set()): { dirs: string[]; files: string[] } {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true }).filter((e) => visible(e.name));
  } catch (error) {
    throw scanError(dir, error);
  }
  const isDir = (entry: Dirent) => {
    if (entry.isDirectory()) return true;
    // A regular file is never a folder: only links (and entries of unknown type) need a stat, which
    // would otherwise cost one per image before hashing stats each file again (start-up time).
    if (entry.isFile()) return false;
    const name = entry.name;
    const path = join(dir, name);
    try {
      const stats = statSync(path);
      // a folder link back to a folder above it would be scanned forever
      if (stats.isDirectory() && seen.has(`${stats.dev}:${stats.ino}`))
        throw badData(`${path} links back to a folder that contains it (a loop); remove the link`);
      return stats.isDirectory();
    } catch (error) {
      throw scanError(path, error);
    }
  };
  const dirs: string[] = [];
  const files: string[] = [];
  for (const entry of entries) {
    if (isDir(entry)) dirs.push(entry.name);
    else if (entry.isFile() || entry.isSymbolicLink()) files.push(entry.name);
  }
  return { dirs: dirs.sort(byName), files: files.sort(byName) };
}

/** Image files under `dir` (recursively), sorted by relative path, as ids prefixed with `prefix`. */
function imagesUnder(dir: string, prefix: string, out: string[], above: ReadonlySet<string>): void {
  const stats = statSync(dir);
  const seen = new Set(above).add(`${stats.dev}:${stats.ino}`);
  const { dirs, files } = listDir(dir, seen);
  // Files before sub-folders, each sorted by name: "class folder then file name" at every level.
  for (const file of files)
    if (IMAGE_EXTENSIONS.has(extname(file).toLowerCase())) out.push(`${prefix}${file}`);
  for (const sub of dirs) imagesUnder(join(dir, sub), `${prefix}${sub}/`, out, seen);
}

/**
 * The images of a folder of class sub-folders, in canonical order (class folder, then file name).
 * A root whose sub-folders are all split names (`train/`, `test/`, …) holding class folders is read
 * as split/class/file, each file keeping its split. With `groupByFolder` the root is read as
 * group/class/file (the top folders are groups, not splits), each file keeping its group.
 */
export function scanImageFolder(root: string, groupByFolder = false): ImageFolderScan {
  const rootStats = statSync(root);
  const rootIds = new Set([`${rootStats.dev}:${rootStats.ino}`]);
  const top = listDir(root, rootIds);
  const skipped: SkippedRecord[] = top.files
    .filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()))
    .map((f) => ({ id: f, reason: 'not inside a class folder' }));
  const splitLayout =
    !groupByFolder &&
    top.dirs.length > 0 &&
    top.dirs.every(
      (d) => parseSplitValue(d) !== undefined && !/^\d$/.test(d) && listDir(join(root, d)).dirs.length > 0,
    );
  const files: ImageFile[] = [];
  const addClasses = (dir: string, prefix: string, split?: Split, group?: string) => {
    for (const label of listDir(dir).dirs) {
      const ids: string[] = [];
      imagesUnder(join(dir, label), `${prefix}${label}/`, ids, rootIds);
      for (const id of ids)
        files.push({
          id,
          path: join(root, ...id.split('/')),
          label,
          ...(split === undefined ? {} : { split }),
          ...(group === undefined ? {} : { group }),
        });
    }
  };
  if (groupByFolder) for (const d of top.dirs) addClasses(join(root, d), `${d}/`, undefined, d);
  else if (splitLayout) for (const d of top.dirs) addClasses(join(root, d), `${d}/`, parseSplitValue(d));
  else addClasses(root, '');
  if (files.length === 0)
    throw notFound(
      groupByFolder
        ? `no images in group/class sub-folders of ${root}; lay it out as ${root}/<group>/<class>/<image>.jpg`
        : `no images in class sub-folders of ${root}; lay it out as ${root}/<class>/<image>.jpg`,
    );
  return { files, skipped, splitLayout };
}
