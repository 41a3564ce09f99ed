import { z } from 'zod';
import { TRIAGE_METHODS } from '../result.js';
import { path, positiveCount, seconds } from './shared.js';

/** The closed-form scoring methods of `triage`. */
export const triageMethodSchema = z.enum(TRIAGE_METHODS);

/** `triage --store S`: every scored feature set, best first (`rank` 1 is the best). */
export const triageSchema = z.strictObject({
  store: path,
  method: triageMethodSchema,
  layers: z.array(
    z.strictObject({
      layer: z.string().min(1),
      /** higher is better; `null` when the set is degenerate (NaN) */
      score: z.number().nullable(),
      rank: positiveCount,
      /** the width the set was scored at, after projection to the common dimension */
      dims: positiveCount,
      seconds,
      /** an earlier set with byte-identical stored values: scored once, this is its score */
      sameAs: z.string().min(1).optional(),
    }),
  ),
  seconds,
});

/** `train --triage K`: what triage kept for training and what it left out, with the scores. */
export const trainTriageSchema = z.strictObject({
  method: triageMethodSchema,
  keep: positiveCount,
  seconds,
  layers: z.array(
    z.strictObject({
      layer: z.string().min(1),
      score: z.number().nullable(),
      rank: positiveCount,
      kept: z.boolean(),
      /** a better-ranked set with byte-identical stored values: this one is never trained as well */
      sameAs: z.string().min(1).optional(),
    }),
  ),
});
