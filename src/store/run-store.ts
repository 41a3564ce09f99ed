import {
  appendFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  closeSync,
  fstatSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomic } from '../core/atomic-write.js';
import { isLayerlabError, LayerlabError, notFound } from '../core/errors.js';
import type { EventSink } from '../core/events.js';

/**
 * A run's folder under `<home>/runs/<id>`: `run-meta.json` (what, where, status), `events.ndjson`
 * (every event, appended as it happens, so `layerlab ui RUN` can follow a run started elsewhere),
 * `control/` (steering commands the trainer applies at epoch boundaries), plus the trainer's own files
 * (`run.json`, `visits.json`, `results.json`, `checkpoints/`).
 */
export type RunStatus = 'running' | 'done' | 'failed' | 'interrupted';

export interface RunMeta {
  id: string;
  command: string;
  model: string;
  data: string;
  store?: string;
  pid: number;
  host: string;
  startedAt: string;
  status: RunStatus;
  endedAt?: string;
  error?: string;
}

/** Steering commands (human in the loop), applied at the next epoch boundary. */
export type ControlCommand =
  | { op: 'stop'; model: string }
  | { op: 'resume'; model: string }
  | { op: 'clone'; model: string; changes: Record<string, number | string> }
  | { op: 'add'; layer: string; head: Record<string, number | string> };

export interface QueuedControl {
  id: string;
  command: ControlCommand;
  sentAt: string;
}

export interface ControlAck {
  id: string;
  applied: boolean;
  /** the epoch boundary it was applied at, or why it was not */
  epoch?: number;
  reason?: string;
  /** ids of models it created (clone, add) */
  models?: string[];
}

let nextControlSeq = 0;

export class RunStore {
  private constructor(
    readonly dir: string,
    readonly id: string,
  ) {}

  static create(
    runsRoot: string,
    id: string,
    meta: Omit<RunMeta, 'id' | 'pid' | 'host' | 'startedAt' | 'status'>,
  ): RunStore {
    const dir = join(runsRoot, id);
    try {
      mkdirSync(join(dir, 'control'), { recursive: true });
    } catch (error) {
      throw new LayerlabError(
        'STORE_NOT_WRITABLE',
        `cannot create the run folder ${dir} (${(error as NodeJS.ErrnoException).code}); pass --home with a writable folder`,
      );
    }
    const store = new RunStore(dir, id);
    writeJsonAtomic(store.metaPath, {
      ...meta,
      id,
      pid: process.pid,
      host: hostname(),
      startedAt: new Date().toISOString(),
      status: 'running',
    } satisfies RunMeta);
    return store;
  }

  static open(dir: string): RunStore {
    if (!existsSync(join(dir, 'run-meta.json')))
      throw notFound(`no run at ${dir}; list runs with \`layerlab results\``);
    return new RunStore(dir, dir.split(/[\\/]/).filter(Boolean).pop()!);
  }

  /** Every run under the root, newest first. */
  static list(runsRoot: string): RunMeta[] {
    if (!existsSync(runsRoot)) return [];
    return (
      readdirSync(runsRoot)
        .filter((name) => existsSync(join(runsRoot, name, 'run-meta.json')))
        .flatMap((name) => {
          // a damaged run is left out of the list; opening it by name says what is wrong
          try {
            return [new RunStore(join(runsRoot, name), name).meta()];
          } catch (error) {
            if (isLayerlabError(error)) return [];
            throw error;
          }
        })
        // ISO timestamps sort as plain strings; localeCompare would load ICU's collator (start-up time)
        .sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0))
    );
  }

  private get metaPath(): string {
    return join(this.dir, 'run-meta.json');
  }

  meta(): RunMeta {
    const text = readFileSync(this.metaPath, 'utf8');
    try {
      const meta = JSON.parse(text) as RunMeta;
      if (typeof meta === 'object' && meta !== null && typeof meta.startedAt === 'string') return meta;
    } catch {
      // reported below
    }
    throw new LayerlabError(
      'BAD_DATA',
      `${this.metaPath} is damaged (${text.trim() === '' ? 'it is empty' : 'not a run record'}); delete the run folder ${this.dir}`,
    );
  }

  update(changes: Partial<RunMeta>): void {
    writeJsonAtomic(this.metaPath, { ...this.meta(), ...changes });
  }

  finish(status: Exclude<RunStatus, 'running'>, error?: string): void {
    this.update({ status, endedAt: new Date().toISOString(), ...(error ? { error } : {}) });
  }

  /**
   * Runs `work` as this run: every event it emits also goes to the run's log (so `layerlab ui` can
   * follow the run from elsewhere) before `forward`; the result it returns is logged last and the
   * run marked done, or, when it throws, marked interrupted or failed with the error's message.
   */
  async record<R extends object>(forward: EventSink, work: (sink: EventSink) => Promise<R>): Promise<R> {
    const sink: EventSink = (event) => {
      this.appendEvent(event);
      forward(event);
    };
    try {
      const result = await work(sink);
      this.appendEvent(result);
      this.finish('done');
      return result;
    } catch (error) {
      const interrupted = isLayerlabError(error) && error.code === 'INTERRUPTED';
      this.finish(interrupted ? 'interrupted' : 'failed', String((error as Error).message ?? error));
      throw error;
    }
  }

  appendEvent(event: object): void {
    appendFileSync(join(this.dir, 'events.ndjson'), `${JSON.stringify(event)}\n`);
  }

  /**
   * Events appended since byte `from` (0 for all), and where to continue. A line still being
   * written (no newline yet) is left for the next call.
   */
  readEvents(from = 0): { events: Record<string, unknown>[]; next: number } {
    const path = join(this.dir, 'events.ndjson');
    if (!existsSync(path)) return { events: [], next: from };
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size <= from) return { events: [], next: from };
      const buffer = Buffer.alloc(size - from);
      readSync(fd, buffer, 0, buffer.length, from);
      const complete = buffer.lastIndexOf(0x0a) + 1;
      const events = buffer
        .subarray(0, complete)
        .toString('utf8')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      return { events, next: from + complete };
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Queues a steering command; returns its id. Safe from any process. Ids sort in sending order:
   * time, then a per-process sequence for commands sent within one millisecond.
   */
  sendControl(command: ControlCommand): string {
    const id = [
      Date.now().toString(36).padStart(10, '0'),
      String(nextControlSeq++).padStart(6, '0'),
      process.pid,
    ].join('-');
    writeJsonAtomic(join(this.dir, 'control', `${id}.cmd.json`), {
      id,
      command,
      sentAt: new Date().toISOString(),
    } satisfies QueuedControl);
    return id;
  }

  /** Commands not yet acknowledged, oldest first. */
  pendingControls(): QueuedControl[] {
    const dir = join(this.dir, 'control');
    if (!existsSync(dir)) return [];
    const files = readdirSync(dir);
    const acked = new Set(
      files.filter((f) => f.endsWith('.ack.json')).map((f) => f.slice(0, -'.ack.json'.length)),
    );
    return files
      .filter((f) => f.endsWith('.cmd.json') && !acked.has(f.slice(0, -'.cmd.json'.length)))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as QueuedControl)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  acknowledge(ack: ControlAck): void {
    writeJsonAtomic(join(this.dir, 'control', `${ack.id}.ack.json`), ack);
  }

  acknowledgement(id: string): ControlAck | undefined {
    const path = join(this.dir, 'control', `${id}.ack.json`);
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ControlAck) : undefined;
  }
}
