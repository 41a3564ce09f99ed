import type { ChainableCommander, Redis } from 'ioredis';
import { LayerlabError } from '../core/errors.js';
import { QUEUE_PREFIX } from './host-record.js';
import { sessionKey } from './train-jobs.js';
import type { BlobRef } from './wire.js';

/**
 * A group's state handed from host to host without the coordinator between them (the coordinator
 * `chainsUnits`). The coordinator sends a unit to its idle host before the group's previous unit
 * ends, naming that unit (`after`); the host that ends it pushes its new state's reference to the
 * unit's hand-off list, in the same transaction as its reply, and the waiting host starts at once.
 * The reply still goes to the coordinator, which checkpoints it and accepts it once, as before: only
 * the wait for the coordinator's round trip leaves the group's path from one shard to the next.
 * Every run of a unit hands over the same bytes (training is deterministic), so duplicates and
 * retries push the same reference; a waiter reads the list without taking from it (a rotation), so
 * a duplicate of the waiting unit finds it too.
 */

/** In a `train-unit` job instead of its state: wait for the state unit `after` of the group hands over. */
export interface HandoffRef {
  /** the previous unit's key (`unitKey`) */
  after: string;
  /** seconds to wait before giving the host back (the coordinator sends the unit again) */
  waitS: number;
}

/** What the coordinator pushes instead of a reference: the unit will not end, stop waiting. */
const WITHDRAWN = 'withdrawn';
const HANDOFF_TTL_S = 24 * 3600;
const UNIT_KEY = /^e\d{1,9}-g\d{1,9}-s\d{1,9}-v\d{1,9}$/;
const POLL_S = 1;

/** The reply code of a unit whose wait ran out: not a failure of the unit, it is sent again. */
export const HANDOFF_WAIT = 'HANDOFF_WAIT';

export const isHandoff = (input: BlobRef | HandoffRef): input is HandoffRef => 'after' in input;

export function handoffKey(session: string, unit: string): string {
  if (!UNIT_KEY.test(unit)) throw new Error('a hand-off names a unit key');
  if (!/^[0-9a-z-]{1,64}$/.test(session)) throw new Error('a hand-off names a session id');
  return `${QUEUE_PREFIX}:handoff:${session}:${unit}`;
}

/** Queues the hand-over of a unit's new state on its reply's transaction. */
export const queueHandoff = (commands: ChainableCommander, key: string, state: BlobRef): ChainableCommander =>
  commands.rpush(key, JSON.stringify(state)).expire(key, HANDOFF_TTL_S);

/** Tells a host waiting on `key` that the unit will not end. */
export const withdrawHandoff = (redis: Redis, key: string): Promise<unknown> =>
  redis.multi().rpush(key, WITHDRAWN).expire(key, HANDOFF_TTL_S).exec();

class HandoffWaitExpired extends Error {
  readonly code = HANDOFF_WAIT;
}

/** The reply code of an error a hand-off wait ended with, if it is one. */
export const handoffCode = (error: Error): string | undefined =>
  error instanceof HandoffWaitExpired ? error.code : undefined;

/**
 * Host side: blocking reads need a connection each, so a host keeps those it opened for later
 * waits (one per unit it runs at a time) rather than connect on a unit's path.
 */
export class HandoffWaiter {
  private readonly idle: Redis[] = [];

  constructor(private readonly redis: Redis) {}

  /** The reference handed over to `ref.after`, once pushed; throws when withdrawn, over, or out of time. */
  async wait(session: string, ref: HandoffRef): Promise<BlobRef> {
    const key = handoffKey(session, ref.after);
    const deadline = Date.now() + ref.waitS * 1000;
    const blocking = this.idle.pop() ?? this.redis.duplicate();
    let reusable = true;
    try {
      for (;;) {
        const value = await blocking.brpoplpush(key, key, POLL_S);
        if (value === WITHDRAWN)
          throw new LayerlabError('INTERRUPTED', `withdrawn: unit ${ref.after} will not end`);
        if (value) return JSON.parse(value) as BlobRef;
        if ((await this.redis.exists(sessionKey(session))) === 0)
          throw new Error(`training session ${session} is over (its coordinator closed it)`);
        if (Date.now() >= deadline)
          throw new HandoffWaitExpired(
            `unit ${ref.after}'s state did not come within ${ref.waitS} s; the host is free again`,
          );
      }
    } catch (error) {
      reusable = false;
      throw error;
    } finally {
      if (reusable) this.idle.push(blocking);
      else blocking.disconnect();
    }
  }

  close(): void {
    for (const connection of this.idle.splice(0)) connection.disconnect();
  }
}
