import { trainTriageSchema } from '../../core/contract/triage.js';
import type { TrainTriage } from '../../core/result.js';
import { readRunFile, writeRunFile } from '../../store/run-file.js';

/**
 * triage.json: what `train --triage K` (or a sweep's `triage:`) kept for training and what it left
 * out, with the scores; its schema is the contract's (the result line carries the same object).
 */
export const RUN_TRIAGE_FILE = 'triage.json';

export function writeRunTriage(runDir: string, triage: TrainTriage): void {
  writeRunFile(runDir, RUN_TRIAGE_FILE, triage);
}

/** The run's triage summary; undefined when it had none, BAD_DATA when the file is damaged. */
export function readRunTriage(runDir: string): TrainTriage | undefined {
  return readRunFile(
    runDir,
    RUN_TRIAGE_FILE,
    trainTriageSchema,
    'delete it to resume without the triage summary',
  );
}
