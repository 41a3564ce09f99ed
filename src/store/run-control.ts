import {
  arrayOf,
  boolean,
  count,
  fileSchema,
  nonEmpty,
  numberOrString,
  object,
  optional,
  recordOf,
  string,
  tagged,
} from './light-check.js';

/**
 * The run folder's control queue (`control/`): a steering command is one `<id>.cmd.json`, written by
 * whoever steers (the UI, from any process); the trainer answers it at an epoch boundary with
 * `<id>.ack.json`. Each type is declared once with its check beside it (zod-free: RunStore loads on
 * the `results` path, see light-check.ts).
 */

/** Steering commands (human in the loop), applied at the next epoch boundary. */
export type ControlCommand =
  | { op: 'stop'; model: string }
  | { op: 'resume'; model: string }
  | { op: 'clone'; model: string; changes: Record<string, number | string> }
  | { op: 'add'; layer: string; head: Record<string, number | string> };

const controlCommand = tagged('op', {
  stop: { model: string },
  resume: { model: string },
  clone: { model: string, changes: recordOf(numberOrString) },
  add: { layer: string, head: recordOf(numberOrString) },
} satisfies Record<ControlCommand['op'], Record<string, unknown>>);

/** `control/<id>.cmd.json`. */
export interface QueuedControl {
  id: string;
  command: ControlCommand;
  sentAt: string;
}
export const queuedControlSchema = fileSchema<QueuedControl>(
  object({ id: nonEmpty, command: controlCommand, sentAt: string }),
);

/** `control/<id>.ack.json`, and the snapshot's record of every command handled. */
export interface ControlAck {
  id: string;
  applied: boolean;
  /** the epoch boundary it was applied at, or why it was not */
  epoch?: number;
  reason?: string;
  /** ids of models it created (clone, add) */
  models?: string[];
}
export const controlAck = object({
  id: nonEmpty,
  applied: boolean,
  epoch: optional(count),
  reason: optional(string),
  models: optional(arrayOf(string)),
});
export const controlAckSchema = fileSchema<ControlAck>(controlAck);
