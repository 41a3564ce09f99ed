import { parentPort } from 'node:worker_threads';
import { isLayerlabError } from '../../core/errors.js';
import { stateBuffers } from '../heads/group-state.js';
import { lendTrainRows, readRawShard, takeTrainRows, type RawShard } from './raw-shard.js';
import { ShardRuntime } from './shard-runtime.js';
import { trainRowBuffers, type WorkerReply, type WorkerRequest } from './worker-protocol.js';

/**
 * The shard worker's thread entry (compiled to dist/src/train/worker/shard-worker-thread.js). Requests are
 * handled one at a time, in arrival order; `stop` releases the sessions and closes the port so the
 * thread ends on its own, never while ONNX Runtime is running.
 */
const port = parentPort;
if (!port) throw new Error('shard-worker-thread must run in a worker thread');

let runtime: ShardRuntime | undefined;
/** rows read before the standardization was known (`read`), until `init` brings it */
let raw: RawShard | undefined;
let queue: Promise<void> = Promise.resolve();

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

async function handle(request: WorkerRequest): Promise<void> {
  const { id } = request;
  try {
    switch (request.type) {
      case 'read': {
        raw = readRawShard(request.layout);
        const train = lendTrainRows(raw);
        return reply({ type: 'rowsRead', id, train }, trainRowBuffers(train));
      }
      case 'init':
        // rows read on `read` (their train rows lent and moved back), or read now; train rows that
        // come with `init` alone were read by a cluster host's statistics pass
        if (raw && request.train) takeTrainRows(raw, request.train);
        runtime = ShardRuntime.fromRaw(raw ?? readRawShard(request.init, request.train), request.init);
        raw = undefined;
        return reply({ type: 'ready', id });
      case 'train': {
        // injected faults fire before any ONNX Runtime call, so ending the thread is safe
        if (request.fault === 'exit') process.exit(70);
        if (request.fault === 'throw') throw new Error('injected fault');
        const started = performance.now();
        const result = await opened().train(
          request.epoch,
          request.batchSize,
          request.group,
          request.state,
          request.hyper,
        );
        const seconds = (performance.now() - started) / 1000;
        return reply({ type: 'trained', id, result, seconds }, stateBuffers(result.state));
      }
      case 'evaluate':
        return reply({
          type: 'evaluated',
          id,
          results: await opened().evaluate(request.split, request.groups),
        });
      case 'stop':
        await runtime?.release();
        runtime = undefined;
        reply({ type: 'stopped', id });
        port!.close();
        return;
    }
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    const code = isLayerlabError(error) ? error.code : undefined;
    reply({
      type: 'failed',
      id,
      message: failure.message,
      ...(code ? { code } : {}),
      ...(failure.stack ? { stack: failure.stack } : {}),
    });
  }
}

function opened(): ShardRuntime {
  if (!runtime) throw new Error('shard worker received work before init');
  return runtime;
}

port.on('message', (request: WorkerRequest) => {
  queue = queue.then(() => handle(request));
});
