import { LayerlabError } from '../../core/errors.js';
import type { TrainUnitResult } from '../worker/unit-runner.js';
import { unitKey, type UnitDispatch, type WorkerMessage } from './messages.js';
import type { Transport } from './transport.js';

export interface UnitOutcome {
  result: TrainUnitResult;
  seconds: number;
  worker: number;
}

interface Pending {
  worker: number;
  attempt: number;
  resolve: (outcome: UnitOutcome) => void;
  reject: (error: Error) => void;
}

/**
 * The coordinator's side of a transport: turns dispatches into promises of their outcome and
 * accepts each unit's outcome once. Delivery is at least once, so a unit may report twice (run
 * again after a lock lapsed, or re-delivered to a worker): an outcome counts only while its unit is
 * awaited at the group state version it names; later reports of that version are ignored (and
 * counted), never applied twice. A failure or the loss of the unit's worker rejects its promise.
 */
export class UnitDispatcher {
  private readonly pending = new Map<string, Pending>();
  private readonly unlisten: () => void;
  private ignoredCount = 0;

  constructor(private readonly transport: Transport) {
    this.unlisten = transport.listen((message) => this.receive(message));
  }

  /** reports that arrived for no awaited unit (duplicates, or late after a retry was accepted) */
  get ignored(): number {
    return this.ignoredCount;
  }

  run(message: UnitDispatch): Promise<UnitOutcome> {
    const key = unitKey(message.unit);
    if (this.pending.has(key)) return Promise.reject(new Error(`unit ${key} is already running`));
    const outcome = new Promise<UnitOutcome>((resolve, reject) => {
      this.pending.set(key, { worker: message.worker, attempt: message.attempt, resolve, reject });
    });
    this.transport.dispatch(message);
    return outcome;
  }

  close(): void {
    this.unlisten();
  }

  private receive(message: WorkerMessage): void {
    switch (message.type) {
      case 'unit.outcome': {
        const pending = this.take(unitKey(message.unit));
        if (!pending) return void this.ignoredCount++;
        pending.resolve({ result: message.result, seconds: message.seconds, worker: message.worker });
        return;
      }
      case 'unit.failed': {
        // a failure of an earlier try must not fail the try now running
        const pending = this.take(unitKey(message.unit), message.worker, message.attempt);
        if (!pending) return void this.ignoredCount++;
        const error = message.code
          ? new LayerlabError(message.code, message.message)
          : new Error(message.message);
        if (message.stack) error.stack = message.stack;
        pending.reject(error);
        return;
      }
      case 'worker.lost': {
        const keys = message.unit
          ? [unitKey(message.unit)]
          : [...this.pending].filter(([, p]) => p.worker === message.worker).map(([key]) => key);
        for (const key of keys) this.take(key, message.worker)?.reject(new Error(message.reason));
        return;
      }
      case 'worker.ready':
      case 'worker.busy':
        return;
    }
  }

  /** The awaited unit with this key (only its try on `worker`, if given), no longer awaited. */
  private take(key: string, worker?: number, attempt?: number): Pending | undefined {
    const pending = this.pending.get(key);
    if (!pending) return undefined;
    if (worker !== undefined && pending.worker !== worker) return undefined;
    if (attempt !== undefined && pending.attempt !== attempt) return undefined;
    this.pending.delete(key);
    return pending;
  }
}
