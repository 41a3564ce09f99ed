import { readFileSync, renameSync, rmSync, statSync, writeFileSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import {
  featureSetBytes,
  STORE_FORMAT_VERSION,
  type FeatureSetManifest,
  type StoreManifest,
} from './manifest.js';

/**
 * A store's listing (what `store ls` shows of it) kept as JSON beside its LMDB file, so listing
 * stores needs no LMDB engine (loading the native addon and opening each environment cost `store ls`
 * ~70 ms, issue 12). The LMDB file stays the truth: a writer removes the listing when it takes the
 * writer lock and writes a new one when it closes, and the listing records the size, modification
 * time and inode the file had then; it is used only while the file still has them. After a write by
 * anything else (a writer that crashed, a compaction, a layerlab without listings) readers go to
 * LMDB: a stale listing is never shown.
 */
export const LISTING_FILE = 'listing.json';

/** Bumped when the listing's fields change; another version's listing is ignored. */
const LISTING_VERSION = 1;

/** What a store summary needs from LMDB: the rest (paths, file size) comes from the file system. */
export interface StoreListingParts {
  manifest: StoreManifest | undefined;
  skipped: number;
  featureSets: FeatureSetManifest[];
}

export interface StoreSummary {
  store: string;
  id: string;
  /** bytes of the LMDB file on disk (freed pages included until `gc --compact`) */
  fileBytes: number;
  manifest?: StoreManifest;
  records: number;
  skipped: number;
  featureSets: (FeatureSetManifest & { bytes: number })[];
}

interface ListingFile {
  listingVersion: number;
  /** the LMDB file when the listing was taken */
  file: { size: string; mtimeNs: string; ino: string };
  parts: StoreListingParts;
}

/** LMDB's two meta pages: a shorter file is not a finished store (feature-store/open-lock.ts). */
const LMDB_META_BYTES = 2n * 4096n;

const mdbFile = (dir: string) => join(dir, 'features.mdb');
const fileIdentity = (s: BigIntStats) => ({
  size: String(s.size),
  mtimeNs: String(s.mtimeNs),
  ino: String(s.ino),
});

/** One store's summary from its parts, feature sets by capture point, then name (both sources). */
export function storeSummary(dir: string, fileBytes: number, parts: StoreListingParts): StoreSummary {
  const { manifest } = parts;
  return {
    store: dir,
    id: dir.split(/[\\/]/).pop()!,
    fileBytes,
    ...(manifest ? { manifest } : {}),
    records: manifest?.dataset.records ?? 0,
    skipped: parts.skipped,
    featureSets: [...parts.featureSets]
      .sort((a, b) => (a.pointIndex ?? 0) - (b.pointIndex ?? 0) || a.layer.localeCompare(b.layer))
      .map((s) => ({ ...s, bytes: featureSetBytes(s) })),
  };
}

/**
 * Writes the listing of a store whose LMDB file holds `parts` now. Call it holding the writer lock,
 * after the last write: the file's current size, time and inode become the listing's validity. Written
 * to a temporary file and renamed, so a reader sees the old listing or the new one, never half.
 */
export function writeStoreListing(dir: string, parts: StoreListingParts): void {
  const doc: ListingFile = {
    listingVersion: LISTING_VERSION,
    file: fileIdentity(statSync(mdbFile(dir), { bigint: true })),
    parts,
  };
  const temp = join(dir, `${LISTING_FILE}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, JSON.stringify(doc));
    renameSync(temp, join(dir, LISTING_FILE));
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Removes the listing, as a writer does once it holds the writer lock: from then until its `close`
 * writes the new one, readers go to LMDB (the file's time alone could miss a write made within the
 * same clock tick as the listing).
 */
export function removeStoreListing(dir: string): void {
  rmSync(join(dir, LISTING_FILE), { force: true });
}

/**
 * The store's summary from its listing, or undefined when there is none usable: missing, unreadable,
 * of another listing version, of a newer store format (LMDB's reader refuses it with the reason), or
 * taken when the LMDB file was not the file it is now.
 */
export function readStoreListing(dir: string): StoreSummary | undefined {
  let doc: ListingFile;
  let file: BigIntStats;
  try {
    doc = JSON.parse(readFileSync(join(dir, LISTING_FILE), 'utf8')) as ListingFile;
    file = statSync(mdbFile(dir), { bigint: true });
  } catch {
    return undefined;
  }
  if (doc.listingVersion !== LISTING_VERSION || !doc.file || !doc.parts) return undefined;
  const now = fileIdentity(file);
  if (now.size !== doc.file.size || now.mtimeNs !== doc.file.mtimeNs || now.ino !== doc.file.ino)
    return undefined;
  // a store cut short, or of a newer format: LMDB's reader names the problem
  if (file.size < LMDB_META_BYTES) return undefined;
  if ((doc.parts.manifest?.formatVersion ?? 0) > STORE_FORMAT_VERSION) return undefined;
  return storeSummary(dir, Number(file.size), doc.parts);
}
