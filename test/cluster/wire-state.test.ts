import { describe, expect, it } from 'vitest';
import { blobKeyOf, getState, putState, stateScope } from '../../src/cluster/wire.js';
import type { GroupState } from '../../src/train/heads/group-state.js';
import { encodeTensorFile } from '../../src/train/run-folder/tensor-file.js';
import { privateRedis } from '../support/private-redis.js';
import { redisSkipReason, redisTestsRun } from '../support/redis-server.js';

const state = (): GroupState => ({
  'w:0': { dims: [5, 1, 1], data: new Float32Array([1.5, -0, Number.MIN_VALUE, 3e38, Number.NaN]) },
  'm:0': { dims: [3000, 1, 1], data: new Float32Array(3000).map((_, i) => Math.sin(i)) },
});

/**
 * A training unit's group state goes through Redis as raw bytes under a key of its own (content
 * hash, in its session and group's scope), not as base64 inside the JSON job: what the job then
 * carries is a few dozen bytes, and the state comes back bit for bit.
 */
describe.skipIf(!redisTestsRun)(`group state by reference in Redis${redisSkipReason}`, () => {
  const local = privateRedis();

  it('stores the checkpoint-layout bytes raw under layerlab:state:SESSION:GROUP:SHA256, with a TTL', async () => {
    const scope = stateScope('mcf0a1-0123456789ab', 3);
    const ref = await putState(local.redis, state(), { scope, inlineMax: 0 });
    expect(ref).toMatchObject({ scope });
    expect('sha256' in ref && ref.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(ref).length).toBeLessThan(200);
    const key = blobKeyOf(ref)!;
    expect(key).toMatch(/^layerlab:state:mcf0a1-0123456789ab:3:[0-9a-f]{64}$/);
    expect(
      Buffer.compare((await local.redis.getBuffer(key))!, Buffer.from(encodeTensorFile({}, state()))),
    ).toBe(0);
    expect(await local.redis.ttl(key)).toBeGreaterThan(0);
    const back = await getState(local.redis, ref);
    for (const [name, tensor] of Object.entries(state()))
      expect(Buffer.from(back[name]!.data.buffer)).toEqual(Buffer.from(tensor.data.buffer));
  });

  it('keeps a small blob inline when allowed, and refuses a reference outside the layerlab keys', async () => {
    expect(
      await putState(
        local.redis,
        { w: { dims: [1, 1, 1], data: new Float32Array([1]) } },
        { inlineMax: 4096 },
      ),
    ).toHaveProperty('inline');
    expect(() => blobKeyOf({ sha256: 'x'.repeat(64) })).toThrow(/sha256 digest/);
    expect(() => blobKeyOf({ sha256: 'a'.repeat(64), scope: '../../x:1' })).toThrow(/SESSION:GROUP/);
  });

  it('names a state that was deleted or altered, rather than training from it', async () => {
    const ref = await putState(local.redis, state(), { scope: stateScope('s1', 0), inlineMax: 0 });
    const key = blobKeyOf(ref)!;
    const bytes = (await local.redis.getBuffer(key))!;
    bytes[bytes.length - 1]! ^= 1;
    await local.redis.set(key, bytes);
    await expect(getState(local.redis, ref)).rejects.toThrow(/does not match its hash/);
    await local.redis.del(key);
    await expect(getState(local.redis, ref)).rejects.toThrow(/no longer in Redis/);
  });
});
