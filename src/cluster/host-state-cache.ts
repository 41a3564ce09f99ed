import type { Redis } from 'ioredis';
import type { GroupState } from '../train/heads/group-state.js';
import { decodeTensorFile } from '../train/run-folder/tensor-file.js';
import { blobKeyOf, getBlob, type BlobRef } from './wire.js';

/** the most bytes of group states a host keeps (least recently used go first) */
const CACHE_BYTES = 128 * 1024 * 1024;

/**
 * The group states a host made or read lately, by their content-addressed key: a unit whose input
 * is one of them (an epoch's first unit of a group whose last unit ran here; a hand-over between two
 * shards of this host) decodes it from memory instead of fetching it from Redis and hashing it again.
 * The bytes were hashed when made or checked when read, and a key names its bytes for good.
 */
export class HostStateCache {
  private readonly entries = new Map<string, Uint8Array>();
  private bytes = 0;

  constructor(private readonly capacity = CACHE_BYTES) {}

  /** Keeps a state's encoded bytes under its reference's key (an inline reference is not kept). */
  keep(ref: BlobRef, encoded: Uint8Array): void {
    const key = blobKeyOf(ref);
    if (!key || encoded.byteLength > this.capacity || this.entries.has(key)) return;
    this.entries.set(key, encoded);
    this.bytes += encoded.byteLength;
    for (const [oldest, value] of this.entries) {
      if (this.bytes <= this.capacity) break;
      this.entries.delete(oldest);
      this.bytes -= value.byteLength;
    }
  }

  /** The state a reference names, from memory when kept here, else from Redis (and kept). */
  async state(redis: Redis, ref: BlobRef): Promise<GroupState> {
    const key = blobKeyOf(ref);
    const kept = key === undefined ? undefined : this.entries.get(key);
    if (kept) {
      // most recently used last
      this.entries.delete(key!);
      this.entries.set(key!, kept);
      return decodeTensorFile(kept).tensors;
    }
    const bytes = await getBlob(redis, ref);
    // copied: a view of what ioredis read may hold on to more of its buffer than the state
    this.keep(ref, new Uint8Array(bytes));
    return decodeTensorFile(bytes).tensors;
  }
}
