/** Plain-data stand-ins for what the CLI's readers give the UI: stores, runs, run files, steering. */
import type { ControlAck, ControlCommand, RunMeta } from '../../src/store/run-store.js';
import type {
  RunDetail,
  RunFollower,
  RunListing,
  StoreDetail,
  StoreSummary,
  UiBackend,
} from '../../src/ui/backend.js';
import type { RunAction } from '../../src/ui/run-action.js';
import { initialRunState, reduceRunState } from '../../src/ui/run-state.js';
import { createRunStateStore, type RunStateStore } from '../../src/ui/run-state-store.js';
import { finishedRun, header, store, trainingRun } from './run-fixture.js';

export const storeSummary: StoreSummary = {
  id: '3f2a9c1e',
  dir: store,
  backbone: 'builtin:shapes-cnn',
  dataset: 'builtin:shapes',
  layers: 3,
  featureSets: 3,
  records: 2000,
  sizeBytes: 4.7 * 1024 * 1024,
  createdAt: '2026-11-21T09:00:00.000Z',
};

const featureSet = (layer: string, dims: number) => ({
  key: `key-${layer}`,
  layer,
  point: layer,
  pooling: 'mean',
  dims,
  dtype: 'float32' as const,
  records: 2000,
  batchSize: 64,
  batches: 32,
  complete: true,
  createdAt: '2026-11-21T09:00:00.000Z',
  completedAt: '2026-11-21T09:00:03.000Z',
  shape: ['N', dims, 8, 8],
  bytes: 2000 * dims * 4 + 32 * 16,
});

export const storeDetail: StoreDetail = {
  summary: storeSummary,
  manifest: {
    formatVersion: 2,
    id: '3f2a9c1e',
    createdAt: '2026-11-21T09:00:00.000Z',
    model: { ref: 'builtin:shapes-cnn', digest: 'model-digest' },
    dataset: {
      ref: 'builtin:shapes',
      digest: 'data-digest',
      records: 2000,
      classNames: ['solid', 'stripes', 'dots'],
    },
    preprocessing: { resize: [32, 32], scale: 1 / 255 },
    preprocessingDigest: 'pre-digest',
    libraryVersions: { 'onnxruntime-node': '1.30.0' },
  },
  featureSets: [featureSet('conv1', 16), featureSet('conv2', 32), featureSet('pool3', 64)],
  split: { train: 1200, val: 400, test: 400 },
};

export function meta(id: string, status: RunMeta['status'], startedAt: string): RunMeta {
  return {
    id,
    command: 'demo',
    model: header.model,
    data: header.dataset,
    store,
    pid: 4242,
    host: 'here',
    startedAt,
    status,
  };
}

export function replayed(actions: readonly RunAction[]) {
  return actions.reduce(reduceRunState, initialRunState(header));
}

export function listing(run: RunMeta, actions: readonly RunAction[], stale = false): RunListing {
  return { meta: run, stale, state: replayed(actions) };
}

export const finishedListing = listing(meta('run-7', 'done', '2026-11-21T09:00:00.000Z'), finishedRun);
export const runningListing = listing(meta('run-8', 'running', '2026-11-21T10:00:00.000Z'), trainingRun);

export const finishedDetail: RunDetail = {
  job: {
    featureSets: [
      { key: 'key-conv1', layer: 'conv1' },
      { key: 'key-conv2', layer: 'conv2' },
      { key: 'key-pool3', layer: 'pool3' },
    ],
    epochs: 2,
    workers: 2,
    seed: 1,
    extra: { metric: 'accuracy' },
  },
  heads: {
    m4: {
      type: 'linear',
      lr: 0.1,
      l2: 0,
      batchSize: 64,
      optimizer: 'sgd',
      momentum: 0.9,
      lrSchedule: 'cosine',
    },
  },
  outcome: {
    seconds: 12.3,
    classes: 3,
    bestModel: 'm4',
    models: [
      {
        id: 'm4',
        layer: 'pool3',
        label: 'linear lr=0.1 l2=0',
        head: {
          id: 'm4',
          type: 'linear',
          lr: 0.1,
          l2: 0,
          batchSize: 64,
          optimizer: 'sgd',
          momentum: 0.9,
          epochs: 2,
        },
        trainLoss: [0.4, 0.3],
        valLoss: [0.5, 0.4],
        valAccuracy: [0.86, 0.913],
        finalValAccuracy: 0.913,
        testAccuracy: 0.908,
        confusion: [
          [120, 10, 3],
          [8, 125, 2],
          [4, 9, 119],
        ],
        confusionSplit: 'test',
      },
    ],
  },
  visits: [
    { epoch: 1, groups: [{ id: 2, layer: 'pool3', batchSize: 64, models: ['m4', 'm5'], shards: [1, 0] }] },
    { epoch: 2, groups: [{ id: 2, layer: 'pool3', batchSize: 64, models: ['m4', 'm5'], shards: [0, 1] }] },
  ],
  checkpoints: [
    {
      kind: 'snapshot',
      path: '/runs/run-7/checkpoints/snapshot.ckpt',
      bytes: 70_000,
      modifiedAt: '2026-11-21T09:00:15.000Z',
      epoch: 2,
      models: ['m0', 'm4'],
      tensors: [
        { name: 'm0/W0', dims: [16, 3] },
        { name: 'm4/W0', dims: [64, 3] },
        { name: 'm4/b0', dims: [3] },
      ],
    },
  ],
  classNames: ['solid', 'stripes', 'dots'],
};

/** A followed run whose state is the given actions, plus a way to append more as if tailed. */
export function follower(actions: readonly RunAction[]): RunFollower & { push(action: RunAction): void } {
  const state: RunStateStore = createRunStateStore(initialRunState(header), { intervalMs: 0 });
  for (const action of actions) state.dispatch(action);
  state.flush();
  return {
    state,
    close: () => {},
    push: (action) => {
      state.dispatch(action);
      state.flush();
    },
  };
}

export interface FakeBackend extends UiBackend {
  sent: { run: string; command: ControlCommand; id: string }[];
  acks: Map<string, ControlAck>;
  followers: Map<string, ReturnType<typeof follower>>;
}

/** A home with one store, a finished run and a running one; steering commands are recorded. */
export function fakeBackend(
  options: { runs?: RunListing[]; actions?: Record<string, RunAction[]> } = {},
): FakeBackend {
  const runs = options.runs ?? [finishedListing, runningListing];
  const actions = options.actions ?? { 'run-7': finishedRun, 'run-8': trainingRun };
  const sent: FakeBackend['sent'] = [];
  const acks = new Map<string, ControlAck>();
  const followers = new Map<string, ReturnType<typeof follower>>();
  return {
    home: '/home/ada/.cache/layerlab',
    sent,
    acks,
    followers,
    listStores: () => [storeSummary],
    listRuns: () => runs,
    storeDetail: (id) => {
      if (id !== storeSummary.id) throw new Error(`no store ${id}`);
      return storeDetail;
    },
    follow: (run) => {
      const f = follower(actions[run] ?? []);
      followers.set(run, f);
      return f;
    },
    detail: (run) => (run === 'run-7' ? finishedDetail : { heads: {}, visits: [], checkpoints: [] }),
    steer: (run, command) => {
      const id = `cmd-${sent.length + 1}`;
      sent.push({ run, command, id });
      return id;
    },
    acknowledgement: (_run, id) => acks.get(id),
  };
}
