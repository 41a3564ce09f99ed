import { isLayerlabError } from '../../core/errors.js';
import { stateBuffers } from '../heads/group-state.js';
import type { ShardWorker, WorkerOutputListener } from '../worker/shard-worker.js';
import { WorkerPool, type SpawnedWorkers } from '../worker/worker-pool.js';
import type { ShardInit, ShardLayout, TrainRows } from '../worker/worker-protocol.js';
import type { EvaluateReply, EvaluateRequest, UnitDispatch, WorkerInfo, WorkerMessage } from './messages.js';
import type { Transport, WorkerMessageListener } from './transport.js';

const HOST = 'local';

// a function, not an inline comparison: the status changes while a request is awaited
const isDead = (worker: ShardWorker) => worker.status === 'dead';

/**
 * The in-process transport: one worker thread per shard (`WorkerPool`). A dispatch is posted to its
 * thread at once and queues there behind the unit it runs (one unit ahead, `unitsAhead`), so the
 * thread goes from one unit to the next without waiting for the coordinator; units and evaluations
 * run in arrival order (`evaluatesBehindUnits`). A unit's state moves to its thread by transfer and comes back with the outcome. A thread
 * that dies mid-unit is reported as `worker.lost` with that unit (and with each unit queued behind it).
 */
export class WorkerThreadsTransport implements Transport {
  private readonly listeners = new Set<WorkerMessageListener>();
  /** per worker, settles once every unit dispatched to it so far has */
  private readonly queues: Promise<void>[];
  readonly unitsAhead = 1;
  readonly evaluatesBehindUnits = true;

  private constructor(private readonly pool: WorkerPool) {
    this.queues = pool.all.map(() => Promise.resolve());
  }

  static async start(
    inits: readonly ShardInit[],
    onOutput: WorkerOutputListener,
    spawned?: SpawnedWorkers,
  ): Promise<WorkerThreadsTransport> {
    return new WorkerThreadsTransport(await WorkerPool.start(inits, onOutput, spawned));
  }

  /** As start, for shards whose standardization is worked out from the workers' rows (WorkerPool). */
  static async startStandardizing(
    layouts: readonly ShardLayout[],
    standardize: (train: readonly TrainRows[][]) => ShardInit[],
    onOutput: WorkerOutputListener,
    spawned?: SpawnedWorkers,
  ): Promise<WorkerThreadsTransport> {
    return new WorkerThreadsTransport(
      await WorkerPool.startStandardizing(layouts, standardize, onOutput, spawned),
    );
  }

  get size(): number {
    return this.pool.size;
  }

  workers(): WorkerInfo[] {
    return this.pool.all.map((w) => ({
      worker: w.index,
      shard: w.index,
      host: HOST,
      status: w.status === 'dead' ? 'lost' : w.status === 'busy' ? 'busy' : 'ready',
    }));
  }

  listen(listener: WorkerMessageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispatch(message: UnitDispatch): void {
    const index = message.worker;
    const unit = this.runUnit(message); // posted now: the thread queues it behind its running unit
    this.queues[index] = Promise.all([this.queues[index], unit]).then(() => undefined);
  }

  async evaluate(request: EvaluateRequest): Promise<EvaluateReply> {
    // posted at once, without a transfer list: each thread queues it behind the units sent to it
    // before, evaluates a copy, and the coordinator keeps the state
    const replies = await Promise.all(
      this.pool.all.map((w) => w.request('evaluate', { split: request.split, groups: request.groups })),
    );
    return replies.map((r) => r.results);
  }

  async recover(worker: number): Promise<void> {
    const before = this.pool.worker(worker).status;
    const fresh = await this.pool.respawn(worker);
    if (before === 'dead') this.emit({ type: 'worker.ready', worker, shard: fresh.index, host: HOST });
  }

  cancel(): void {
    this.pool.cancel();
  }

  async close(): Promise<void> {
    await Promise.all(this.queues);
    await this.pool.stop();
  }

  private emit(message: WorkerMessage): void {
    for (const listener of this.listeners) listener(message);
  }

  private async runUnit(message: UnitDispatch): Promise<void> {
    const { worker: index, unit, attempt, state } = message;
    // this transport does not chain units (no `chainsUnits`): a unit always comes with its state
    if (!state) {
      const reason = 'a unit was sent without its state to a transport that does not chain units';
      this.emit({ type: 'unit.failed', worker: index, unit, attempt, message: reason });
      return;
    }
    const worker = this.pool.worker(index);
    if (isDead(worker)) {
      this.emit({ type: 'worker.lost', worker: index, reason: `shard worker ${index} is not running`, unit });
      return;
    }
    this.emit({ type: 'worker.busy', worker: index, unit });
    try {
      const { result, seconds } = await worker.request(
        'train',
        {
          epoch: unit.epoch,
          batchSize: message.batchSize,
          group: message.group,
          state,
          hyper: message.hyper,
          ...(message.fault ? { fault: message.fault } : {}),
        },
        stateBuffers(state),
      );
      this.emit({ type: 'unit.outcome', worker: index, unit, attempt, result, seconds });
    } catch (raw) {
      const error = raw instanceof Error ? raw : new Error(String(raw));
      if (isDead(worker)) {
        this.emit({ type: 'worker.lost', worker: index, reason: error.message, unit });
        return;
      }
      const code = isLayerlabError(error) ? error.code : undefined;
      this.emit({
        type: 'unit.failed',
        worker: index,
        unit,
        attempt,
        message: error.message,
        ...(code ? { code } : {}),
        ...(error.stack ? { stack: error.stack } : {}),
      });
    }
  }
}
