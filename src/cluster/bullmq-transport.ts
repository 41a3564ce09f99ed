import type { Transport, WorkerMessageListener } from '../train/transport/transport.js';
import type {
  EvaluateReply,
  EvaluateRequest,
  UnitDispatch,
  UnitRef,
  WorkerInfo,
  WorkerLifecycle,
  WorkerMessage,
} from '../train/transport/messages.js';
import type { ErrorCode } from '../core/errors.js';
import type { HostRecord } from './host-record.js';
import type { ClusterSession } from './cluster-session.js';
import type { Reply } from './reply-channel.js';
import { canServe, contentRefusal, isAlive } from './shard-hosts.js';
import {
  sessionKey,
  type TrainEndJob,
  type TrainEvalJob,
  type TrainEvalReply,
  type TrainSessionSpec,
  type TrainUnitJob,
  type TrainUnitsJob,
  REFILL_AT,
  UNITS_AHEAD,
  type TrainUnitReply,
} from './train-jobs.js';
import { wallMs, type UnitTrace } from './unit-trace.js';
import { unitKey } from '../train/transport/messages.js';
import { HANDOFF_WAIT, handoffKey, isHandoff, withdrawHandoff, type HandoffRef } from './state-handoff.js';
import type { GroupState } from '../train/heads/group-state.js';
import {
  blobKeyOf,
  f64FromWire,
  getState,
  i32FromWire,
  prepareState,
  putState,
  queueBlob,
  stateScope,
  type BlobRef,
  type PutOptions,
} from './wire.js';

const SESSION_TTL_S = 7 * 24 * 3600;

const publishSpec = (session: ClusterSession, spec: TrainSessionSpec) =>
  session.redis.set(sessionKey(session.id), JSON.stringify(spec), 'EX', SESSION_TTL_S);

interface InFlight {
  worker: number;
  host: string;
  unit: UnitRef;
  attempt: number;
  /** what was dispatched: a chained unit whose wait ran out is sent again */
  message: UnitDispatch;
  /** the coordinator's stamps so far (unit-trace.ts) */
  stamps: { dispatched: number; encoded?: number; added?: number };
  /** where its input state is, once stored (a chained unit's: once its previous unit replied) */
  input?: BlobRef;
  /** chained: the key of the group's previous unit, whose new state is this unit's input */
  after?: string;
  /** sent ahead to a worker on a crowded host (`crowded`): held here until the worker is idle */
  held?: boolean;
}

/** how long a chained unit holds its host waiting for its input state before the host is freed */
const HANDOFF_WAIT_S = 10;

export interface BullmqTransportOptions {
  /** seconds a chained unit holds its host waiting for its input state @default 10 */
  handoffWaitS?: number;
}

/** hyperparameters this small ride inside the job; a group state always goes by reference */
const HYPER_INLINE_MAX = 4096;

/**
 * The MOP transport across hosts (Cerebro, VLDB 2020: data stays, models hop): worker `k` is shard
 * `k`, served by one live host that holds it. Each unit becomes a BullMQ `train-unit` job on that
 * host's queue, carrying its group's state (inline, or by content hash through Redis); the host runs
 * it with the thread pool's own worker code on its local shard store and replies on the session's
 * list. BullMQ delivers at least once, so a unit may reply twice: every reply is passed on, and the
 * coordinator's `UnitDispatcher` accepts one per group state version. A worker is `lost` when its
 * host stops heartbeating; `recover` moves it to another live host holding the shard (a replica),
 * or waits, with a status line, until one is up.
 * Units go ahead (`unitsAhead`): a worker's next units are queued on its host while it runs one (the
 * host reads their states and posts them to the shard's thread, behind the running unit); a worker
 * down to one unit is sent up to five more at once (`refillsAt`), as one job, so that BullMQ's
 * work per job (Redis's main load at scale) is shared by them. And it
 * `chainsUnits`: a unit sent before its group's previous unit ends waits on its host for the state
 * that unit hands over (state-handoff.ts). So a group goes from one host to the next, and a host
 * from one unit to the next, without the coordinator's round trip in between. A host has a slot per
 * unit a worker may hold; where it serves more of the run's shards than it has workers (a shard
 * moved there), a unit ahead is held here until its worker is idle, and a chained one until its
 * previous unit's reply is in, so that no job waits there in a slot another shard's unit needs.
 */
