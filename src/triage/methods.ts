/**
 * The names `triage` and `train --triage` take, apart from the estimators themselves, so that a
 * command can list them in its help without loading the numerics or the store (start-up time).
 */

/** Every closed-form way `triage` scores a feature set against its labels; higher is better. */
export const TRIAGE_METHODS = ['logme', 'transrate', 'hscore', 'shrinkage-hscore', 'ridge'] as const;
export type TriageMethod = (typeof TRIAGE_METHODS)[number];

/** The method `triage` and `--triage K` use unless told: chosen by bench/triage-evidence.ts (docs/triage.md). */
export const DEFAULT_TRIAGE_METHOD: TriageMethod = 'logme';

/** Sets wider than this are projected down to it before scoring. @default 128 */
export const DEFAULT_TRIAGE_DIMS = 128;
