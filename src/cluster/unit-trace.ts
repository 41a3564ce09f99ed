import type { UnitRef } from '../train/transport/messages.js';

/**
 * Where a cluster unit's time goes between the coordinator's dispatch and its accepted outcome
 * (issue 14's dispatch-overhead breakdown). Stamps are wall-clock milliseconds with sub-millisecond
 * precision, comparable between the processes of one machine (the bench runs every host there);
 * across machines only the differences taken within one process mean anything.
 */
export const wallMs = (): number => performance.timeOrigin + performance.now();

/** The host's stamps of one `train-unit` job, returned with its reply. */
export interface HostTrace {
  /** the handler started (the job left the queue) */
  received: number;
  /** a chained unit's input state was handed over (else: as `received`) */
  handedOver: number;
  /** the input state and hyperparameters are decoded */
  stateIn: number;
  /** the shard worker thread returned the outcome */
  threadDone: number;
  /** the new state is encoded and hashed (stored in Redis with the reply, in one transaction) */
  stateOut: number;
}

/** The whole trip of one accepted unit: the coordinator's stamps around the host's. */
export interface UnitTrace {
  unit: UnitRef;
  /** chained: the group's previous unit, whose new state this one waited for on its host */
  after?: UnitRef;
  /** `dispatch` was called */
  dispatched: number;
  /** the input state is encoded (and stored in Redis when it goes by reference) */
  encoded: number;
  /** BullMQ's add returned */
  added: number;
  host: HostTrace;
  /** the unit's own seconds in its worker thread */
  unitSeconds: number;
  /** the reply was popped from the reply list */
  popped: number;
  /** the new state is decoded and the outcome handed to the coordinator */
  decoded: number;
}

/** The trace as consecutive phases, in milliseconds; they add up to the round trip. */
export function tracePhases(t: UnitTrace): Record<string, number> {
  const inThread = t.host.threadDone - t.host.stateIn;
  return {
    'coordinator encodes state': t.encoded - t.dispatched,
    'job add (BullMQ)': t.added - t.encoded,
    'queue wait and fetch': t.host.received - t.added,
    'waits for the hand-over (chained)': t.host.handedOver - t.host.received,
    'host decodes state': t.host.stateIn - t.host.handedOver,
    'thread hand-off (in and out)': inThread - t.unitSeconds * 1000,
    'unit (in the thread)': t.unitSeconds * 1000,
    'host encodes and hashes state': t.host.stateOut - t.host.threadDone,
    'reply (state SET and push, pop)': t.popped - t.host.stateOut,
    'coordinator decodes state': t.decoded - t.popped,
  };
}
