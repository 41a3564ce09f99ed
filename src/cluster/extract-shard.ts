import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UnrecoverableError } from 'bullmq';
import { layerlabVersion } from '../core/package-version.js';
import { extractShardJobSchema, type ExtractShardOutcome } from './extract-shard-job.js';
import type { ExtractShardReply } from './extract-shard-thread.js';
import type { UnitHost } from './unit-kinds.js';

/** The thread's compiled script (a test running this file from src/ uses the build's). */
function threadScript(): URL {
  const from = import.meta.url;
  const url = from.endsWith('.ts')
    ? new URL('../../dist/src/cluster/extract-shard-thread.js', from)
    : new URL('./extract-shard-thread.js', from);
  if (!existsSync(fileURLToPath(url)))
    throw new Error(`${fileURLToPath(url)} is missing; run \`npm run build\` first`);
  return url;
}

/**
 * The `extract-shard` unit. The extraction runs in a worker thread: decoding, pooling and store
 * writes would otherwise hold the agent's event loop for seconds, its BullMQ lock (4 s) would
 * lapse and its heartbeat stop, and the coordinator would take a busy host for a dead one. A known
 * failure reaches the coordinator with its error code in front of the message (`BAD_DATA: …`),
 * and is not retried: the same inputs fail the same way.
 */
export async function runExtractShard(data: unknown, host: UnitHost): Promise<ExtractShardOutcome> {
  const parsed = extractShardJobSchema.safeParse(data);
  if (!parsed.success)
    throw new UnrecoverableError(
      `USAGE: malformed extract-shard job (${parsed.error.issues[0]?.message ?? 'invalid'}); is the coordinator of another layerlab version?`,
    );
  const job = parsed.data;
  if (job.shard >= job.shards)
    throw new UnrecoverableError(`USAGE: extract-shard: shard ${job.shard} of ${job.shards} does not exist`);
  if (job.version !== layerlabVersion())
    throw new UnrecoverableError(
      `CONFIG: host ${host.name} runs layerlab ${layerlabVersion()}, the coordinator ${job.version}; run the same version on every host`,
    );
  const reply = await new Promise<ExtractShardReply>((resolve, reject) => {
    const worker = new Worker(threadScript(), {
      workerData: { job, host: { name: host.name, home: host.home } },
    });
    let settled = false;
    worker.once('message', (message: ExtractShardReply) => {
      settled = true;
      resolve(message);
      // the thread ends by itself once its ONNX Runtime sessions are released: terminating a
      // thread while ONNX Runtime may still run in it aborts the process (docs/architecture.md)
      worker.unref();
    });
    worker.once('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the extraction thread exited with code ${code}`));
      settled = true;
    });
  });
  if (!reply.ok) throw new UnrecoverableError(reply.code ? `${reply.code}: ${reply.message}` : reply.message);
  return reply.outcome;
}
