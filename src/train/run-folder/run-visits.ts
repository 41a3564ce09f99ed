import { basename, join } from 'node:path';
import { z } from 'zod';
import { readRunFile, writeRunFile, type Conforms } from '../../store/run-file.js';
import type { EpochVisits } from '../mop/train-job.js';
import type { OrderedWrites } from './ordered-writes.js';

/** One fused group of one epoch, as the trainer writes it (the `GroupVisits` type is inferred from it). */
export const groupVisitsSchema = z.strictObject({
  id: z.number().int().nonnegative(),
  featureSet: z.string(),
  layer: z.string(),
  batchSize: z.number().int().positive(),
  models: z.array(z.string()),
  /** the shards it visited, in order */
  shards: z.array(z.number().int().nonnegative()),
});

/** One epoch's visits, as the trainer writes them (`EpochVisits`). */
export const epochVisitsSchema = z.strictObject({
  epoch: z.number().int().positive(),
  groups: z.array(groupVisitsSchema),
});

/** visits.json in full, as the trainer writes it. */
export const runVisitsFileSchema = z.strictObject({ epochs: z.array(epochVisitsSchema) });

/**
 * visits.json: per epoch, each fused group's models and the shards it visited, in order (rewritten
 * after every epoch); enough to replay the run sequentially. This reader schema states what readers
 * rely on (the UI and the replay) and stays loose, accepting older runs (no `featureSet`) and a newer
 * layerlab's extra fields; the compiler checks the full schema above conforms to it.
 */
export const runVisitsSchema = z.looseObject({
  epochs: z.array(
    z.looseObject({
      epoch: z.number().int().positive(),
      groups: z.array(
        z.looseObject({
          id: z.number().int().nonnegative(),
          featureSet: z.string().optional(),
          layer: z.string(),
          batchSize: z.number().int().positive(),
          models: z.array(z.string()),
          shards: z.array(z.number().int().nonnegative()),
        }),
      ),
    }),
  ),
});

const writerConforms: Conforms<z.output<typeof runVisitsFileSchema>, typeof runVisitsSchema> = true;
void writerConforms;

export const RUN_VISITS_FILE = 'visits.json';

export function writeRunVisits(runDir: string, epochs: readonly EpochVisits[]): void {
  writeRunFile(runDir, RUN_VISITS_FILE, { epochs });
}

/**
 * visits.json as `writeRunVisits` writes it (the same bytes), encoded now and written behind on
 * `writes`: it lands before anything queued after it (the epoch's snapshot, which a resume reads it
 * with), and the next epoch need not wait for the disk.
 */
export function queueRunVisits(writes: OrderedWrites, runDir: string, epochs: readonly EpochVisits[]): void {
  const text = `${JSON.stringify({ epochs }, null, 2)}\n`;
  writes.write(join(runDir, RUN_VISITS_FILE), new TextEncoder().encode(text));
}

/**
 * The visit order of every epoch so far: empty before the first epoch has ended, a BAD_DATA error
 * naming the file and the fix when it is damaged.
 */
export function readRunVisits(runDir: string): EpochVisits[] {
  const fix = `it is rewritten after each epoch: resume the run with \`layerlab train --resume ${basename(runDir)}\`, or delete the run folder`;
  const file = readRunFile(runDir, RUN_VISITS_FILE, runVisitsSchema, fix);
  // the trainer wrote every field; the schema checked those readers use
  return (file?.epochs ?? []) as EpochVisits[];
}
