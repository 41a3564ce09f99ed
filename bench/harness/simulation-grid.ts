import type { ClusterInputs } from './cluster-model.js';
import { fusedGroups, idealEpoch, simulateMopEpoch, type Workload } from './mop-simulation.js';
import { dataParallelEpoch, taskParallelEpoch } from './parallelism-baselines.js';

/**
 * The what-if: group state no longer passes through Redis as base64 in the job (content-addressed,
 * fetched from the host that holds it), so a unit pays the BullMQ round trip plus the state's bytes
 * over the network both ways, and Redis queues only the job itself.
 */
export const stateDirect = (inputs: ClusterInputs): ClusterInputs => ({
  ...inputs,
  dispatch: { ...inputs.dispatch, perStateByte: 0 },
  redis: { ...inputs.redis, perByte: 0 },
});

/** The same inputs with the state travelling another way (cluster-model.ts `protocol`). */
export const withProtocol = (inputs: ClusterInputs, protocol: 'reference' | 'ahead'): ClusterInputs => ({
  ...inputs,
  protocol,
});

export interface GridRow {
  hosts: number;
  workersPerHost: number;
  workers: number;
  models: number;
  /** MOP's groups after the trainer's split (before it where MOP was not simulated), and per worker */
  groups: number;
  groupsPerWorker: number;
  units?: number;
  /** seconds per epoch; MOP absent where planning the epoch exceeds the bound */
  ideal: number;
  mop?: number;
  mopEfficiency?: number;
  /** what-if: the same plan with group state moving host to host at network speed (not through Redis) */
  mopDirect?: number;
  mopDirectEfficiency?: number;
  /** the state as raw bytes in Redis keys, through the coordinator (layerlab now), where measured */
  mopReferenceEfficiency?: number;
  /** the same, the coordinator off the path: units dispatched ahead, state host → Redis → host */
  mopAheadEfficiency?: number;
  task: number;
  taskEfficiency: number;
  data: number;
  dataEfficiency: number;
}

/**
 * Every (hosts, workers per host, models) of the grid: one MOP epoch simulated through layerlab's
 * code, next to task and data parallelism, each against the same ideal (one worker's compute ÷ the
 * workers). MOP and task parallelism depend on the hosts only through the worker count (every unit
 * goes through the one Redis wherever it runs), so each worker count is simulated once.
 */
export async function simulateGrid(
  inputs: ClusterInputs,
  grid: { hosts: number[]; workersPerHost: number[]; models: number[]; headsPerLayer: number },
  options: { seed: number; maxWork: number; log: (line: string) => void },
): Promise<GridRow[]> {
  const mopByWorkers = new Map<string, Awaited<ReturnType<typeof simulateMopEpoch>>>();
  const rows: GridRow[] = [];
  for (const models of grid.models) {
    const workload: Workload = {
      layers: Math.max(1, models / grid.headsPerLayer),
      headsPerLayer: grid.headsPerLayer,
    };
    for (const workersPerHost of grid.workersPerHost)
      for (const hosts of grid.hosts) {
        const workers = hosts * workersPerHost;
        const key = `${workers}:${models}`;
        if (!mopByWorkers.has(key)) {
          const started = performance.now();
          const epoch = await simulateMopEpoch(inputs, workload, workers, {
            seed: options.seed,
            maxWork: options.maxWork,
            also: [
              stateDirect(inputs),
              ...(inputs.raw ? [withProtocol(inputs, 'reference'), withProtocol(inputs, 'ahead')] : []),
            ],
          });
          mopByWorkers.set(key, epoch);
          options.log(
            `  ${models} models on ${workers} workers: ${epoch ? `${epoch.units} units simulated in ${((performance.now() - started) / 1000).toFixed(1)} s` : 'not simulated (planning work over the bound)'}`,
          );
        }
        const mop = mopByWorkers.get(key);
        const ideal = idealEpoch(inputs, workload, workers);
        const task = taskParallelEpoch(inputs, workload, workers);
        const data = dataParallelEpoch(inputs, workload, hosts, workersPerHost);
        const groups = mop?.groups ?? fusedGroups(inputs, workload).length;
        rows.push({
          hosts,
          workersPerHost,
          workers,
          models,
          groups,
          groupsPerWorker: groups / workers,
          ...(mop
            ? {
                units: mop.units,
                mop: mop.makespan,
                mopEfficiency: ideal / mop.makespan,
                mopDirect: mop.also[0]!,
                mopDirectEfficiency: ideal / mop.also[0]!,
                ...(mop.also.length > 2
                  ? {
                      mopReferenceEfficiency: ideal / mop.also[1]!,
                      mopAheadEfficiency: ideal / mop.also[2]!,
                    }
                  : {}),
              }
            : {}),
          ideal,
          task,
          taskEfficiency: ideal / task,
          data,
          dataEfficiency: ideal / data,
        });
      }
  }
  return rows;
}
