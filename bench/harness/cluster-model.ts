/**
 * The cost model of the scale-on-paper simulation (issue 14): what one unit of work costs on a
 * cluster, from figures measured on this machine (compute, state size, BullMQ round trip, Redis's
 * own per-byte cost) and a stated network. All times in seconds, sizes in bytes.
 */
export interface ClusterInputs {
  dims: number;
  classes: number;
  batchSize: number;
  /** training rows in one epoch, over all shards */
  rows: number;
  /** measured: one unit of a fused group of `heads` heads over `steps` steps takes fixed + steps × (step + heads × perHead) */
  compute: { unitFixed: number; stepFixed: number; stepPerHead: number };
  /** measured from a real group's state: bytes per head of weights and optimizer state (what travels), of weights alone (what data parallelism allreduces) */
  state: { bytesPerHead: number; weightBytesPerHead: number };
  /** measured: a BullMQ unit's round trip carrying no state, and the extra per byte of state it carries (one way) */
  dispatch: { roundTrip: number; perStateByte: number };
  /**
   * measured: Redis's own (CPU) time per unit and per byte of state carried one way; every unit and
   * state passes through the one Redis, so this part queues (it is inside the round trip above)
   */
  redis: { perJob: number; perByte: number };
  /**
   * measured: one pass of a state through Redis as raw bytes in a key (SET on one connection, GET on
   * another): the round trip of a tiny key, seconds per byte of state, Redis's own CPU per byte, and
   * its CPU for the pass of a tiny key (what a unit's own reply costs it: a push and a pop)
   */
  raw?: { roundTrip: number; perStateByte: number; redisPerByte: number; redisPerPass?: number };
  /**
   * 'ahead' only: units per BullMQ job (a worker down to one unit is sent its next ones as one job),
   * so BullMQ's work is shared by them while each unit's reply still passes Redis @default 1
   */
  unitsPerJob?: number;
  /**
   * how a unit's state travels (default 'job'): 'job', base64 inside the BullMQ job and its reply (2
   * passes through Redis); 'reference', raw bytes in a Redis key, the coordinator still between two
   * units (the host SETs, the coordinator GETs for its checkpoint, the next host GETs: 1.5 passes on
   * the path, after the BullMQ round trip); 'ahead', the next unit already queued on its host (the
   * plan is known up front), whose host GETs the key the previous host SET on a notification (1 pass
   * and one tiny round trip on the path; the coordinator's GET and the job still load Redis)
   */
  protocol?: 'job' | 'reference' | 'ahead';
  /** stated, not measured: between hosts (and between a host and Redis) */
  network: { bandwidth: number; latency: number };
  /** stated: between the workers of one host (data parallelism's intra-host reduction, shared memory) */
  memory: { bandwidth: number; latency: number };
}

/** Compute of one unit: a group of `heads` heads trains over `rows` rows (no transport). */
export function computeSeconds(inputs: ClusterInputs, heads: number, rows: number): number {
  const { unitFixed, stepFixed, stepPerHead } = inputs.compute;
  const steps = Math.ceil(rows / inputs.batchSize);
  return rows > 0 ? unitFixed + steps * (stepFixed + heads * stepPerHead) : 0;
}

/**
 * A MOP unit's cost beyond compute, split into what queues on the one Redis (its CPU time for the
 * job and for the state, in and out) and what each unit pays by itself in parallel (the rest of the
 * BullMQ round trip, the rest of the per-byte cost of carrying the state both ways, and the network
 * both ways).
 */
export function transportSeconds(inputs: ClusterInputs, heads: number): { serial: number; parallel: number } {
  const bytes = heads * inputs.state.bytesPerHead;
  const { dispatch, redis, network, raw } = inputs;
  const hop = (n: number) => n * (network.latency + bytes / network.bandwidth);
  if (raw && inputs.protocol === 'reference')
    return {
      serial: redis.perJob + 1.5 * bytes * raw.redisPerByte,
      parallel:
        Math.max(0, dispatch.roundTrip - redis.perJob) +
        1.5 * bytes * Math.max(0, raw.perStateByte - raw.redisPerByte) +
        hop(3),
    };
  if (raw && inputs.protocol === 'ahead') {
    const perJob = inputs.unitsPerJob ?? 1;
    // one unit a job: its completion is in perJob (the probe heard it); more: each replies by itself
    const replies = perJob > 1 ? (raw.redisPerPass ?? 0) : 0;
    return {
      serial: redis.perJob / perJob + replies + 1.5 * bytes * raw.redisPerByte,
      parallel: raw.roundTrip + bytes * Math.max(0, raw.perStateByte - raw.redisPerByte) + hop(2),
    };
  }
  const serial = redis.perJob + 2 * bytes * redis.perByte;
  const parallel =
    Math.max(0, dispatch.roundTrip - redis.perJob) +
    2 * bytes * Math.max(0, dispatch.perStateByte - redis.perByte) +
    2 * (network.latency + bytes / network.bandwidth);
  return { serial, parallel };
}

/**
 * Hierarchical allreduce of `bytes` over `hosts` × `workersPerHost` workers: ring reduction inside
 * each host over shared memory, then a ring between hosts over the network (each ring moves
 * 2(n−1)/n of the data and takes 2(n−1) latency-bound steps).
 */
export function allreduceSeconds(
  inputs: ClusterInputs,
  bytes: number,
  hosts: number,
  workersPerHost: number,
): number {
  const ring = (n: number, link: { bandwidth: number; latency: number }) =>
    n > 1 ? (2 * (n - 1) * bytes) / n / link.bandwidth + 2 * (n - 1) * link.latency : 0;
  return ring(workersPerHost, inputs.memory) + ring(hosts, inputs.network);
}
