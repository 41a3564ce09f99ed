import type { ControlAck } from '../../store/run-store.js';
import { applyControl, type ControlSource } from '../search/controls.js';
import { headLabel } from '../heads/head-config.js';
import { successiveHalving } from '../search/halving.js';
import type { ModelRecord } from './model-record.js';
import type { RunProgress } from '../run-folder/run-snapshot.js';
import type { TrainContext } from './train-context.js';

/**
 * Successive halving at an epoch boundary (ASHA, Li et al. 2020): models that did not make their
 * rung's top 1/η stop; halted ones that now rank in it go on. Each change is a train.control event.
 */
export function applyHalving(ctx: TrainContext, progress: RunProgress, epoch: number): void {
  const { job, sink } = ctx;
  if (job.halving === undefined || epoch === 0) return;
  const decision = successiveHalving(progress.models, job.halving, job.epochs, job.metric);
  const set = (id: string, status: ModelRecord['status']) => {
    progress.models.find((m) => m.id === id)!.status = status;
  };
  for (const id of decision.halt) {
    set(id, 'halted');
    const reason = `not in the top 1/${job.halving} of its rung`;
    sink({ type: 'train.control', op: 'halve', model: id, applied: true, epoch, reason });
  }
  for (const id of decision.promote) {
    set(id, 'active');
    const reason = 'promoted by successive halving';
    sink({ type: 'train.control', op: 'resume', model: id, applied: true, epoch, reason });
  }
}

/**
 * Applies the steering commands queued since the last boundary, oldest first, and returns their
 * acknowledgements (to send once the snapshot recording them is on disk). A command the snapshot
 * already records (a crash came between snapshot and acknowledgement) is acknowledged again, never
 * applied twice. `create` gives a model a command made its state.
 */
export function applyControls(
  ctx: TrainContext,
  progress: RunProgress,
  control: ControlSource | undefined,
  epoch: number,
  create: (record: ModelRecord, warmFrom: string | undefined) => void,
): ControlAck[] {
  const acks: ControlAck[] = [];
  for (const queued of control?.pendingControls() ?? []) {
    const handled = progress.controls.find((a) => a.id === queued.id);
    if (handled) {
      acks.push(handled);
      continue;
    }
    const result = applyControl(progress, queued, {
      epoch,
      featureSets: ctx.job.featureSets,
      label: (head) =>
        headLabel(
          head,
          progress.models.map((m) => m.head),
        ),
    });
    if (result.created) create(result.created.record, result.created.warmFrom);
    progress.controls.push(result.ack);
    acks.push(result.ack);
    ctx.sink(result.event);
  }
  return acks;
}
