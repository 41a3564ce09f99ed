import { configError } from '../../core/errors.js';
import type { StoreSnapshot } from '../store-records.js';
import type { SetIdentity } from '../wanted-sets.js';

/** Refuses a store that holds features of another model, preprocessing or dataset. */
export function checkIdentity(snapshot: StoreSnapshot, dir: string, identity: SetIdentity): void {
  const manifest = snapshot.manifest;
  if (!manifest) return;
  const lineage = manifest.dataset.lineage ?? manifest.dataset.digest;
  if (
    manifest.model.digest !== identity.modelDigest ||
    manifest.preprocessingDigest !== identity.preprocessingDigest ||
    lineage !== identity.datasetLineage
  )
    throw configError(
      `store ${dir} holds features of another model, preprocessing or dataset; pass a different --store`,
    );
}
