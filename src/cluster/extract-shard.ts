import { UnrecoverableError } from 'bullmq';
import { layerlabVersion } from '../core/package-version.js';
import { extractShardJobSchema, type ExtractShardOutcome } from './extract-shard-job.js';
import type { ExtractShardReply } from './extract-shard-thread.js';
import { threadReply, threadScript } from './thread-reply.js';
import type { UnitHost } from './unit-kinds.js';

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
  const reply = await threadReply<ExtractShardReply>(
    threadScript(import.meta.url, 'extract-shard-thread.js'),
    { job, host: { name: host.name, home: host.home } },
    'the extraction thread',
  );
  if (!reply.ok) throw new UnrecoverableError(reply.code ? `${reply.code}: ${reply.message}` : reply.message);
  return reply.outcome;
}
