/**
 * What an extraction did to each requested feature set. A dataset that grew keeps every stored row
 * and extracts only the new records, so "computed 3 of 3 feature sets" would misreport it: the
 * result, the events and the printed summary say appended, resumed, computed or stored instead.
 */

/**
 * - `stored`: complete before this extraction, used as it is;
 * - `appended`: complete for the records the store held, extended with the records the dataset gained;
 * - `resumed`: begun by an interrupted extraction, finished from its first missing batch;
 * - `computed`: extracted from the first record.
 */
export type FeatureSetStatus = 'stored' | 'appended' | 'resumed' | 'computed';

export interface SetOutcome {
  status: FeatureSetStatus;
  /** records whose features this extraction computed for the set (0 when stored) */
  computedRecords: number;
}

/** Records the dataset gained since the store was written, and the feature sets extended with them. */
export interface AppendedSummary {
  records: number;
  featureSets: number;
}

export interface SetOutcomeInput {
  /** complete before this extraction */
  stored: boolean;
  /** rows already in the store for the set when extraction begins */
  coveredRows: number;
  /** the store's record count for this extraction */
  records: number;
  /** records the dataset gained since the store was written (0 when it did not grow) */
  addedRecords: number;
}

export function setOutcome({ stored, coveredRows, records, addedRecords }: SetOutcomeInput): SetOutcome {
  if (stored) return { status: 'stored', computedRecords: 0 };
  const computedRecords = Math.max(0, records - coveredRows);
  if (coveredRows === 0) return { status: 'computed', computedRecords };
  // A set that held every record the store had before it grew was complete: it is appended to.
  if (addedRecords > 0 && coveredRows >= records - addedRecords)
    return { status: 'appended', computedRecords };
  return { status: 'resumed', computedRecords };
}

export function appendedSummary(outcomes: readonly SetOutcome[], addedRecords: number): AppendedSummary {
  const featureSets = outcomes.filter((o) => o.status === 'appended').length;
  return { records: featureSets > 0 ? addedRecords : 0, featureSets };
}
