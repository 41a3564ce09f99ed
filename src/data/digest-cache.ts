import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.js';
import { sha256 } from '../core/hash.js';

/** What identifies a file's bytes cheaply: size and modification time, as git's index does. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

export function stampOf(path: string): FileStamp {
  const stat = statSync(path);
  return { size: stat.size, mtimeMs: stat.mtimeMs };
}

const sameStamp = (a: FileStamp | undefined, b: FileStamp) =>
  a !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs;

/**
 * Remembers per-file results (content hashes, parsed offsets) keyed by file stamp, so reopening an
 * unchanged dataset costs a `stat` per file instead of reading every byte. Lives under the home's
 * `cache/`; without a folder nothing is cached. A damaged cache file is simply recomputed.
 */
export class DigestCache<T> {
  private entries = new Map<string, { stamp: FileStamp; value: T }>();
  private readonly used = new Set<string>();
  private dirty = false;

  private constructor(private readonly file: string | undefined) {}

  /** `scope` names what is cached (a reader and its data root): one cache file per scope. */
  static open<T>(cacheDir: string | undefined, scope: string): DigestCache<T> {
    const cache = new DigestCache<T>(
      cacheDir ? join(cacheDir, 'digests', `${sha256(scope).slice(0, 24)}.json`) : undefined,
    );
    if (cache.file) {
      try {
        const saved = JSON.parse(readFileSync(cache.file, 'utf8')) as Record<
          string,
          { stamp: FileStamp; value: T }
        >;
        cache.entries = new Map(Object.entries(saved));
      } catch {
        // no cache yet, or an unreadable one: start empty
      }
    }
    return cache;
  }

  get(path: string, stamp: FileStamp): T | undefined {
    this.used.add(path);
    const entry = this.entries.get(path);
    return entry && sameStamp(entry.stamp, stamp) ? entry.value : undefined;
  }

  set(path: string, stamp: FileStamp, value: T): void {
    this.used.add(path);
    this.entries.set(path, { stamp, value });
    this.dirty = true;
  }

  /** Writes the entries used since opening (dropping files that are gone), atomically. */
  save(): void {
    if (!this.file) return;
    const stale = [...this.entries.keys()].some((key) => !this.used.has(key));
    if (!this.dirty && !stale) return;
    const kept = Object.fromEntries([...this.entries].filter(([key]) => this.used.has(key)));
    try {
      mkdirSync(join(this.file, '..'), { recursive: true });
      writeFileAtomic(this.file, JSON.stringify(kept));
    } catch {
      // a cache that cannot be written only costs time on the next open
    }
  }
}
