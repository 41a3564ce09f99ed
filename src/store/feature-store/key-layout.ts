/*
 * Where everything lives in a store's LMDB environment. `meta` (JSON strings): the store manifest,
 * the record table, the groups table, one manifest per feature set and one entry per skipped record;
 * `data` (bytes): batches and their hashes. Changing any of these keys changes the on-disk format
 * (STORE_FORMAT_VERSION); adding one that older readers may ignore (groups) does not.
 */

export const STORE_MANIFEST_KEY = 'store';
export const RECORDS_KEY = 'records';
/** each record's group, beside the record table (absent when records carry no groups) */
export const GROUPS_KEY = 'groups';

const pad = (n: number) => String(n).padStart(8, '0');

/*
 * Batch keys lead with the batch number, so everything one transaction writes (every set's batch and
 * hash) is adjacent in the B-tree: one insertion point per commit. Keys led by the set instead made
 * LMDB copy-on-write a leaf page per set per commit, each read through the memory map, and the
 * process's resident memory grew with the store.
 */
export const batchKey = (set: string, batch: number) => `b/${pad(batch)}/${set}/v`;
export const hashKey = (set: string, batch: number) => `b/${pad(batch)}/${set}/h`;
export const setKey = (set: string) => `set/${set}`;
export const skipKey = (row: number) => `skip/${pad(row)}`;

/** Key ranges (start inclusive, end exclusive: '0' sorts right after '/'). */
export const BATCH_RANGE = { start: 'b/', end: 'b0' };
export const SET_RANGE = { start: 'set/', end: 'set0' };
export const SKIP_RANGE = { start: 'skip/', end: 'skip0' };

/** Whether a batch or hash key belongs to the given feature set. */
export const isKeyOfSet = (key: string, set: string) => key.includes(`/${set}/`);
