import { notFound } from '../../core/errors.js';
import { fuseGroups, type ModelSpec } from './fused-groups.js';
import { groupHyper } from '../heads/group-hyper.js';
import { groupRun } from './group-run.js';
import type { GroupState } from '../heads/group-state.js';
import { headArch } from '../heads/head-arch.js';
import {
  initialModelState,
  packStack,
  unpackStack,
  warmStart,
  type ModelState,
} from '../heads/head-state.js';
import { learningRate } from '../heads/lr-schedule.js';
import { prepareRun } from './prepare-run.js';
import { resolveJob } from './resolve-job.js';
import { readRunJob } from '../run-folder/run-job-file.js';
import { readSnapshot } from '../run-folder/run-snapshot.js';
import { readRunVisits } from '../run-folder/run-visits.js';
import { ShardRuntime } from '../worker/shard-runtime.js';
import { shardInits } from './train.js';

/**
 * Re-trains a finished run sequentially, in this thread: epoch by epoch, each recorded group visits
 * its recorded shards in the recorded order (visits.json), starting from the same initial states and
 * warm starts. MOP promises sequential-SGD semantics, so the result must equal the run's final
 * snapshot bit for bit; that is what this exists to check.
 */
export async function replaySequential(runDir: string): Promise<Map<string, ModelState>> {
  const snapshot = readSnapshot(runDir);
  if (!snapshot) throw notFound(`no snapshot in ${runDir}; nothing to replay`);
  const job = readRunJob(runDir);
  const epochs = readRunVisits(runDir);
  const resolved = resolveJob(job);
  const prepared = prepareRun(resolved);
  const runtimes = shardInits(resolved, prepared).map((init) => ShardRuntime.open(init));
  const records = snapshot.progress.models;
  const dims = (set: string) => prepared.featureSets.find((s) => s.key === set)!.dims;
  const states = new Map<string, ModelState>();
  try {
    for (const { epoch, groups } of epochs) {
      for (const m of records.filter((r) => r.startEpoch === epoch - 1 && !states.has(r.id))) {
        const arch = headArch(m.head);
        states.set(
          m.id,
          m.origin.kind === 'clone'
            ? warmStart(states.get(m.origin.from)!, arch, dims(m.featureSet), prepared.classes)
            : initialModelState(arch, dims(m.featureSet), prepared.classes, resolved.seed, m.id),
        );
      }
      for (const recorded of groups) {
        const specs: ModelSpec[] = recorded.models.map((id) => {
          const r = records.find((m) => m.id === id)!;
          return { index: r.index, id, featureSet: r.featureSet, layer: r.layer, head: r.head };
        });
        const [group] = fuseGroups(specs, {
          workers: 1,
          dims,
          classes: prepared.classes,
          maxGroupBytes: Infinity,
        });
        let state: GroupState = {};
        group!.stacks.forEach((s, i) =>
          packStack(
            i,
            s.models.map((id) => states.get(id)!),
            state,
          ),
        );
        const hyper = groupHyper(
          group!,
          (member, head) => {
            const start = records[member]!.startEpoch;
            return learningRate(head, epoch - start, resolved.epochs - start);
          },
          prepared.balancedWeights,
        );
        for (const shard of recorded.shards)
          state = (await runtimes[shard]!.train(epoch, group!.batchSize, groupRun(group!), state, hyper))
            .state;
        group!.stacks.forEach((s, i) =>
          unpackStack(i, s.models.length, state).forEach((m, k) => states.set(s.models[k]!, m)),
        );
      }
    }
  } finally {
    await Promise.all(runtimes.map((r) => r.release()));
  }
  return states;
}
