import { afterAll, describe, expect, it } from 'vitest';
import { BullmqTransport } from '../../src/cluster/bullmq-transport.js';
import type { TrainSessionSpec } from '../../src/cluster/train-jobs.js';
import { f32ToWire } from '../../src/cluster/wire.js';
import { transportContract } from '../train/transport-contract.js';
import { redisSkipReason, redisTestsRun } from '../support/redis-server.js';
import { ClusterFixture } from './cluster-fixture.js';
import { workerRecords } from '../../bench/harness/shard-stores.js';

const STORE = 'cs-contract';
let cluster: ClusterFixture | undefined;

afterAll(async () => {
  await cluster?.stop();
});

/**
 * The transport contract against real hosts: three `layerlab worker` processes on a real Redis,
 * host-a holding shard 0, host-b shard 1 and host-c both (replicas). The lost-worker case kills
 * host-b with SIGKILL mid-unit; its shard moves to host-c.
 */
if (redisTestsRun)
  transportContract('BullMQ across hosts', {
    start: async (inits) => {
      cluster = await ClusterFixture.start();
      inits.forEach((init, shard) => {
        const rows = workerRecords(init.rows);
        cluster!.placeShard(shard === 0 ? 'host-a' : 'host-b', STORE, shard, init.storeDir, rows);
        cluster!.placeShard('host-c', STORE, shard, init.storeDir, rows);
      });
      for (const name of ['host-a', 'host-b', 'host-c']) await cluster.startHost(name, { faults: true });
      const spec: TrainSessionSpec = {
        store: STORE,
        seed: inits[0]!.seed,
        classes: inits[0]!.classes,
        featureSets: inits[0]!.featureSets.map((s) => ({
          key: s.key,
          dims: s.dims,
          mean: f32ToWire(s.mean),
          std: f32ToWire(s.std),
        })),
      };
      const session = await cluster.session(STORE);
      // a chained unit's wait runs out after a second here: the contract sends one past it
      return BullmqTransport.start(session, spec, inits.length, (line) => cluster!.log.push(line), {
        handoffWaitS: 1,
      });
    },
  });
if (redisTestsRun)
  describe('BullMQ transport: chained units on their hosts', () => {
    it('a host whose chained unit waited past its limit gave its slot back with one line, and ran it when sent again', () => {
      // shard 1 is on host-c by then (host-b was killed in the lost-worker case)
      const lines = cluster!.hosts.get('host-c')!.lines;
      const expired = lines.filter(
        (l) => l.type === 'worker.unit' && l.ok === false && /did not come within 1 s/.test(String(l.error)),
      );
      expect(expired.length).toBeGreaterThan(0);
    });

    it('units sent to a worker in one pass went to its host as one job', () => {
      const lines = [...cluster!.hosts.values()].flatMap((h) => h.lines);
      // the one-pass case's three units (the no-cycle case's job holds a unit that fails by design)
      const runs = lines.filter((l) => l.type === 'worker.unit' && l.kind === 'train-units' && l.ok);
      expect(runs.length).toBeGreaterThan(0);
    });

    it('a retry queued after a chained unit did not wait for that unit to give its slot back', () => {
      // epochs 14 and 15: the no-cycle case; a host that queued a chained unit as it came would hold
      // the retry behind it until the wait ran out, on every host of the cycle
      const expired = [...cluster!.hosts.values()]
        .flatMap((h) => h.lines)
        .filter(
          (l) => l.type === 'worker.unit' && /unit e1[45]-\S+ state did not come/.test(String(l.error)),
        );
      expect(expired).toEqual([]);
    });
  });
else
  describe(`transport contract: BullMQ across hosts${redisSkipReason}`, () =>
    it.skip('needs redis-server', () => {}));
