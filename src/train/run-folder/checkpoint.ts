import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../core/atomic-write.js';
import type { GroupState } from '../heads/group-state.js';
import type { Conforms } from '../../store/run-file.js';
import { encodeTensorFile, readTensorFile } from './tensor-file.js';

/**
 * A group's state after a unit, with what the epoch's metrics need from the units done so far.
 * Written atomically after every unit (a crash leaves the previous unit's checkpoint), and written
 * with `units: 0` when the epoch starts, so a failed unit can always be re-run from its group's
 * last checkpoint.
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

/** Removes the unit checkpoints of epochs before `keepFrom` (the epoch snapshot supersedes them). */
export function removeUnitCheckpoints(runDir: string, keepFrom: number): void {
  const dir = checkpointDir(runDir);
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const match = /^e(\d+)-g\d+\.ckpt$/.exec(name);
    if (match && Number(match[1]) < keepFrom) rmSync(join(dir, name), { force: true });
  }
}
