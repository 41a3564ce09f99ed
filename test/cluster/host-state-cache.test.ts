import { describe, expect, it } from 'vitest';
import { HostStateCache } from '../../src/cluster/host-state-cache.js';
import { blobKeyOf, prepareState, putState, stateScope } from '../../src/cluster/wire.js';
import type { GroupState } from '../../src/train/heads/group-state.js';
import { sameBits } from '../train/same-bits.js';
import { privateRedis } from '../support/private-redis.js';
import { redisSkipReason, redisTestsRun } from '../support/redis-server.js';

const stateOf = (seed: number): GroupState => ({
  'w:0': { dims: [1000, 1, 1], data: new Float32Array(1000).map((_, i) => Math.sin(i + seed)) },
});
const scope = stateScope('mcf0a1-0123456789ab', 0);

/** A host decodes a state it made or read lately from memory; what it keeps is bounded in bytes. */
describe.skipIf(!redisTestsRun)(`a host's recent group states${redisSkipReason}`, () => {
  const local = privateRedis();

  it('serves a state it made without Redis, and one it read once again after Redis lost it', async () => {
    const cache = new HostStateCache();
    const made = prepareState(stateOf(1), { scope, inlineMax: 0 });
    cache.keep(made.ref, made.bytes);
    // never stored in Redis: only memory can answer
    expect(sameBits((await cache.state(local.redis, made.ref))['w:0']!.data, stateOf(1)['w:0']!.data)).toBe(
      true,
    );
    const read = await putState(local.redis, stateOf(2), { scope, inlineMax: 0 });
    await cache.state(local.redis, read);
    await local.redis.del(blobKeyOf(read)!);
    expect(sameBits((await cache.state(local.redis, read))['w:0']!.data, stateOf(2)['w:0']!.data)).toBe(true);
  });

  it('lets the least recently used state go when over its bytes, and then reads it from Redis', async () => {
    const one = prepareState(stateOf(3), { scope, inlineMax: 0 });
    const cache = new HostStateCache(one.bytes.byteLength * 2);
    const refs = [3, 4, 5].map((seed) => prepareState(stateOf(seed), { scope, inlineMax: 0 }));
    cache.keep(refs[0]!.ref, refs[0]!.bytes);
    cache.keep(refs[1]!.ref, refs[1]!.bytes);
    await cache.state(local.redis, refs[0]!.ref); // used: the second is now the oldest
    cache.keep(refs[2]!.ref, refs[2]!.bytes);
    await expect(cache.state(local.redis, refs[1]!.ref)).rejects.toThrow(/no longer in Redis/);
    for (const kept of [refs[0]!, refs[2]!])
      await expect(cache.state(local.redis, kept.ref)).resolves.toBeDefined();
  });
});
