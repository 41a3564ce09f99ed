import { z } from 'zod';
import type { ErrorCode } from '../core/errors.js';
import type { ExtractionPlan } from '../extract/plan.js';

/**
 * An `extract-shard` unit: extract shard `shard` of `shards` of DATA with MODEL into the host's
 * `HOME/cluster/<store>/shard-K`. Data only: the model and data refs as the user gave them (a path
 * every host can read), extract's own flags as strings (validated again here, as the CLI does),
 * the store id and the coordinator's layerlab version.
 */
export const extractShardJobSchema = z.strictObject({
  store: z.string().regex(/^cs-[0-9a-f]+$/),
  model: z.string().min(1),
  data: z.string().min(1),
  shards: z.number().int().positive().max(65535),
  shard: z.number().int().nonnegative(),
  flags: z.record(z.string(), z.union([z.string(), z.boolean()])),
  version: z.string().min(1),
});

export type ExtractShardJob = z.output<typeof extractShardJobSchema>;

/** What a host returns for its shard: enough for the coordinator's manifest and result line. */
export interface ExtractShardOutcome {
  shard: number;
  host: string;
  cached: boolean;
  records: { train: number; val: number; test: number };
  /** digest of the shard's record ids and every feature set's batch hashes */
  digest: string;
  featureSets: { layer: string; key: string; dims: number; records: number; computedRecords: number }[];
  skipped: { id: string; reason: string }[];
  plan: ExtractionPlan;
  seconds: number;
}

/**
 * A unit's failure reaches the coordinator as its message only: a known error carries its code in
 * front (`BAD_DATA: …`) so the coordinator exits as a local extract would. Not retried: the same
 * inputs fail the same way.
 */
const CODED = /^([A-Z_]+): (.*)$/s;

export function failureOf(reason: string): { code: ErrorCode | undefined; message: string } {
  const match = CODED.exec(reason);
  return match ? { code: match[1] as ErrorCode, message: match[2]! } : { code: undefined, message: reason };
}
