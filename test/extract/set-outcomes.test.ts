import { describe, expect, it } from 'vitest';
import { appendedSummary, setOutcome } from '../../src/extract/set-outcomes.js';

describe('what an extraction did to a feature set', () => {
  it('tells stored, computed, appended and resumed sets apart', () => {
    expect(setOutcome({ stored: true, coveredRows: 53, records: 53, addedRecords: 0 })).toEqual({
      status: 'stored',
      computedRecords: 0,
    });
    expect(setOutcome({ stored: false, coveredRows: 0, records: 53, addedRecords: 10 })).toEqual({
      status: 'computed',
      computedRecords: 53,
    });
    // held all 43 records the store had before it grew by 10
    expect(setOutcome({ stored: false, coveredRows: 43, records: 53, addedRecords: 10 })).toEqual({
      status: 'appended',
      computedRecords: 10,
    });
    // interrupted after 16 of 43 rows, whether or not the dataset grew since
    expect(setOutcome({ stored: false, coveredRows: 16, records: 43, addedRecords: 0 })).toEqual({
      status: 'resumed',
      computedRecords: 27,
    });
    expect(setOutcome({ stored: false, coveredRows: 16, records: 53, addedRecords: 10 })).toMatchObject({
      status: 'resumed',
    });
  });

  it('counts appended records only when some set was appended to', () => {
    const appended = { status: 'appended', computedRecords: 10 } as const;
    const computed = { status: 'computed', computedRecords: 53 } as const;
    expect(appendedSummary([appended, appended, computed], 10)).toEqual({ records: 10, featureSets: 2 });
    expect(appendedSummary([computed], 10)).toEqual({ records: 0, featureSets: 0 });
  });
});
