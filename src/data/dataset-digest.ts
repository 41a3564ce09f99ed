import { createHash, type Hash } from 'node:crypto';
import { canonicalJson } from '../core/hash.js';

/**
 * A dataset's content digest, fed one record at a time in canonical order so it never needs the
 * whole dataset in memory: the reader's description, then each record's id, content hash and label
 * as written. Any added, removed, changed or relabelled record changes it.
 */
export class DatasetDigest {
  private readonly hash: Hash;
  /** lines fed to the hash a few thousand at a time: one update per line costs more than hashing */
  private pending: string[] = [];

  constructor(description: unknown) {
    this.hash = createHash('sha256').update(canonicalJson(description)).update('\n');
  }

  add(id: string, contentHash: string, label: string): void {
    this.pending.push(`${id}\t${contentHash}\t${label}\n`);
    if (this.pending.length >= 4096) this.flush();
  }

  private flush(): void {
    this.hash.update(this.pending.join(''));
    this.pending = [];
  }

  digest(): string {
    this.flush();
    return this.hash.digest('hex').slice(0, 16);
  }
}

/** The digest of a whole record list at once (readers that already hold everything use this). */
export function datasetDigest(
  description: unknown,
  ids: readonly string[],
  hashes: readonly string[],
  rawLabels: readonly string[],
): string {
  const digest = new DatasetDigest(description);
  ids.forEach((id, i) => digest.add(id, hashes[i]!, rawLabels[i]!));
  return digest.digest();
}
