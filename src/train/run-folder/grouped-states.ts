import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.js';
import type { StateTensor } from '../heads/group-state.js';
import { groupSlice } from '../heads/grouped-state.js';
import type { ModelState } from '../heads/head-state.js';
import { decodeTensorFile, encodeTensorFile } from './tensor-file.js';

/** The trained per-group models of a `train --groups` run: `groups/states.ckpt` in the run folder. */
export const groupedStatesPath = (runDir: string): string => join(runDir, 'groups', 'states.ckpt');

interface GroupedStatesHeader {
  /** the trained groups, in the order of every tensor's leading group axis */
  groups: string[];
  models: string[];
}

/** Every model's grouped state (tensors [G, …]), written once the grouped phase has trained. */
export function writeGroupedStates(
  runDir: string,
  groups: readonly string[],
  states: ReadonlyMap<string, ModelState>,
): void {
  const tensors: Record<string, StateTensor> = {};
  for (const [id, state] of states)
    for (const [name, t] of Object.entries(state)) tensors[`${id}/${name}`] = t;
  const header: GroupedStatesHeader = { groups: [...groups], models: [...states.keys()] };
  writeFileAtomic(groupedStatesPath(runDir), encodeTensorFile(header, tensors));
}

/**
 * A model's state for one data group (its weights as trained on that group alone, e.g. for predict or
 * export); undefined when the run has no grouped states, or not that model or group.
 */
export function readGroupedModelState(
  runDir: string,
  modelId: string,
  group: string,
): ModelState | undefined {
  const path = groupedStatesPath(runDir);
  if (!existsSync(path)) return undefined;
  const { header, tensors } = decodeTensorFile<GroupedStatesHeader>(readFileSync(path));
  const g = header.groups.indexOf(group);
  if (g < 0) return undefined;
  const state: ModelState = {};
  for (const [full, t] of Object.entries(tensors))
    if (full.startsWith(`${modelId}/`)) state[full.slice(modelId.length + 1)] = t;
  return Object.keys(state).length > 0 ? groupSlice(state, g) : undefined;
}
