import { z } from 'zod';
import type { Conforms } from '../../store/run-file.js';

/** JSON writes NaN (a metric on no records) as null. */
const metric = z.number().nullable();

const recordsShape = {
  train: z.number().int().nonnegative(),
  val: z.number().int().nonnegative(),
  test: z.number().int().nonnegative(),
};

/**
 * The per-group section of results.json (`groups`, written by `train --groups`): per trained group
 * its records, the best (layer, head) on its own validation records with that model's test metric,
 * the best per layer (the group × layer matrix), and the shared head's (the run's best ungrouped
 * model's) test metric on the group's test records; then the groups skipped as too small. Metrics
 * are the run's ranking metric; test ones are null when the store has no test records.
 *
 * This is the full section as the trainer writes it; `GroupResults` is inferred from it.
 */
export const groupResultsFullSchema = z.strictObject({
  minRecords: z.number().int().nonnegative(),
  groups: z.array(
    z.strictObject({
      name: z.string(),
      records: z.strictObject(recordsShape),
      /** the best model on the group's validation records: its id, layer, head label and metrics */
      best: z.strictObject({
        id: z.string(),
        layer: z.string(),
        head: z.string(),
        val: metric,
        test: metric,
      }),
      /** per layer, its best model on the group's validation records */
      layers: z.array(z.strictObject({ layer: z.string(), id: z.string(), val: metric, test: metric })),
      /** the shared head (the run's best ungrouped model) on the group's test records */
      shared: z.strictObject({ id: z.string(), test: metric }),
    }),
  ),
  skipped: z.array(z.strictObject({ name: z.string(), records: z.strictObject(recordsShape) })),
});

export type GroupResults = z.infer<typeof groupResultsFullSchema>;

/**
 * What readers of the section rely on: loose objects, so a newer layerlab's extra fields are kept,
 * not refused. The compiler checks the full schema conforms to it.
 */
export const groupResultsSchema = z.looseObject({
  minRecords: z.number().int().nonnegative(),
  groups: z.array(
    z.looseObject({
      name: z.string(),
      records: z.looseObject(recordsShape),
      best: z.looseObject({ id: z.string(), layer: z.string(), head: z.string(), val: metric, test: metric }),
      layers: z.array(z.looseObject({ layer: z.string(), id: z.string(), val: metric, test: metric })),
      shared: z.looseObject({ id: z.string(), test: metric }),
    }),
  ),
  skipped: z.array(z.looseObject({ name: z.string(), records: z.looseObject(recordsShape) })),
});

const writerConforms: Conforms<GroupResults, typeof groupResultsSchema> = true;
void writerConforms;
