import { FeatureStore } from './feature-store.js';

export interface SetVerification {
  layer: string;
  key: string;
  complete: boolean;
  batches: number;
  /** batches whose bytes do not match their recorded hash (or are missing) */
  bad: number[];
  /** digest of the set's batch hashes: equal digests, byte-identical features */
  digest: string;
}

export interface StoreVerification {
  store: string;
  ok: boolean;
  records: number;
  featureSets: SetVerification[];
  problems: string[];
}

/**
 * Recomputes every batch hash of every feature set (or of `keys`) and checks that complete sets
 * hold every batch and that the record table matches the manifest. Read-only.
 */
export function verifyStore(
  dir: string,
  options: { keys?: readonly string[]; onSet?: (done: number, total: number) => void } = {},
): StoreVerification {
  const store = FeatureStore.open(dir, { write: false });
  try {
    const problems: string[] = [];
    const manifest = store.manifest();
    if (!manifest) problems.push('no store manifest (an extraction was killed before its first write)');
    const table = manifest ? store.records() : undefined;
    if (manifest && table && table.ids.length !== manifest.dataset.records)
      problems.push(
        `record table has ${table.ids.length} records, manifest says ${manifest.dataset.records}`,
      );
    const sets = store
      .featureSets()
      .sort((a, b) => (a.pointIndex ?? 0) - (b.pointIndex ?? 0))
      .filter((s) => !options.keys || options.keys.includes(s.key) || options.keys.includes(s.layer));
    const featureSets = sets.map((set, i) => {
      const bad = store.verifyFeatureSet(set.key);
      const stored = set.complete ? set.batches : store.storedBatches(set.key);
      if (set.complete && store.storedBatches(set.key) < set.batches && !bad.length)
        problems.push(`${set.layer}: complete but batch ${store.storedBatches(set.key)} is missing`);
      if (bad.length) problems.push(`${set.layer}: ${bad.length} batches fail their hash (first: ${bad[0]})`);
      options.onSet?.(i + 1, sets.length);
      return {
        layer: set.layer,
        key: set.key,
        complete: set.complete,
        batches: stored,
        bad,
        digest: store.contentDigest(set.key),
      };
    });
    return { store: dir, ok: problems.length === 0, records: table?.ids.length ?? 0, featureSets, problems };
  } finally {
    store.close();
  }
}
