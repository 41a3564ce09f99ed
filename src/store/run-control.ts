import { z } from 'zod';

/**
 * The run folder's control queue (`control/`): a steering command is one `<id>.cmd.json`, written by
 * whoever steers (the UI, from any process); the trainer answers it at an epoch boundary with
 * `<id>.ack.json`. The types are inferred from these schemas.
 */
const value = z.union([z.number(), z.string()]);

/** Steering commands (human in the loop), applied at the next epoch boundary. */
export const controlCommandSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('stop'), model: z.string() }),
  z.object({ op: z.literal('resume'), model: z.string() }),
  z.object({ op: z.literal('clone'), model: z.string(), changes: z.record(z.string(), value) }),
  z.object({ op: z.literal('add'), layer: z.string(), head: z.record(z.string(), value) }),
]);
export type ControlCommand = z.output<typeof controlCommandSchema>;

/** `control/<id>.cmd.json`. */
export const queuedControlSchema = z.object({
  id: z.string().min(1),
  command: controlCommandSchema,
  sentAt: z.string(),
});
export type QueuedControl = z.output<typeof queuedControlSchema>;

/** `control/<id>.ack.json`, and the snapshot's record of every command handled. */
export const controlAckSchema = z.object({
  id: z.string().min(1),
  applied: z.boolean(),
  /** the epoch boundary it was applied at, or why it was not */
  epoch: z.number().int().nonnegative().optional(),
  reason: z.string().optional(),
  /** ids of models it created (clone, add) */
  models: z.array(z.string()).optional(),
});
export type ControlAck = z.output<typeof controlAckSchema>;
