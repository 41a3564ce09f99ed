import { existsSync } from 'node:fs';
import type { ModelState } from '../train/heads/head-state.js';
import { groupedStatesPath, readGroupedModelState } from '../train/run-folder/grouped-states.js';
import { requireRunResults } from '../train/run-folder/run-results.js';
import { loadHeadBundle, type HeadBundle } from './head-bundle.js';

/**
 * One model of a `train --groups` run as trained per data group: `groups[g]`'s copy is `states[g]`
 * (the weights it learned on that group's train records alone). Groups skipped as too small have no
 * copy; their records, like those of groups the run never saw, get the shared head.
 */
export interface GroupedHeads {
  groups: string[];
  states: ModelState[];
}

/**
 * The per-group copies of the bundle's model, in the order of results.json's `groups` section (the
 * group ids of `export-head --groups`); undefined when the run was not grouped or the model has no
 * per-group copies (ridge heads are not trained per group).
 */
export function loadGroupedHeads(runDir: string, bundle: HeadBundle): GroupedHeads | undefined {
  const section = requireRunResults(runDir).groups;
  if (!section || !existsSync(groupedStatesPath(runDir))) return undefined;
  const groups: string[] = [];
  const states: ModelState[] = [];
  for (const { name } of section.groups) {
    const state = readGroupedModelState(runDir, bundle.modelId, name);
    if (!state) continue;
    groups.push(name);
    states.push(state);
  }
  return groups.length > 0 ? { groups, states } : undefined;
}

/**
 * Each record's group id for the grouped head graph: the index of its group among the trained ones,
 * -1 (the shared head) for a record without a group or of a group that has no head of its own.
 */
export function groupIds(recordGroups: readonly (string | undefined)[], heads: GroupedHeads): BigInt64Array {
  const position = new Map(heads.groups.map((name, g) => [name, g]));
  return BigInt64Array.from(recordGroups, (name) =>
    BigInt(name === undefined ? -1 : (position.get(name) ?? -1)),
  );
}

/**
 * A grouped run's heads as `predict` routes by default: each trained group to its own best model
 * (results.json `groups[].best`: its layer and configuration, with the weights that model learned on
 * that group), every other record to the run's best (shared) model. Models are listed once, each with
 * the groups it is best for, so one head session serves all of them.
 */
export interface GroupBestHeads {
  models: { bundle: HeadBundle; heads: GroupedHeads }[];
}

/**
 * Each trained group's best model, read from results.json's `groups` section; undefined when the run
 * was not grouped or no group's best model has per-group weights (such groups get the shared head).
 */
export function loadGroupBestHeads(runDir: string): GroupBestHeads | undefined {
  const section = requireRunResults(runDir).groups;
  if (!section || !existsSync(groupedStatesPath(runDir))) return undefined;
  const byModel = new Map<string, { bundle: HeadBundle; heads: GroupedHeads }>();
  for (const { name, best } of section.groups) {
    const state = readGroupedModelState(runDir, best.id, name);
    if (!state) continue;
    let model = byModel.get(best.id);
    if (!model) {
      model = { bundle: loadHeadBundle(runDir, best.id), heads: { groups: [], states: [] } };
      byModel.set(best.id, model);
    }
    model.heads.groups.push(name);
    model.heads.states.push(state);
  }
  return byModel.size > 0 ? { models: [...byModel.values()] } : undefined;
}
