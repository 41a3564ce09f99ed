import { z } from 'zod';

/** JSON writes NaN (a metric on no records) as null. */
const metric = z.number().nullable();

const records = z.looseObject({
  train: z.number().int().nonnegative(),
  val: z.number().int().nonnegative(),
  test: z.number().int().nonnegative(),
});

/**
 * The per-group section of results.json (`groups`, written by `train --groups`): per trained group
 * its records, the best (layer, head) on its own validation records with that model's test metric,
 * the best per layer (the group × layer matrix), and the shared head's (the run's best ungrouped
 * model's) test metric on the group's test records; then the groups skipped as too small. Metrics
 * are the run's ranking metric; test ones are null when the store has no test records.
 */
export const groupResultsSchema = z.looseObject({
  minRecords: z.number().int().nonnegative(),
  groups: z.array(
    z.looseObject({
      name: z.string(),
      records,
      best: z.looseObject({
        id: z.string(),
        layer: z.string(),
        head: z.string(),
        val: metric,
        test: metric,
      }),
      layers: z.array(z.looseObject({ layer: z.string(), id: z.string(), val: metric, test: metric })),
      shared: z.looseObject({ id: z.string(), test: metric }),
    }),
  ),
  skipped: z.array(z.looseObject({ name: z.string(), records })),
});

interface Records {
  train: number;
  val: number;
  test: number;
}

/** What `groupResultsSchema` checks, as the trainer writes it. */
export interface GroupResults {
  minRecords: number;
  groups: {
    name: string;
    records: Records;
    /** the best model on the group's validation records: its id, layer, head label and metrics */
    best: { id: string; layer: string; head: string; val: number | null; test: number | null };
    /** per layer, its best model on the group's validation records */
    layers: { layer: string; id: string; val: number | null; test: number | null }[];
    /** the shared head (the run's best ungrouped model) on the group's test records */
    shared: { id: string; test: number | null };
  }[];
  skipped: { name: string; records: Records }[];
}
