/**
 * The UI's view of a layerlab home, built here in the CLI (STYLE 5: stores are instances built in
 * cli, passed in): stores through the feature store's read-only API, runs through their folders.
 */
import { isAbsolute, join } from 'node:path';
import type { HomeLayout } from '../../core/paths.js';
import { RunStore } from '../../store/run-store.js';
import type { UiBackend } from '../../ui/backend.js';
import { RunCatalog } from './run-catalog.js';
import { readRunDetail } from './run-detail.js';
import { followRun } from './run-follower.js';
import { listStores, readClassNames, readStoreDetail } from './stores.js';

export function createUiBackend(home: HomeLayout): UiBackend {
  const catalog = new RunCatalog(home.runs);
  const classNames = new Map<string, string[] | undefined>();
  /** a run id under the home, or the absolute path of a run folder elsewhere */
  const runDir = (run: string) => (isAbsolute(run) ? run : join(home.runs, run));
  const namesOf = (store: string | undefined) => {
    if (store === undefined) return undefined;
    if (!classNames.has(store)) classNames.set(store, readClassNames(store));
    return classNames.get(store);
  };
  return {
    home: home.root,
    listStores: () => listStores(home.stores),
    listRuns: () => catalog.list(),
    storeDetail: (id) => readStoreDetail(join(home.stores, id)),
    follow: (run) => followRun(runDir(run)),
    detail: (run) => {
      const dir = runDir(run);
      const meta = RunStore.open(dir).meta();
      return readRunDetail(dir, meta, namesOf(meta.store));
    },
    steer: (run, command) => RunStore.open(runDir(run)).sendControl(command),
    acknowledgement: (run, id) => RunStore.open(runDir(run)).acknowledgement(id),
  };
}
