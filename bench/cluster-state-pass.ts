/**
 * Where a group state's pass through Redis goes (issue 14's host encode/decode): one training
 * unit's state (the cluster-train workload's: 8 linear heads of 512 dims × 10 classes, weights and
 * momentum) on a private redis-server, each step timed alone over many rounds in one run, and the
 * write and read paths as src/cluster/wire.ts runs them now:
 *  - write: encode (checkpoint layout) → sha256 → SET, then the reply push (RPUSH + EXPIRE);
 *    as built, the SET rides in the reply's own transaction (one round trip);
 *  - read: GET → sha256 check → decode; before, the bytes were also copied once before the check.
 *
 *   node dist/bench/cluster-state-pass.js [--quick]
 * Skips (exit 0, one line) when redis-server is not on PATH.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { connectRedis } from '../src/cluster/redis-connection.js';
import { getState, prepareState, queueBlob } from '../src/cluster/wire.js';
import type { GroupState } from '../src/train/heads/group-state.js';
import { decodeTensorFile, encodeTensorFile } from '../src/train/run-folder/tensor-file.js';
import { startRedis } from '../test/support/redis-server.js';
import { writeResults } from './harness/results-file.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const quick = values.quick;

if (spawnSync('redis-server', ['--version']).status !== 0) {
  console.log(
    'cluster-state-pass: skipped, redis-server is not on PATH (Debian: apt-get install redis-server)',
  );
  process.exit(0);
}

const HEADS = 8;
const DIMS = 512;
const CLASSES = 10;
const ROUNDS = quick ? 50 : 400;

const state: GroupState = {};
for (let h = 0; h < HEADS; h++)
  for (const part of ['w', 'm'])
    state[`${part}:${h}`] = {
      dims: [DIMS, CLASSES, 1],
      data: Float32Array.from({ length: DIMS * CLASSES }, (_, i) => Math.sin(i + h)),
    };

const server = await startRedis();
const redis = await connectRedis(server.url);
try {
  const bytes = encodeTensorFile({}, state);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const scope = 'bench-0123456789ab:0';
  const key = 'layerlab:state:bench';
  const list = 'layerlab:replies:bench';
  const reply = JSON.stringify({ job: 'x', ok: true, value: { state: { sha256: '0'.repeat(64), scope } } });
  await redis.set(key, buffer);
  const got = (await redis.getBuffer(key))!;
  const prepared = prepareState(state, { scope, inlineMax: 0 });
  await queueBlob(redis.multi(), prepared).exec();
  const work: Record<string, () => unknown> = {
    encode: () => encodeTensorFile({}, state),
    sha256: () => createHash('sha256').update(bytes).digest('hex'),
    set: () => redis.set(key, buffer, 'EX', 60),
    replyPush: () => redis.multi().rpush(list, reply).expire(list, 60).exec(),
    setWithReplyPush: () =>
      redis.multi().set(key, buffer, 'EX', 60).rpush(list, reply).expire(list, 60).exec(),
    get: () => redis.getBuffer(key),
    copy: () => new Uint8Array(got.byteLength).set(got),
    decode: () => decodeTensorFile(got),
    writeNow: async () => {
      const blob = prepareState(state, { scope, inlineMax: 0 });
      await queueBlob(redis.multi(), blob).rpush(list, reply).expire(list, 60).exec();
    },
    readNow: () => getState(redis, prepared.ref),
  };
  // round-robin: every step sees the same moments of the machine's load
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(work).map((k) => [k, []]));
  for (let round = 0; round < ROUNDS; round++)
    for (const [name, step] of Object.entries(work)) {
      const started = performance.now();
      await step();
      samples[name]!.push(performance.now() - started);
    }
  const median = (name: string) => {
    const xs = samples[name]!.sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)]!;
  };
  const steps = Object.fromEntries(
    ['encode', 'sha256', 'set', 'replyPush', 'setWithReplyPush', 'get', 'copy', 'decode'].map((k) => [
      k,
      median(k),
    ]),
  ) as Record<string, number>;
  const paths = {
    writeBefore: steps.encode! + steps.sha256! + steps.set! + steps.replyPush!,
    writeNow: median('writeNow'),
    readBefore: steps.get! + steps.copy! + steps.sha256! + steps.decode!,
    readNow: median('readNow'),
  };
  await redis.del(list);
  const result = {
    quick,
    stateBytes: bytes.byteLength,
    rounds: ROUNDS,
    stepsMs: steps,
    pathsMs: paths,
    writeRatio: paths.writeNow / paths.writeBefore,
    readRatio: paths.readNow / paths.readBefore,
  };
  console.log(
    `group state pass through Redis (${(bytes.byteLength / 1024).toFixed(0)} KiB, median of ${ROUNDS}${quick ? ', quick' : ''}):`,
  );
  for (const [step, ms] of Object.entries(steps)) console.log(`  ${step.padEnd(18)} ${ms.toFixed(3)} ms`);
  console.log(
    `  write: before (encode, hash, SET, push) ${paths.writeBefore.toFixed(3)} ms, now (SET in the push's transaction) ${paths.writeNow.toFixed(3)} ms: ${result.writeRatio.toFixed(2)}×`,
  );
  console.log(
    `  read: before (GET, copy, hash, decode) ${paths.readBefore.toFixed(3)} ms, now (no copy) ${paths.readNow.toFixed(3)} ms: ${result.readRatio.toFixed(2)}×`,
  );
  console.log(`  wrote ${writeResults('cluster-state-pass', quick, result)}`);
} finally {
  redis.disconnect();
  await server.stop();
}
