import { usageError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import type { ExtractFlags } from '../extract/extract-config.js';
import type { ClusterTraining } from '../pipeline/train-run.js';
import type { SweepFile } from './sweep-schema.js';

/**
 * What `sweep FILE --cluster URL` needs of a cluster; src/cluster provides it and the CLI composes
 * it in (sweep and cluster are peers in the stage order).
 */
export interface SweepCluster {
  /**
   * `extract --cluster` with these flags: every host extracts its shards of the sweep's layers into
   * a cluster store (cached when it exists already)
   */
  extract(
    /** `shards`: the sweep file's `workers` (MOP runs one worker per shard) */
    request: { model: string; data: string; flags: ExtractFlags; shards?: number },
    sink: EventSink,
    signal?: AbortSignal,
  ): Promise<{
    store: string;
    cached: boolean;
    shards: number;
    featureSets: { key: string; layer: string }[];
  }>;
  /** the coordinator's shard workers on the hosts, as `train --cluster` uses them */
  training: ClusterTraining;
}

/**
 * Refuses, as one usage line each naming the fix, what a sweep file may ask for that a cluster run
 * cannot do: every key here needs all rows (or the local store) on one machine.
 */
export function refuseOnCluster(sweep: SweepFile): void {
  const poolings = [sweep.pooling].flat();
  if (poolings.length > 1)
    throw usageError(
      `with --cluster a sweep extracts one pooling into one cluster store; keep one of pooling: [${poolings.join(', ')}] (or run one sweep per pooling)`,
    );
  if (sweep.views && sweep.views.length > 0)
    throw usageError(
      'views: are derived in a local feature store, which a cluster sweep does not have; drop views: (or --cluster)',
    );
  if (sweep.triage)
    throw usageError(
      'triage: reads every row on one machine; drop triage: from the sweep file (or --cluster)',
    );
  if (sweep.groups)
    throw usageError(
      'groups: trains one model per record group from every train row on one machine; drop groups: (or --cluster)',
    );
}

const list = (values: readonly number[]) => values.join(',');

/**
 * The sweep file's model input as `extract`'s flags, so its cluster store is the one
 * `extract MODEL DATA --cluster` with the same flags makes. The data's seed is passed always
 * (the sweep's seed when the data block names none), as a local sweep opens its data with it.
 */
export function sweepExtractFlags(sweep: SweepFile): ExtractFlags {
  // the ref itself travels beside the flags (extract's MODEL DATA arguments)
  const { split, seed, ...columns } = typeof sweep.data === 'string' ? {} : { ...sweep.data, ref: undefined };
  const pre = sweep.preprocess ?? {};
  const flags: ExtractFlags = {
    layers: [sweep.layers].flat().join(','),
    pool: [sweep.pooling].flat()[0]!,
    seed: String(seed ?? sweep.seed),
    // train,val only: a local sweep opens its data with these two fractions exactly
    ...(split ? { split: `${split.train},${split.val}` } : {}),
    ...Object.fromEntries(Object.entries(columns).filter(([, value]) => value !== undefined)),
    ...(pre.resize ? { resize: list(pre.resize) } : {}),
    ...(pre.scale === undefined ? {} : { scale: String(pre.scale) }),
    ...(pre.mean ? { mean: list(pre.mean) } : {}),
    ...(pre.std ? { std: list(pre.std) } : {}),
    ...(pre.channels ? { channels: pre.channels } : {}),
    ...(pre.layout ? { layout: pre.layout } : {}),
    ...(pre.maxLength === undefined ? {} : { maxLength: String(pre.maxLength) }),
  };
  return flags;
}
