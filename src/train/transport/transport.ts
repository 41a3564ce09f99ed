import type {
  EvaluateReply,
  EvaluateRequest,
  UnitDispatch,
  UnitRef,
  WorkerInfo,
  WorkerMessage,
} from './messages.js';

export type WorkerMessageListener = (message: WorkerMessage) => void;

/**
 * How the MOP coordinator reaches its workers (Cerebro's model hopping, VLDB 2020): it dispatches
 * units, hears their outcomes and the workers' lifecycle as `WorkerMessage`s, and evaluates groups
 * on every worker. Worker `i` holds shard `i`. A transport delivers each dispatch at least once,
 * in order per worker; deciding which outcome counts is the coordinator's job (`UnitDispatcher`).
 */
export interface Transport {
  /** how many workers (and shards) the run has */
  readonly size: number;
  /** true when workers run on other hosts (their `WorkerInfo.host` is then named in `train.unit` events) */
  readonly remote?: boolean;
  /**
   * how many units a worker may hold queued behind the one it runs (it starts them in the order
   * sent, the moment the running one ends); absent: 0, a worker is sent a unit only when idle
   */
  readonly unitsAhead?: number;
  /**
   * a busy worker is sent more units only once it holds at most this many, and then up to
   * `unitsAhead` beyond the one it runs, in one go: a transport sends the units dispatched to a
   * worker together as one message; absent: `unitsAhead` (topped up one unit at a time)
   */
  readonly refillsAt?: number;
  /**
   * true when `evaluate` may be called while units run: each worker evaluates after the units sent to
   * it before (so a group can be validated as soon as its epoch's last unit is in); absent: only
   * between epochs
   */
  readonly evaluatesBehindUnits?: boolean;
  /**
   * true when a unit may be dispatched before its group's previous unit is in (`UnitDispatch.after`):
   * its worker starts it from the state that unit hands over, and `withdraw` is implemented. Such a
   * unit takes its place in its worker's order only once that state is in: waiting, it holds back
   * no unit sent after it (a retry of the unit it waits on may be one)
   */
  readonly chainsUnits?: boolean;
  /** units dispatched `after` this one fail as interrupted: it will not end (it was given up) */
  withdraw?(unit: UnitRef): void;
  /**
   * where `dispatch` sends asynchronously: resolves once every unit dispatched so far is sent (or
   * after `maxMs`, whichever comes first); never rejects
   */
  posted?(maxMs: number): Promise<void>;
  /** each worker's host, shard and lifecycle, in worker order */
  workers(): WorkerInfo[];
  /** hears every message from every worker until the returned function is called */
  listen(listener: WorkerMessageListener): () => void;
  /** sends a unit to its worker; the outcome (or failure, or the worker's loss) arrives as a message */
  dispatch(message: UnitDispatch): void;
  /** every worker evaluates the groups on its part of the split; replies in worker order */
  evaluate(request: EvaluateRequest): Promise<EvaluateReply>;
  /** makes a lost worker ready again (a fresh worker on the same shard); a live one is kept */
  recover(worker: number): Promise<void>;
  /** asks every worker to stop between training steps (ONNX Runtime is never interrupted) */
  cancel(): void;
  /** waits for running units, then stops every worker */
  close(): Promise<void>;
}
