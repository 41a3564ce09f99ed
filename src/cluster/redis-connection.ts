import { Redis } from 'ioredis';
import { LayerlabError } from '../core/errors.js';
import { redactSecrets, redactUrl } from './cluster-url.js';

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * A connection to the cluster's Redis, checked with a PING so that a wrong address or password
 * fails at once with one line (I/O, exit 74) instead of retrying forever. BullMQ needs
 * `maxRetriesPerRequest: null` on the connections its workers block on.
 */
export async function connectRedis(url: string): Promise<Redis> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  let lastError: Error | undefined;
  const remember = (error: Error) => (lastError = error);
  client.on('error', remember);
  try {
    await withTimeout(
      client.connect().then(() => client.ping()),
      CONNECT_TIMEOUT_MS,
    );
  } catch (error) {
    client.disconnect();
    const reason = (lastError ?? (error instanceof Error ? error : new Error(String(error)))).message;
    throw new LayerlabError(
      'IO',
      redactSecrets(
        `cannot reach the cluster's Redis at ${redactUrl(url)}: ${reason}; check --cluster (host, port, password) and that redis-server runs there`,
        url,
      ),
    );
  }
  client.off('error', remember);
  return client;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
