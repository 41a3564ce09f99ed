import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { isLayerlabError, LayerlabError } from '../../core/errors.js';
import { refuseNetworkFilesystem } from '../filesystem-check.js';
import { STORE_FORMAT_VERSION, type StoreManifest } from '../manifest.js';
import { ReaderLease } from '../reader-lease.js';
import { liveWriter, WriterLock } from '../writer-lock.js';
import { STORE_MANIFEST_KEY } from './key-layout.js';
import { lmdbHeaderProblem } from './lmdb-header.js';
import { getJson } from './meta-json.js';
import { closeEnv, featuresFile, openEnv, type StoreEnv } from './store-env.js';

/** An open store environment with what it holds: the writer lock (writers) or a reader lease (readers). */
export interface OpenedStore {
  store: StoreEnv;
  lock: WriterLock | undefined;
  lease: ReaderLease | undefined;
}

export function storeExists(dir: string): boolean {
  return existsSync(featuresFile(dir));
}

/**
 * Opens a store for reading (taking a reader lease) or writing (creating its folder and taking the
 * writer lock), refusing a missing store, a network filesystem and a newer on-disk format.
 */
export function openStore(dir: string, write: boolean): OpenedStore {
  if (!write && !storeExists(dir)) {
    throw new LayerlabError('NOT_FOUND', `no feature store at ${dir}; run \`layerlab extract\` first`);
  }
  refuseNetworkFilesystem(dir);
  if (write) createStoreDir(dir);
  const lock = write ? WriterLock.acquire(dir) : undefined;
  const lease = write ? undefined : ReaderLease.take(dir);
  try {
    const store = openEnvWhileWritten(dir, !write);
    try {
      refuseNewerFormat(dir, getJson<StoreManifest>(store, STORE_MANIFEST_KEY));
    } catch (error) {
      void closeEnv(store);
      throw error;
    }
    return { store, lock, lease };
  } catch (error) {
    lock?.release();
    lease?.release();
    throw error;
  }
}

function createStoreDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new LayerlabError(
      'STORE_NOT_WRITABLE',
      `cannot create the store ${dir} (${(error as NodeJS.ErrnoException).code}); pass --home or --store with a writable folder`,
    );
  }
}

/**
 * A reader can meet a store whose writer is still creating its file (LMDB then fails with
 * "Invalid argument"): name the writer instead of failing as a bug.
 */
function openEnvWhileWritten(dir: string, readOnly: boolean): StoreEnv {
  const beingCreated = (writer: string) =>
    new LayerlabError(
      'STORE_LOCKED',
      `store ${dir} is being created by ${writer}; try again once it has written its first batch`,
    );
  // LMDB's file starts with two meta pages; a shorter file is not written yet (or was cut short),
  // and lmdb-js crashes the process on it, or on a file that is not LMDB's, rather than throwing: such
  // a file is never opened (a writer, which holds the lock, creates its file when it is missing or empty)
  const bytes = statSync(featuresFile(dir), { throwIfNoEntry: false })?.size ?? 0;
  const problem = readOnly || bytes > 0 ? lmdbHeaderProblem(featuresFile(dir), bytes) : undefined;
  if (problem !== undefined) {
    const writer = readOnly ? liveWriter(dir) : undefined;
    if (writer !== undefined) throw beingCreated(writer);
    throw new LayerlabError(
      'BAD_DATA',
      `store ${dir} is damaged (its features.mdb ${problem === 'cut short' ? 'is cut short' : 'is not an LMDB file'}); remove it with \`layerlab store gc ${basename(dir)} --all\` and extract again`,
    );
  }
  try {
    return openEnv(dir, readOnly);
  } catch (error) {
    const writer = readOnly && !isLayerlabError(error) ? liveWriter(dir) : undefined;
    if (writer !== undefined) throw beingCreated(writer);
    throw error;
  }
}

/** A store written by a newer layerlab may lay its records out differently: never read or extend it. */
function refuseNewerFormat(dir: string, manifest: StoreManifest | undefined): void {
  if (manifest && manifest.formatVersion > STORE_FORMAT_VERSION)
    throw new LayerlabError(
      'CONFIG',
      `store ${dir} has format version ${manifest.formatVersion}, newer than this layerlab reads (${STORE_FORMAT_VERSION}); upgrade layerlab, or extract into another --store`,
    );
}
