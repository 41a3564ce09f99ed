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
  /** the input state and hyperparameters are decoded */
  stateIn: number;
  /** the shard worker thread returned the outcome */
  threadDone: number;
  /** the new state is encoded (and stored in Redis when it goes by reference) */
  stateOut: number;
  /** the group's next unit is queued on its host (units dispatched ahead; = stateOut when none) */
  chained?: number;
}

/** The whole trip of one accepted unit: the coordinator's stamps around the host's. */
export interface UnitTrace {
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
  /**
   * units dispatched ahead: the unit was queued by its previous unit's host (`dispatched`, `encoded`
   * and `added` are then that host's stamp of queueing it), and/or it queued the group's next unit
   */
  queuedByHost?: boolean;
  queuedNext?: boolean;
  /** the host that ran it */
  hostName?: string;
}

/**
 * The unit's overhead on its group's path, in ms: from its dispatch (or its queueing by the previous
 * unit's host; or, if later, from when its host became free) to its outcome at the coordinator (or, when its host queued the group's next unit, to
 * that moment: the coordinator's decode and checkpoint are then off the path), minus the unit itself.
 */
export const pathOverheadMs = (t: UnitTrace, hostFreeAt = -Infinity): number =>
  (t.queuedNext && t.host.chained !== undefined ? t.host.chained : t.decoded) -
  Math.max(t.dispatched, hostFreeAt) -
  t.unitSeconds * 1000;

/**
 * `pathOverheadMs` of every unit, each counted from when its host was free at the earliest (a unit
 * queued on a host still running another unit waits for it: that is the plan, not dispatch).
 */
export function pathOverheads(traces: readonly UnitTrace[]): number[] {
  const freeAt = new Map<string, number>();
  return [...traces]
    .sort((a, b) => a.host.received - b.host.received)
    .map((t) => {
      const overhead = pathOverheadMs(t, t.hostName === undefined ? undefined : freeAt.get(t.hostName));
      if (t.hostName !== undefined) freeAt.set(t.hostName, t.host.chained ?? t.host.stateOut);
      return overhead;
    });
}

/** The trace as consecutive phases, in milliseconds; they add up to the round trip. */
export function tracePhases(t: UnitTrace): Record<string, number> {
  const inThread = t.host.threadDone - t.host.stateIn;
  return {
    'coordinator encodes state': t.encoded - t.dispatched,
    'job add (BullMQ)': t.added - t.encoded,
    'queue wait and fetch': t.host.received - t.added,
    'host decodes state': t.host.stateIn - t.host.received,
    'thread hand-off (in and out)': inThread - t.unitSeconds * 1000,
    'unit (in the thread)': t.unitSeconds * 1000,
    'host encodes state': t.host.stateOut - t.host.threadDone,
    'host queues the next unit': (t.host.chained ?? t.host.stateOut) - t.host.stateOut,
    'reply (push, pop)': t.popped - (t.host.chained ?? t.host.stateOut),
    'coordinator decodes state': t.decoded - t.popped,
  };
}
