import { mkdtempSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../../src/store/run-store.js';

describe('run store', () => {
  it('records metadata and lists runs newest first', () => {
    const root = mkdtempSync(join(tmpdir(), 'layerlab-runs-'));
    const a = RunStore.create(root, 'run-a', { command: 'demo', model: 'm', data: 'd' });
    a.update({ startedAt: '2026-01-01T00:00:00.000Z' });
    const b = RunStore.create(root, 'run-b', { command: 'train', model: 'm', data: 'd' });
    b.finish('done');
    expect(RunStore.list(root).map((r) => [r.id, r.status])).toEqual([
      ['run-b', 'done'],
      ['run-a', 'running'],
    ]);
    expect(RunStore.open(a.dir).meta()).toMatchObject({ id: 'run-a', command: 'demo', pid: process.pid });
    expect(() => RunStore.open(join(root, 'missing'))).toThrow(
      expect.objectContaining({ exitCode: 66 }) as Error,
    );
  });

  it('follows the event log from a byte offset, leaving a half-written line for later', () => {
    const run = RunStore.create(mkdtempSync(join(tmpdir(), 'layerlab-runs-')), 'run-x', {
      command: 'demo',
      model: 'm',
      data: 'd',
    });
    run.appendEvent({ type: 'a' });
    const first = run.readEvents();
    expect(first.events).toEqual([{ type: 'a' }]);
    run.appendEvent({ type: 'b' });
    appendFileSync(join(run.dir, 'events.ndjson'), '{"type":"c"');
    const second = run.readEvents(first.next);
    expect(second.events).toEqual([{ type: 'b' }]);
    appendFileSync(join(run.dir, 'events.ndjson'), '}\n');
    expect(run.readEvents(second.next).events).toEqual([{ type: 'c' }]);
  });

  it('queues control commands until they are acknowledged', () => {
    const run = RunStore.create(mkdtempSync(join(tmpdir(), 'layerlab-runs-')), 'run-y', {
      command: 'demo',
      model: 'm',
      data: 'd',
    });
    const stop = run.sendControl({ op: 'stop', model: 'm3' });
    const clone = run.sendControl({ op: 'clone', model: 'm1', changes: { lr: 0.01 } });
    expect(run.pendingControls().map((c) => c.id)).toEqual([stop, clone]);
    run.acknowledge({ id: stop, applied: true, epoch: 2 });
    expect(run.pendingControls().map((c) => c.command.op)).toEqual(['clone']);
    expect(run.acknowledgement(stop)).toEqual({ id: stop, applied: true, epoch: 2 });
  });
});
