/**
 * Every run under the home with its events replayed, for the home screen's list. Logs are read
 * incrementally: a second listing only reads what was appended since the first.
 */
import { join } from 'node:path';
import { RunStore, type RunMeta } from '../../store/run-store.js';
import type { RunListing } from '../../ui/backend.js';
import { initialRunState, reduceRunState, type RunState } from '../../ui/run-state.js';
import { endAction, isStale, toAction } from './run-events.js';

interface Replayed {
  offset: number;
  state: RunState;
}

export class RunCatalog {
  private readonly replayed = new Map<string, Replayed>();

  constructor(private readonly runsRoot: string) {}

  list(): RunListing[] {
    const metas = RunStore.list(this.runsRoot);
    const live = new Set(metas.map((m) => m.id));
    for (const id of this.replayed.keys()) if (!live.has(id)) this.replayed.delete(id);
    return metas.map((meta) => this.listing(meta));
  }

  private listing(meta: RunMeta): RunListing {
    const cached = this.replayed.get(meta.id) ?? {
      offset: 0,
      state: initialRunState({ title: `layerlab ${meta.command}`, model: meta.model, dataset: meta.data }),
    };
    let { state, offset } = cached;
    try {
      const { events, next } = RunStore.open(join(this.runsRoot, meta.id)).readEvents(offset);
      for (const line of events) {
        const action = toAction(line);
        if (action !== undefined) state = reduceRunState(state, action);
      }
      offset = next;
    } catch {
      // a log being rotated or removed under us: show what was read so far
    }
    this.replayed.set(meta.id, { offset, state });
    const end = state.result === undefined ? endAction(meta) : undefined;
    return { meta, stale: isStale(meta), state: end === undefined ? state : reduceRunState(state, end) };
  }
}
