import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * A ref as every host should open it: a local path made absolute (hosts run in other folders),
 * `IMAGES,LABELS` part by part; `builtin:`, URLs and anything not found here as written (a path
 * that exists only on the hosts).
 */
export function hostRef(ref: string): string {
  if (ref.startsWith('builtin:') || /^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) return ref;
  if (existsSync(ref)) return resolve(ref);
  const parts = ref.split(',');
  if (parts.length > 1 && parts.every((p) => existsSync(p))) return parts.map((p) => resolve(p)).join(',');
  return ref;
}
