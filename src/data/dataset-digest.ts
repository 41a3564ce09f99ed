import { createHash, type Hash } from 'node:crypto';
import { canonicalJson } from '../core/hash.js';

/**
 * A dataset's content digest, fed one record at a time in canonical order so it never needs the
 * whole dataset in memory: the reader's description, then each record's id, content hash and label
 * as written. Any added, removed, changed or relabelled record changes it.
 */
export class DatasetDigest {
  private readonly hash: Hash;

  constructor(description: unknown) {
    this.hash = createHash('sha256').update(canonicalJson(description)).update('\n');
  }

  add(id: string, contentHash: string, label: string): void {
    this.hash.update(`${id}\t${contentHash}\t${label}\n`);
  }

  digest(): string {
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
