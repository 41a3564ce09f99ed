import { allreduceSeconds, computeSeconds, transportSeconds, type ClusterInputs } from './cluster-model.js';
import { fusedGroups, headsOf, type Workload } from './mop-simulation.js';

/**
 * Task parallelism (Cerebro's comparison): every host holds a full copy of the data and each model
 * trains whole on one worker, with no communication during the epoch. Models are fused as layerlab
 * fuses them, and groups are halved until there is one per worker where heads allow (`fuseGroups`
 * with the worker count); the groups go longest first to the least-loaded worker (LPT). Each pays one
 * dispatch; the price is elsewhere: every host stores and reads all rows.
 */
export function taskParallelEpoch(inputs: ClusterInputs, workload: Workload, workers: number): number {
  const jobs = fusedGroups(inputs, workload, workers)
    .map((g) => {
      const { serial, parallel } = transportSeconds(inputs, headsOf(g));
      return serial + parallel + computeSeconds(inputs, headsOf(g), inputs.rows);
    })
    .sort((a, b) => b - a);
  return lptMakespan(jobs, workers);
}

/** Longest processing time first: each job, in the given order, to the worker that frees up first. */
export function lptMakespan(jobs: readonly number[], workers: number): number {
  const loads = new Array<number>(workers).fill(0);
  for (const job of jobs) {
    let least = 0;
    for (let w = 1; w < workers; w++) if (loads[w]! < loads[least]!) least = w;
    loads[least] = loads[least]! + job;
  }
  return Math.max(0, ...loads);
}

/**
 * Data parallelism (Cerebro's comparison; Horovod-style bulk-synchronous SGD): the groups train one
 * after another on all workers, each worker stepping a batch of its own partition, then the group's
 * weights are allreduced (`allreduceSeconds`) before the next step. So an epoch of a group has
 * rows ÷ (workers × batch) steps, each a step's compute plus one allreduce. (The global batch grows
 * with the workers, which changes the SGD being run; MOP and task parallelism keep it.)
 */
export function dataParallelEpoch(
  inputs: ClusterInputs,
  workload: Workload,
  hosts: number,
  workersPerHost: number,
): number {
  const workers = hosts * workersPerHost;
  const { unitFixed, stepFixed, stepPerHead } = inputs.compute;
  return fusedGroups(inputs, workload).reduce((total, g) => {
    const heads = headsOf(g);
    const steps = Math.ceil(inputs.rows / (workers * inputs.batchSize));
    const sync = allreduceSeconds(inputs, heads * inputs.state.weightBytesPerHead, hosts, workersPerHost);
    return total + unitFixed + steps * (stepFixed + heads * stepPerHead + sync);
  }, 0);
}
