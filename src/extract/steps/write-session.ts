import { existsSync, rmSync } from 'node:fs';
import { isLayerlabError } from '../../core/errors.js';
import { FeatureStore } from '../../store/feature-store.js';

/**
 * Runs `work` with the store open for writing (the writer lock held) and closes it. A store this call
 * creates and then fails to fill is removed rather than left half-written; an interrupted one
 * (Ctrl-C) stays, so the same command resumes it from its first missing batch.
 */
export async function withWriteStore<T>(
  storeDir: string,
  work: (store: FeatureStore) => Promise<T>,
): Promise<T> {
  const createdHere = !existsSync(storeDir);
  let removeOnClose = false;
  const store = FeatureStore.open(storeDir, { write: true });
  try {
    return await work(store);
  } catch (error) {
    const interrupted = isLayerlabError(error) && error.code === 'INTERRUPTED';
    removeOnClose = createdHere && !interrupted && !anyComplete(store);
    throw error;
  } finally {
    store.close();
    if (removeOnClose) rmSync(storeDir, { recursive: true, force: true });
  }
}

/** Whether a store holds a finished feature set; on doubt (it cannot be read) yes, so nothing is removed. */
function anyComplete(store: FeatureStore): boolean {
  try {
    return store.featureSets().some((s) => s.complete);
  } catch {
    return true;
  }
}
