import { join } from 'node:path';
import { z } from 'zod';
import { controlAck, type ControlAck } from '../../store/run-control.js';
import type { Conforms } from '../../store/run-file.js';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { checkpointDir } from './checkpoint.js';
import type { ModelState } from '../heads/head-state.js';
import type { ModelRecord } from '../mop/model-record.js';
import type { OrderedWrites } from './ordered-writes.js';
import { encodeTensorFile, readTensorFile } from './tensor-file.js';
import type { StateTensor } from '../heads/group-state.js';

/**
 * Where a run stands at an epoch boundary: every model's record (status, history) and state, and
 * the control commands already applied. One file, written atomically after the boundary's work
 * (validation, halving, controls), so a resumed run starts the next epoch exactly where this one was.
 */
export interface RunProgress {
  /** epochs completed (0: none yet) */
  epoch: number;
  models: ModelRecord[];
  /** every control command handled so far, as acknowledged (a command is never applied twice) */
  controls: ControlAck[];
}

/**
 * What the readers of the snapshot's header rely on: each model's record is the trainer's
 * (`ModelRecord`), checked for what identifies it.
 */
export const snapshotHeaderSchema = z.looseObject({
  epoch: z.number().int().nonnegative(),
  models: z.array(
    z.looseObject({
      id: z.string().min(1),
      featureSet: z.string(),
      layer: z.string(),
      head: z.looseObject({ type: z.string() }),
    }),
  ),
  // checked by the control queue's own check (store/run-control.ts)
  controls: z.array(z.unknown()).refine((acks) => acks.every((a) => controlAck(a) === undefined), {
    message: 'expected control acknowledgements',
  }),
});
const writerConforms: Conforms<RunProgress, typeof snapshotHeaderSchema> = true;
void writerConforms;

export const snapshotPath = (runDir: string): string => join(checkpointDir(runDir), 'snapshot.ckpt');

function encodeSnapshot(progress: RunProgress, states: ReadonlyMap<string, ModelState>): Uint8Array {
  const tensors: Record<string, StateTensor> = {};
  for (const model of progress.models) {
    const state = states.get(model.id);
    if (!state) throw new Error(`no state for model ${model.id}`);
    for (const [name, t] of Object.entries(state)) tensors[`${model.id}/${name}`] = t;
  }
  return encodeTensorFile(progress, tensors);
}

export function writeSnapshot(
  runDir: string,
  progress: RunProgress,
  states: ReadonlyMap<string, ModelState>,
): void {
  writeFileAtomic(snapshotPath(runDir), encodeSnapshot(progress, states));
}

/** Queues the snapshot on `writes`, encoded now (the states and records may change meanwhile). */
export function queueSnapshot(
  writes: OrderedWrites,
  runDir: string,
  progress: RunProgress,
  states: ReadonlyMap<string, ModelState>,
): void {
  writes.write(snapshotPath(runDir), encodeSnapshot(progress, states));
}

export function readSnapshot(
  runDir: string,
): { progress: RunProgress; states: Map<string, ModelState> } | undefined {
  const file = readTensorFile<RunProgress>(
    snapshotPath(runDir),
    snapshotHeaderSchema,
    'the run cannot be resumed or exported: delete the run folder and train again',
  );
  if (!file) return undefined;
  const { header, tensors } = file;
  const states = new Map<string, ModelState>();
  for (const [full, t] of Object.entries(tensors)) {
    const slash = full.indexOf('/');
    const id = full.slice(0, slash);
    const state = states.get(id) ?? {};
    state[full.slice(slash + 1)] = t;
    states.set(id, state);
  }
  const { epoch, models, controls } = header;
  return { progress: { epoch, models, controls }, states };
}

/** One model's weights and optimizer state as of the run's last epoch boundary (e.g. for export). */
export function readModelState(runDir: string, modelId: string): ModelState | undefined {
  return readSnapshot(runDir)?.states.get(modelId);
}
