import { createHash } from 'node:crypto';

/** A record's content hash: 64 bits of SHA-256 as hex, plenty to tell records of one dataset apart. */
export function recordHash(content: Uint8Array | string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

/** The bytes `recordHash` writes as hex (its first 8 bytes are the hash), for packed storage. */
export function recordHashBytes(content: Uint8Array | string): Buffer {
  return createHash('sha256').update(content).digest();
}

/**
 * A uniform number in [0, 1) from a seed and a record id, the same on every machine and for every
 * dataset size: what makes hash splits and shards stable when records are added. MurmurHash3's
 * 32-bit mix over the id's UTF-16 code units: not cryptographic (nothing here needs that), and fast
 * enough to run on every record of a large dataset at every open.
 */
export function unitHash(seed: number, id: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < id.length; i++) {
    let k = Math.imul(id.charCodeAt(i), 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) >>> 0;
  }
  h ^= id.length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}
