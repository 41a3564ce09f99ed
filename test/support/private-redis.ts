import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { connectRedis } from '../../src/cluster/redis-connection.js';
import { startRedis, type RedisServer } from './redis-server.js';

/**
 * A private redis-server and one connection to it for the enclosing `describe`: started before its
 * tests, disconnected and stopped after them; read `server` and `redis` inside the tests. (Apart
 * from redis-server.ts, which the benches import without vitest.)
 */
export function privateRedis(): { readonly server: RedisServer; readonly redis: Redis } {
  const held: { server?: RedisServer; redis?: Redis } = {};
  beforeAll(async () => {
    held.server = await startRedis();
    held.redis = await connectRedis(held.server.url);
  });
  afterAll(async () => {
    held.redis?.disconnect();
    await held.server?.stop();
  });
  return {
    get server() {
      return held.server!;
    },
    get redis() {
      return held.redis!;
    },
  };
}
