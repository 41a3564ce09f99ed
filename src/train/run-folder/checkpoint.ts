import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.js';
import type { GroupState } from '../heads/group-state.js';
import { decodeTensorFile, encodeTensorFile } from './tensor-file.js';

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
  const path = unitCheckpointPath(runDir, epoch, group);
  if (!existsSync(path)) return undefined;
  const { header, tensors } = decodeTensorFile<UnitCheckpointHeader>(readFileSync(path));
  return { header, state: tensors };
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
