import { fuseGroups, type ModelSpec } from '../../src/train/mop/fused-groups.js';
import { groupHyper } from '../../src/train/heads/group-hyper.js';
import { groupRun } from '../../src/train/mop/group-run.js';
import type { GroupState } from '../../src/train/heads/group-state.js';
import { headArch } from '../../src/train/heads/head-arch.js';
import { headLabel } from '../../src/train/heads/head-config.js';
import { initialModelState, packStack } from '../../src/train/heads/head-state.js';
import { learningRate } from '../../src/train/heads/lr-schedule.js';
import { accuracyOf } from '../../src/train/heads/metrics.js';
import { prepareRun } from '../../src/train/mop/prepare-run.js';
import { resolveJob } from '../../src/train/mop/resolve-job.js';
import { ShardRuntime } from '../../src/train/worker/shard-runtime.js';
import { shardInits } from '../../src/train/mop/train.js';
import type { TrainJob } from '../../src/train/mop/train-job.js';

/** One head's outcome, as the status-quo loop records it. */
export interface HeadOutcome {
  id: string;
  layer: string;
  head: string;
  /** validation accuracy after each epoch */
  valAccuracy: number[];
  testAccuracy: number;
}

/**
 * The status quo of head training: what a script with a per-layer loop does. For each layer it
 * standardizes the features once; then each head, one after the other, reads its layer's features
 * from the store, trains alone for the job's epochs (validated after each), and is tested. Same math
 * as layerlab — its own single-head ONNX training graph, the same initial weights (seed and model
 * id), learning-rate schedule and batch size — in this thread, one ONNX Runtime session at a time.
 * What it does not do is what layerlab adds: fusing heads that read the same features, and spreading
 * them over workers (MOP).
 */
export async function trainOneByOne(job: TrainJob): Promise<HeadOutcome[]> {
  const resolved = resolveJob({ ...job, workers: 1 });
  const models: ModelSpec[] = resolved.models.map((m, index) => ({ ...m, index, id: `m${index}` }));
  const labels = (head: ModelSpec['head']) =>
    headLabel(
      head,
      resolved.models.map((m) => m.head),
    );
  const outcomes: HeadOutcome[] = [];
  for (const set of resolved.featureSets) {
    const layerJob = { storeDir: resolved.storeDir, workers: 1, seed: resolved.seed, featureSets: [set] };
    const prepared = prepareRun(layerJob);
    const dims = prepared.featureSets[0]!.dims;
    const { classes } = prepared;
    for (const model of models.filter((m) => m.featureSet === set.key)) {
      const runtime = ShardRuntime.open(shardInits(layerJob, prepared)[0]!);
      try {
        const [group] = fuseGroups([model], {
          workers: 1,
          dims: () => dims,
          classes,
          maxGroupBytes: Infinity,
        });
        const run = groupRun(group!);
        let state: GroupState = packStack(0, [
          initialModelState(headArch(model.head), dims, classes, resolved.seed, model.id),
        ]);
        const accuracy = async (split: 'val' | 'test') => {
          const [result] = await runtime.evaluate(split, [{ ...run, state }]);
          return accuracyOf(result!.confusion, classes);
        };
        const valAccuracy: number[] = [];
        for (let epoch = 1; epoch <= resolved.epochs; epoch++) {
          const hyper = groupHyper(
            group!,
            (_, head) => learningRate(head, epoch, resolved.epochs),
            prepared.balancedWeights,
          );
          state = (await runtime.train(epoch, group!.batchSize, run, state, hyper)).state;
          valAccuracy.push(await accuracy('val'));
        }
        outcomes.push({
          id: model.id,
          layer: model.layer,
          head: labels(model.head),
          valAccuracy,
          testAccuracy: await accuracy('test'),
        });
      } finally {
        await runtime.release();
      }
    }
  }
  return outcomes;
}
