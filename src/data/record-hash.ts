import { createHash } from 'node:crypto';

/** A record's content hash: 64 bits of SHA-256 as hex, plenty to tell records of one dataset apart. */
export function recordHash(content: Uint8Array | string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

/**
 * A uniform number in [0, 1) from a seed and a record id, the same on every machine and for every
 * dataset size: what makes hash splits and shards stable when records are added.
 */
export function unitHash(seed: number, id: string): number {
  const digest = createHash('sha256').update(`${seed}\u0000${id}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}