export class BullmqTransport implements Transport {
  private readonly listeners = new Set<WorkerMessageListener>();
  private readonly assigned: string[] = [];
  private readonly lost: boolean[] = [];
  private readonly inFlight = new Map<string, InFlight>();
  private readonly sent = new Map<string, InFlight>();
  private readonly stops: (() => void)[] = [];
  private readonly idle = new Set<() => void>();
  /** where a state object this coordinator holds already is in Redis: sent or received, not re-encoded */
  private readonly stored = new WeakMap<object, BlobRef>();
  /** every state key of this session, deleted at close (consumed inputs go as soon as accepted) */
  private readonly keys = new Set<string>();
  /** every host a unit was sent to or that replied (a moved shard leaves shard workers on both) */
  private readonly used = new Set<string>();
  /** per worker, its last job's sending: the next one is added to its host's queue after it */
  private readonly posting: Promise<void>[] = [];
  /** per worker, the units posted in this pass (this tick): they go as one job */
  private readonly gathering: (string[] | undefined)[] = [];
  /** per unit key, the new state its first good reply named: the input of the unit chained on it */
  private readonly outputs = new Map<string, BlobRef>();
  /** state keys in Redis now, as far as this coordinator knows (stored or named by a reply, not deleted) */
  private readonly live = new Set<string>();
  /** per new state's Redis key, the unit whose reply named it first */
  private readonly producedBy = new Map<string, string>();
  /** unit keys whose first good reply was read here (their new state may go once consumed) */
  private readonly read = new Set<string>();
  /** per unit key, the chained jobs waiting here for its reply (their host is crowded) */
  private readonly parked = new Map<string, string[]>();
  /** hears the trace of every accepted unit (the dispatch-overhead bench) */
  onTrace?: (trace: UnitTrace) => void;
  private readonly handoffWaitS: number;
  readonly remote = true;
  readonly chainsUnits = true;
  /** a worker's next units are queued on its host behind the one it runs (held here on a shared host) */
  readonly unitsAhead = UNITS_AHEAD;
  /** ...sent once it is down to one, together: one BullMQ job for the lot */
  readonly refillsAt = REFILL_AT;

  private constructor(
    private readonly session: ClusterSession,
    private readonly spec: TrainSessionSpec,
    readonly size: number,
    private readonly log: (message: string) => void,
    options: BullmqTransportOptions,
  ) {
    this.handoffWaitS = options.handoffWaitS ?? HANDOFF_WAIT_S;
    this.stops.push(
      session.onReply((reply) => void this.receive(reply)),
      session.watch((hosts) => this.watchHosts(hosts)),
      session.onDataLost(() => void this.resend()),
    );
  }

  /**
   * Publishes the session's spec (what every shard worker of the run shares) and gives each shard
   * a host, spreading shards over hosts that hold replicas.
   */
  static async start(
    session: ClusterSession,
    spec: TrainSessionSpec,
    shards: number,
    log: (message: string) => void,
    options: BullmqTransportOptions = {},
  ): Promise<BullmqTransport> {
    await publishSpec(session, spec);
    const transport = new BullmqTransport(session, spec, shards, log, options);
    const load = new Map<string, number>();
    for (let shard = 0; shard < shards; shard++) {
      const host = await session.waitForHost(shard, load);
      transport.assigned[shard] = host.name;
      transport.lost[shard] = false;
      load.set(host.name, (load.get(host.name) ?? 0) + 1);
    }
    return transport;
  }

  workers(): WorkerInfo[] {
    return this.assigned.map((host, worker) => ({
      worker,
      shard: worker,
      host,
      status: this.statusOf(worker),
    }));
  }

  private statusOf(worker: number): WorkerLifecycle {
    if (this.lost[worker]) return 'lost';
    return [...this.inFlight.values()].some((f) => f.worker === worker) ? 'busy' : 'ready';
  }

