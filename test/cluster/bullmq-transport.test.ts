import { afterAll, describe, it } from 'vitest';
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
      return BullmqTransport.start(session, spec, inits.length, (line) => cluster!.log.push(line));
    },
  });
else
  describe(`transport contract: BullMQ across hosts${redisSkipReason}`, () =>
    it.skip('needs redis-server', () => {}));
