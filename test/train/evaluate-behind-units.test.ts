import { afterAll, describe, expect, it } from 'vitest';
import { groupRun } from '../../src/train/mop/group-run.js';
import { copyState } from '../../src/train/heads/group-state.js';
import { UnitDispatcher } from '../../src/train/transport/unit-dispatcher.js';
import { WorkerThreadsTransport } from '../../src/train/transport/worker-threads-transport.js';
import { ShardRuntime } from '../../src/train/worker/shard-runtime.js';
import { oneGroupUnits } from './one-group-units.js';

describe('evaluation behind units: a thread worker validates a group between the units it was sent', () => {
  const { inits, group, startOf, unitOf, remove } = oneGroupUnits(400);
  afterAll(remove);

  it('queues an evaluation sent while units run, answers after them, with the bits of an evaluation alone', async () => {
    const transport = await WorkerThreadsTransport.start(inits, () => {});
    const references = inits.map((init) => ShardRuntime.open(init));
    const dispatcher = new UnitDispatcher(transport);
    try {
      expect(transport.evaluatesBehindUnits).toBe(true);
      const settled: string[] = [];
      // worker 0 gets two units, then (while it runs the first) an evaluation of another state
      const units = [startOf(1), startOf(2)].map((s, id) =>
        dispatcher.run(unitOf(id, s)).then(() => void settled.push(`unit ${id}`)),
      );
      expect(transport.workers()[0]!.status).toBe('busy');
      const evaluated = startOf(5);
      const request = { ...groupRun(group), state: copyState(evaluated) };
      const evaluation = transport.evaluate({ type: 'evaluate', split: 'val', groups: [request] });
      // posted at once to both threads (not after worker 0's units): the idle worker 1 is at it already
      expect(transport.workers().map((w) => w.status)).toEqual(['busy', 'busy']);
      const replies = await evaluation;
      settled.push('evaluation');
      await Promise.all(units);
      // the evaluation waited on worker 0's thread behind both units sent before it
      expect(settled).toEqual(['unit 0', 'unit 1', 'evaluation']);
      expect(replies).toHaveLength(2);
      for (const [worker, reply] of replies.entries()) {
        const [alone] = await references[worker]!.evaluate('val', [
          { ...groupRun(group), state: copyState(evaluated) },
        ]);
        expect(reply[0]!.count).toBe(alone!.count);
        expect(reply[0]!.count).toBeGreaterThan(0);
        expect(Array.from(reply[0]!.lossSum)).toEqual(Array.from(alone!.lossSum));
        expect(Array.from(reply[0]!.confusion)).toEqual(Array.from(alone!.confusion));
      }
      expect(transport.workers().map((w) => w.status)).toEqual(['ready', 'ready']);
    } finally {
      dispatcher.close();
      for (const reference of references) await reference.release();
      await transport.close();
    }
  });
});
