import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../core/atomic-write.js';
import type { GroupState } from '../heads/group-state.js';
import type { Conforms } from '../../store/run-file.js';
import type { OrderedWrites } from './ordered-writes.js';
import { encodeTensorFile, readTensorFile } from './tensor-file.js';

/**
 * A group's state after a unit, with what the epoch's metrics need from the units done so far.
 * Written atomically after every unit (a crash leaves the previous unit's checkpoint). A group with
 * no checkpoint in an epoch has finished none of its units there: it starts (or re-runs a failed
 * first unit) from the epoch snapshot's state, so nothing is written when the epoch starts.
 */
export interface UnitCheckpointHeader {
  /** 1-based */
  epoch: number;
  group: number;
  /** units of this epoch the group has finished (its first `units` planned visits) */
  units: number;
  models: string[];
  /** per head (graph order), sums over this epoch's steps so far */
  lossSum: number[];
  correct: number[];
  steps: number;
  examples: number;
}

/** What the readers of a unit checkpoint's header rely on (the sums are null where JSON wrote NaN). */
export const unitCheckpointHeaderSchema = z.looseObject({
  epoch: z.number().int().positive(),
  group: z.number().int().nonnegative(),
  units: z.number().int().nonnegative(),
  models: z.array(z.string()),
  lossSum: z.array(z.number().nullable()),
  correct: z.array(z.number()),
  steps: z.number().nonnegative(),
  examples: z.number().nonnegative(),
});
const writerConforms: Conforms<UnitCheckpointHeader, typeof unitCheckpointHeaderSchema> = true;
void writerConforms;

export const checkpointDir = (runDir: string): string => join(runDir, 'checkpoints');

export const unitCheckpointPath = (runDir: string, epoch: number, group: number): string =>
  join(checkpointDir(runDir), `e${epoch}-g${group}.ckpt`);

export function writeUnitCheckpoint(runDir: string, header: UnitCheckpointHeader, state: GroupState): void {
  writeFileAtomic(unitCheckpointPath(runDir, header.epoch, header.group), encodeTensorFile(header, state));
}

/**
 * Queues the checkpoint on `writes`: its bytes are encoded now (a copy, so the state may move to
 * another worker at once), the file lands in order with the run's other writes.
 */
export function queueUnitCheckpoint(
  writes: OrderedWrites,
  runDir: string,
  header: UnitCheckpointHeader,
  state: GroupState,
): void {
  writes.write(unitCheckpointPath(runDir, header.epoch, header.group), encodeTensorFile(header, state));
}

export function readUnitCheckpoint(
  runDir: string,
  epoch: number,
  group: number,
): { header: UnitCheckpointHeader; state: GroupState } | undefined {
  const file = readTensorFile<UnitCheckpointHeader>(
    unitCheckpointPath(runDir, epoch, group),
    unitCheckpointHeaderSchema,
    "delete it and resume the run: the group's epoch is trained again from the last epoch snapshot",
  );
  return file && { header: file.header, state: file.tensors };
}

/**
 * Removes the unit checkpoints of epochs before `keepFrom` (the epoch snapshot supersedes them).
 * Asynchronous, off the coordinator's thread: unlinking files can block for milliseconds each (a
 * disk mounted with `discard`), and the workers would idle at the epoch boundary meanwhile. Nothing
 * reads these files once the snapshot is written, so the next epoch need not wait for it.
 */
export async function removeUnitCheckpoints(runDir: string, keepFrom: number): Promise<void> {
  const dir = checkpointDir(runDir);
  if (!existsSync(dir)) return;
  const stale = readdirSync(dir).filter((name) => {
    const match = /^e(\d+)-g\d+\.ckpt$/.exec(name);
    return match && Number(match[1]) < keepFrom;
  });
  await Promise.all(stale.map((name) => rm(join(dir, name), { force: true })));
}

/** Removes one group's checkpoint of an epoch (one left by a run that grouped the models otherwise). */
export async function removeUnitCheckpoint(runDir: string, epoch: number, group: number): Promise<void> {
  await rm(unitCheckpointPath(runDir, epoch, group), { force: true });
}
