import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { redisSkipReason, redisTestsRun, startRedis } from './redis-server.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** One inline command over a bare socket: what a client without the password gets. */
const rawCommand = (port: number, command: string) =>
  new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${command}\r\n`));
    socket.setEncoding('utf8').once('data', (reply: string) => {
      socket.destroy();
      resolve(reply);
    });
    socket.once('error', reject);
  });

describe(`test redis-server helper${redisSkipReason}`, () => {
  it.skipIf(!redisTestsRun)(
    'starts a private server on 127.0.0.1, restarts it, and stops it by its PID',
    async () => {
      const server = await startRedis();
      const client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      client.on('error', () => {}); // refused connections while it restarts; ioredis retries
      try {
        expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
        await client.connect();
        expect(await client.ping()).toBe('PONG');
        expect(await client.config('GET', 'save')).toEqual(['save', '']);
        expect(await client.config('GET', 'dir')).toEqual(['dir', server.dir]);
        const before = server.pid;
        await server.restart();
        expect(server.pid).not.toBe(before);
        expect(alive(before)).toBe(false);
        expect(await client.ping()).toBe('PONG'); // ioredis reconnects to the same port
      } finally {
        client.disconnect();
        await server.stop();
      }
      expect(alive(server.pid)).toBe(false);
      expect(existsSync(server.dir)).toBe(false);
      await server.stop();
    },
  );

  it.skipIf(!redisTestsRun)('requires the password when given one, and puts it in the URL only', async () => {
    const server = await startRedis({ password: 's3cret/pw' });
    const authed = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    authed.on('error', () => {});
    try {
      expect(server.url).toBe(`redis://:s3cret%2Fpw@127.0.0.1:${server.port}`);
      expect(await rawCommand(server.port, 'PING')).toMatch(/^-NOAUTH/);
      await authed.connect();
      expect(await authed.ping()).toBe('PONG');
    } finally {
      authed.disconnect();
      await server.stop();
    }
  });
});
