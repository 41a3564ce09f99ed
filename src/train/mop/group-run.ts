import type { FusedGroup } from './fused-groups.js';
import type { GroupRun } from '../worker/worker-protocol.js';

/** What a worker needs to know of a group to build and feed its graph. */
export function groupRun(group: FusedGroup): GroupRun {
  return {
    featureSet: group.featureSet,
    stacks: group.stacks.map((s) => ({
      arch: s.arch,
      models: s.models,
      dropout: s.heads.map((h) => h.dropout),
    })),
    ...(group.groups ? { groups: group.groups } : {}),
  };
}
