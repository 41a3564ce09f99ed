/**
 * The names `triage` and `train --triage` take, apart from the estimators themselves, so that a
 * command can list them in its help without loading the numerics or the store (start-up time).
 */

import type { TriageMethod } from '../core/result.js';

export { TRIAGE_METHODS, type TriageMethod } from '../core/result.js';

/** The method `triage` and `--triage K` use unless told: chosen by bench/triage-evidence.ts (docs/triage.md). */
export const DEFAULT_TRIAGE_METHOD: TriageMethod = 'logme';

/** Sets wider than this are projected down to it before scoring. @default 128 */
export const DEFAULT_TRIAGE_DIMS = 128;
