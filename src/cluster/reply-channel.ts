import type { ChainableCommander, Redis } from 'ioredis';
import { QUEUE_PREFIX } from './host-record.js';
import { connectRedis } from './redis-connection.js';

/** What a host pushes back for one job: its value, or why it failed. */
export type Reply =
  | { job: string; ok: true; value: unknown; host: string }
  | { job: string; ok: false; error: string; code?: string; host: string };

const REPLY_TTL_S = 24 * 3600;
const POLL_S = 1;

export const replyKey = (session: string): string => `${QUEUE_PREFIX}:replies:${session}`;

/**
 * Host side: appends a reply to the coordinator's list (kept a day, in case it is away). `before`
 * queues commands into the same transaction (a unit's new state): one round trip, and the reply is
 * never seen without them.
 */
export async function pushReply(
  redis: Redis,
  key: string,
  reply: Reply,
  before: (commands: ChainableCommander) => ChainableCommander = (c) => c,
): Promise<void> {
  if (!key.startsWith(`${QUEUE_PREFIX}:replies:`))
    throw new Error('a reply key must be a layerlab reply list');
  const results = await before(redis.multi())
    .rpush(key, JSON.stringify(reply))
    .expire(key, REPLY_TTL_S)
    .exec();
  const failed = results?.find(([error]) => error)?.[0];
  if (!results || failed) throw failed ?? new Error('the reply transaction was discarded');
}

/**
 * Coordinator side: one Redis list per coordinator session that every host pushes its replies to,
 * read with a blocking pop on a connection of its own. A unit that BullMQ runs twice replies twice;
 * deciding which reply counts is the listener's job. One list rather than BullMQ's per-queue event
 * streams: replies from every host arrive in one order, and none is trimmed away while a unit is slow.
 */
export class ReplyChannel {
  private readonly listeners = new Set<(reply: Reply) => void>();
  private closed = false;
  private readonly loop: Promise<void>;

  private constructor(
    readonly key: string,
    private readonly redis: Redis,
  ) {
    this.loop = this.read();
  }

  static async open(url: string, session: string): Promise<ReplyChannel> {
    return new ReplyChannel(replyKey(session), await connectRedis(url));
  }

  listen(listener: (reply: Reply) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async read(): Promise<void> {
    while (!this.closed) {
      let popped: [string, string] | null = null;
      try {
        popped = await this.redis.blpop(this.key, POLL_S);
      } catch {
        // Redis away (restarting): ioredis reconnects; try again after a pause
        if (!this.closed) await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      if (!popped) continue;
      let reply: Reply;
      try {
        reply = JSON.parse(popped[1]) as Reply;
      } catch {
        continue; // not ours to understand; a host of another version is refused elsewhere
      }
      for (const listener of this.listeners) listener(reply);
    }
  }

  /**
   * Stops reading and deletes the list through `other` (a connection that is not blocked): its own
   * connection is closed under the pending blocking pop, which would otherwise hold the end of the
   * run for up to its poll period.
   */
  async close(other: Redis): Promise<void> {
    this.closed = true;
    this.redis.disconnect();
    await this.loop;
    await other.del(this.key).catch(() => {});
  }
}