  listen(listener: WorkerMessageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(message: WorkerMessage): void {
    for (const listener of this.listeners) listener(message);
  }

  dispatch(message: UnitDispatch): void {
    const worker = message.worker;
    if (this.lost[worker]) {
      this.emit({
        type: 'worker.lost',
        worker,
        reason: `shard ${worker}'s host ${this.assigned[worker]} is silent`,
        unit: message.unit,
      });
      return;
    }
    this.emit({ type: 'worker.busy', worker, unit: message.unit });
    this.launch(message, wallMs());
  }

  /** A new job for a dispatch, sent now (or parked until its previous unit's reply). */
  private launch(message: UnitDispatch, dispatched: number): void {
    const { worker } = message;
    const job = this.session.nextJobId('train-unit');
    const flight: InFlight = {
      worker,
      host: this.assigned[worker]!,
      unit: message.unit,
      attempt: message.attempt,
      message,
      stamps: { dispatched },
      ...(message.after ? { after: unitKey(message.after) } : {}),
    };
    this.inFlight.set(job, flight);
    this.sent.set(job, flight);
    this.used.add(flight.host);
    // its host hands its new state over under this key, whether or not a unit is chained on it
    this.keys.add(handoffKey(this.session.id, unitKey(message.unit)));
    const busy = [...this.inFlight].some(([j, f]) => j !== job && f.worker === worker && !f.held);
    if (busy && this.crowded(worker)) flight.held = true;
    else this.post(job);
  }

  /** A unit left the worker: the one held here behind it goes out now. */
  private drop(job: string): boolean {
    const flight = this.inFlight.get(job);
    if (!flight) return false;
    this.inFlight.delete(job);
    const next = [...this.inFlight].find(([, f]) => f.worker === flight.worker && f.held);
    if (next && ![...this.inFlight.values()].some((f) => f.worker === flight.worker && !f.held)) {
      next[1].held = false;
      this.post(next[0]);
    }
    return true;
  }

  /**
   * Sends a unit's job after the jobs posted before it to the same worker are added (a unit queued
   * ahead must not overtake the one it goes behind, whose state is still being stored). The units
   * posted to a worker in one pass of the executor (this tick) go as one job (`train-units`).
   */
  private post(job: string): void {
    const { worker } = this.sent.get(job)!;
    const gathering = this.gathering[worker];
    if (gathering) return void gathering.push(job);
    const jobs = [job];
    this.gathering[worker] = jobs;
    const before = this.posting[worker] ?? Promise.resolve();
    const sent = Promise.resolve()
      .then(() => {
        this.gathering[worker] = undefined;
        return before;
      })
      .then(() => this.send(jobs));
    this.posting[worker] = sent.then(
      () => {},
      () => {},
    );
    void sent.catch((raw: unknown) => {
      const dropped = jobs.map((j) => [j, this.sent.get(j)!] as const).filter(([j]) => this.drop(j));
      if (dropped.length === 0) return;
      this.settled();
      for (const [, flight] of dropped)
        this.emit({
          type: 'unit.failed',
          worker: flight.worker,
          unit: flight.unit,
          attempt: flight.attempt,
          message: `could not queue the unit on host ${flight.host}: ${raw instanceof Error ? raw.message : String(raw)}`,
        });
    });
  }

  posted(maxMs: number): Promise<void> {
    const sent = Promise.all(this.posting).then(() => {});
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, maxMs)));
    return Promise.race([sent, late]).finally(() => clearTimeout(timer));
  }

  /**
   * Whether `worker`'s host serves more of the run's shards than it has workers (a shard moved
   * there): it has slots per worker for a running unit and the units behind it, so there a unit
   * behind another, or waiting for a hand-over, could hold the slot another shard's unit needs.
   */
  private crowded(worker: number): boolean {
    const host = this.assigned[worker];
    const workers = this.session.hosts.find((h) => h.name === host)?.workers ?? 1;
    return this.assigned.filter((h, w) => h === host && !this.lost[w]).length > workers;
  }

  /** The input of a chained unit: its previous unit's new state when in, else a hand-off to wait on. */
  private chainedInput(job: string, after: string): BlobRef | HandoffRef | undefined {
    const handed = this.outputs.get(after);
    if (handed) return handed;
    if (this.crowded(this.sent.get(job)!.worker)) {
      this.parked.set(after, [...(this.parked.get(after) ?? []), job]);
      return undefined;
    }
    return { after, waitS: this.handoffWaitS };
  }

  /** Adds the units' job to their worker's host queue: one unit alone as `train-unit`, more as `train-units`. */
  private async send(jobs: string[]): Promise<void> {
    const payloads: TrainUnitJob[] = [];
    for (const job of jobs) {
      // gone meanwhile (withdrawn, its host lost): not sent
      if (!this.inFlight.has(job)) continue;
      const payload = await this.payload(job);
      if (payload) payloads.push(payload);
    }
    if (payloads.length === 0) return;
    const flights = payloads.map((p) => this.sent.get(p.job)!);
    const { worker } = flights[0]!;
    const host = this.inFlight.get(payloads[0]!.job)?.host ?? this.assigned[worker]!;
    const encoded = wallMs();
    for (const flight of flights) flight.stamps.encoded = encoded;
    if (payloads.length === 1) await this.session.send(host, 'train-unit', payloads[0]!.job, payloads[0]!);
    else {
      const units: TrainUnitsJob = { session: this.session.id, units: payloads };
      await this.session.send(host, 'train-units', this.session.nextJobId('train-units'), units);
    }
    const added = wallMs();
    for (const flight of flights) flight.stamps.added = added;
  }

  /** A unit's job data: its state stored (or the unit it is chained on), or none while it is parked. */
  private async payload(job: string): Promise<TrainUnitJob | undefined> {
    const flight = this.sent.get(job)!;
    const { message } = flight;
    const scope = stateScope(this.session.id, message.unit.group);
    let state: BlobRef | HandoffRef;
    if (flight.after) {
      const input = this.chainedInput(job, flight.after);
      if (!input) return undefined; // parked: posted again when the previous unit's reply is in
      state = input;
      if (!isHandoff(input)) flight.input = input;
    } else {
      state = await this.store(message.state!, { scope, inlineMax: 0 });
      flight.input = state;
    }
    return {
      session: this.session.id,
      job,
      shard: message.worker,
      unit: message.unit,
      attempt: message.attempt,
      batchSize: message.batchSize,
      group: message.group,
      state,
      hyper: await this.store(message.hyper, { scope, inlineMax: HYPER_INLINE_MAX }),
      ...(message.fault ? { fault: message.fault } : {}),
    };
  }

  /**
   * A state's reference, stored in Redis unless this very object is there already, or the same bytes
   * are (an epoch's first unit starts from a copy of the state its group's last unit sent back).
   */
  private async store(state: GroupState, options: PutOptions): Promise<BlobRef> {
    let ref = this.stored.get(state);
    if (!ref) {
      const blob = prepareState(state, options);
      if (blob.key && !this.live.has(blob.key)) await queueBlob(this.session.redis.multi(), blob).exec();
      ref = blob.ref;
      this.stored.set(state, ref);
    }
    this.remember(ref);
    return ref;
  }

  private remember(ref: BlobRef): void {
    const key = blobKeyOf(ref);
    if (key) {
      this.keys.add(key);
      this.live.add(key);
    }
  }

  /**
   * A unit's outcome is accepted once per state version, so once its first reply is in, its input
   * state is consumed: a retry re-sends it from the group's checkpoint, and a duplicate of the unit
   * that finds it gone fails, unheard (its try is over). Kept when the unit changed nothing (a shard
   * with no rows gives the same bytes, the same key). The unit that made it is forgotten as a source
   * of hand-overs with it, and its hand-off list goes too: nothing may be chained on a state gone.
   */
  private consumed(input: BlobRef | undefined, output: BlobRef): void {
    const key = input && blobKeyOf(input);
    if (!key || key === blobKeyOf(output)) return;
    const producer = this.producedBy.get(key);
    this.producedBy.delete(key);
    const doomed = [key];
    if (producer !== undefined) {
      this.outputs.delete(producer);
      this.read.delete(producer);
      doomed.push(handoffKey(this.session.id, producer));
    }
    for (const k of doomed) {
      this.keys.delete(k);
      this.live.delete(k);
    }
    void this.session.redis.del(...doomed).catch(() => {});
  }

  /**
   * A unit's new state is in: units chained on it and waiting here are sent with it now, before the
   * coordinator reads it (their hosts fetch it from Redis themselves).
   */
  private handedOver(key: string, state: BlobRef): void {
    if (this.outputs.has(key) || 'inline' in state) return;
    this.outputs.set(key, state);
    this.producedBy.set(blobKeyOf(state)!, key);
    const jobs = this.parked.get(key) ?? [];
    this.parked.delete(key);
    for (const job of jobs) if (this.inFlight.has(job)) this.post(job);
  }

  /**
   * A chained unit's first good reply: its input (the previous unit's new state) is consumed once
   * the previous unit's own reply was read here too (else it stays until the session ends).
   */
  private consumedHandoff(flight: InFlight, output: BlobRef): void {
    const after = flight.after!;
    if (this.read.has(after)) this.consumed(flight.input ?? this.outputs.get(after), output);
  }

  /**
   * Units chained on `unit` stop: it was given up, so the state they wait for will not come. Each
   * fails as interrupted (not retried), and a host waiting for it is told to stop.
   */
  withdraw(unit: UnitRef): void {
    const after = unitKey(unit);
    const waiting = [...this.inFlight].filter(([, f]) => f.after === after);
    if (waiting.length === 0) return;
    this.parked.delete(after);
    const key = handoffKey(this.session.id, after);
    if (this.keys.has(key)) void withdrawHandoff(this.session.redis, key).catch(() => {});
    for (const [job] of waiting) this.drop(job);
    for (const [, f] of waiting)
      this.emit({
        type: 'unit.failed',
        worker: f.worker,
        unit: f.unit,
        attempt: f.attempt,
        message: `withdrawn: the unit it starts after (${after}) will not end`,
        code: 'INTERRUPTED',
      });
    this.settled();
  }

  /** Every reply of a unit job, duplicates included, becomes a worker message. */
  private async receive(reply: Reply): Promise<void> {
    const popped = wallMs();
    // evaluations and statistics included: a host that evaluated holds a shard worker too
    this.used.add(reply.host);
    const flight = this.sent.get(reply.job);
    if (!flight) return; // an evaluation or statistics reply: awaited by the session itself
    const { worker, unit, attempt, stamps } = flight;
    let message: WorkerMessage;
    let trace: UnitTrace | undefined;
    const first = this.inFlight.has(reply.job);
    if (!reply.ok && reply.code === HANDOFF_WAIT && first) {
      // a chained unit's wait ran out (its previous unit is slow, or re-runs): not a try of the unit
      this.drop(reply.job);
      this.launch(flight.message, flight.stamps.dispatched);
      return;
    }
    if (reply.ok) {
      const value = reply.value as TrainUnitReply;
      this.handedOver(unitKey(unit), value.state);
      try {
        this.remember(value.state);
        const state = await getState(this.session.redis, value.state);
        this.read.add(unitKey(unit));
        if (first) {
          this.stored.set(state, value.state);
          if (flight.after) this.consumedHandoff(flight, value.state);
          else this.consumed(flight.input, value.state);
        }
        message = {
          type: 'unit.outcome',
          worker,
          unit,
          attempt,
          seconds: value.seconds,
          result: {
            state,
            lossSum: f64FromWire(value.lossSum),
            correct: f64FromWire(value.correct),
            steps: value.steps,
            examples: value.examples,
          },
        };
        if (value.trace && stamps.encoded !== undefined && stamps.added !== undefined)
          trace = {
            unit,
            ...(flight.message.after ? { after: flight.message.after } : {}),
            dispatched: stamps.dispatched,
            encoded: stamps.encoded,
            added: stamps.added,
            host: value.trace,
            unitSeconds: value.seconds,
            popped,
            decoded: wallMs(),
          };
      } catch (error) {
        message = {
          type: 'unit.failed',
          worker,
          unit,
          attempt,
          message: `host ${reply.host}'s reply could not be read: ${String(error)}`,
        };
      }
    } else {
      message = {
        type: 'unit.failed',
        worker,
        unit,
        attempt,
        message: reply.error,
        ...(reply.code ? { code: reply.code as ErrorCode } : {}),
      };
    }
    if (this.drop(reply.job)) {
      if (trace) this.onTrace?.(trace);
      this.settled();
    }
    this.emit(message);
  }

  /** A host that stopped heartbeating loses its workers, and their units with them. */
  private watchHosts(hosts: readonly HostRecord[]): void {
    const now = Date.now();
    this.assigned.forEach((name, worker) => {
      if (this.lost[worker]) return;
      const host = hosts.find((h) => h.name === name);
      const { store, digests } = this.session;
      if (host && canServe(host, store, worker, now, digests)) return;
      this.lost[worker] = true;
      const reason = !host
        ? `host ${name} (shard ${worker}) left the cluster`
        : (contentRefusal(host, store, worker, digests) ??
          `host ${name} (shard ${worker}) stopped heartbeating ${((now - host.lastSeen) / 1000).toFixed(1)} s ago`);
      this.log(reason);
      const units = [...this.inFlight].filter(([, f]) => f.worker === worker);
      for (const [job] of units) this.inFlight.delete(job);
      if (units.length === 0) this.emit({ type: 'worker.lost', worker, reason });
      for (const [, f] of units) this.emit({ type: 'worker.lost', worker, reason, unit: f.unit });
      this.settled();
    });
  }

  /**
   * The cluster's Redis restarted empty: the spec, the queued jobs and the state blobs they name are
   * gone. The spec is published again, and every unit in flight fails, so that the run re-runs it
   * from its group's checkpoint (a new job, its state put again). A reply of the lost job that still
   * comes (a host was running it) is the same outcome; the dispatcher accepts one of the two.
   */
  private async resend(): Promise<void> {
    await publishSpec(this.session, this.spec).catch(() => {});
    // the new states went with the data: a unit chained on one waits for its previous unit's re-run
    this.outputs.clear();
    this.live.clear();
    this.producedBy.clear();
    this.read.clear();
    this.parked.clear();
    const lost = [...this.inFlight];
    for (const [job] of lost) this.inFlight.delete(job);
    for (const [, f] of lost)
      this.emit({
        type: 'unit.failed',
        worker: f.worker,
        unit: f.unit,
        attempt: f.attempt,
        message: `its job on host ${f.host} was lost when the cluster's Redis restarted empty`,
      });
    this.settled();
  }

  async evaluate(request: EvaluateRequest): Promise<EvaluateReply> {
    const { redis } = this.session;
    const putGroups = () =>
      Promise.all(
        request.groups.map(async (g) => ({
          featureSet: g.featureSet,
          stacks: g.stacks,
          state: await putState(redis, g.state),
        })),
      );
    // put once, and again after Redis restarted empty (the blobs went with it)
    let put = { lost: this.session.dataLost, groups: putGroups() };
    const groupsNow = () => {
      if (put.lost !== this.session.dataLost) put = { lost: this.session.dataLost, groups: putGroups() };
      return put.groups;
    };
    return Promise.all(
      Array.from({ length: this.size }, async (_, shard) => {
        const value = (await this.session.callShard(
          shard,
          'train-eval',
          async (job): Promise<TrainEvalJob> => ({
            session: this.session.id,
            job,
            shard,
            split: request.split,
            groups: await groupsNow(),
          }),
        )) as TrainEvalReply;
        return value.map((r) => ({
          lossSum: f64FromWire(r.lossSum),
          correct: f64FromWire(r.correct),
          count: r.count,
          confusion: i32FromWire(r.confusion),
        }));
      }),
    );
  }

  async recover(worker: number): Promise<void> {
    if (!this.lost[worker]) return;
    const load = new Map<string, number>();
    this.assigned.forEach((h, w) => w !== worker && !this.lost[w] && load.set(h, (load.get(h) ?? 0) + 1));
    const host = await this.session.waitForHost(worker, load);
    const moved = host.name !== this.assigned[worker];
    this.assigned[worker] = host.name;
    this.lost[worker] = false;
    this.log(`shard ${worker} ${moved ? 'moves to' : 'is back on'} host ${host.name}`);
    this.emit({ type: 'worker.ready', worker, shard: worker, host: host.name });
  }

  cancel(): void {
    this.session.cancel();
  }

  /**
   * Tells each live host of the session that it is over, so that it stops the session's shard
   * workers now (each holds its shard's rows) rather than after their idle period: a host serves one
   * session after another. Not waited for: it is queued ahead of any later session's jobs there, and
   * a host that misses it stops them on its own (train-handlers.ts releaseEnded, or when idle).
   */
  private async endOnHosts(): Promise<void> {
    const now = Date.now();
    const alive = new Set(this.session.hosts.filter((h) => isAlive(h, now)).map((h) => h.name));
    const hosts = [...this.used].filter((host) => alive.has(host));
    const data: TrainEndJob = { session: this.session.id };
    await Promise.all(
      hosts.map((host) =>
        this.session.send(host, 'train-end', this.session.nextJobId('train-end'), data).catch(() => {}),
      ),
    );
  }

  private settled(): void {
    if (this.inFlight.size > 0) return;
    for (const resolve of this.idle) resolve();
    this.idle.clear();
  }

  /** Waits for the units in flight (a lost host's count as done), then ends the session. */
  async close(): Promise<void> {
    if (this.inFlight.size > 0) await new Promise<void>((resolve) => this.idle.add(resolve));
    for (const stop of this.stops) stop();
    await this.endOnHosts();
    await this.session.redis.del(sessionKey(this.session.id), ...this.keys).catch(() => {});
    await this.session.close();
  }
}
