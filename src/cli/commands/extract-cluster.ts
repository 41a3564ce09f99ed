import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EventSink } from '../../core/events.js';
import { usageError } from '../../core/errors.js';
import { homeLayout, resolveHome } from '../../core/paths.js';
import type { ExtractFlags } from '../../extract/extract-config.js';
import { interruptSignal } from '../interrupt.js';
import { jsonLines } from '../json-lines.js';
import type { GlobalOptions } from '../main.js';

/** `extract`'s cluster flags (`--cluster [url]`: the URL, or `true` for `$LAYERLAB_CLUSTER`). */
export interface ClusterFlags {
  cluster?: string | true;
  replicas?: string;
  shards?: string;
}

/** Flags that mean nothing to a host, or that only the coordinator reads. */
const COORDINATOR_ONLY = new Set(['cluster', 'replicas', 'shards', 'store', 'plan', 'progressMs']);

function count(text: string | undefined, flag: string, fallback?: number): number | undefined {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw usageError(`${flag} ${text} is not a count; use a whole number in 1..65535`);
  return n;
}

/**
 * A ref as every host should open it: a local path made absolute (hosts run in other folders),
 * `IMAGES,LABELS` part by part; `builtin:`, URLs and anything not found here as written (a path
 * that exists only on the hosts).
 */
export function hostRef(ref: string): string {
  if (ref.startsWith('builtin:') || /^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) return ref;
  if (existsSync(ref)) return resolve(ref);
  const parts = ref.split(',');
  if (parts.length > 1 && parts.every((p) => existsSync(p))) return parts.map((p) => resolve(p)).join(',');
  return ref;
}

/** `layerlab extract MODEL DATA --cluster URL`: coordinates the extraction on the cluster's hosts. */
export async function runClusterExtract(
  model: string,
  data: string,
  flags: ExtractFlags & ClusterFlags,
  globals: GlobalOptions,
): Promise<void> {
  if (flags.store !== undefined)
    throw usageError(
      '--store names a local store, but with --cluster every host keeps its shards under its own home; drop --store',
    );
  if (flags.plan) throw usageError('--plan is not available with --cluster yet; drop --plan (or --cluster)');
  const replicas = count(flags.replicas, '--replicas', 1)!;
  const shards = count(flags.shards, '--shards');
  const [
    { resolveClusterUrl },
    { resolveExtractConfig },
    { loadBackbone },
    { selectLayers },
    { viewName },
    { createPlainPrinter },
  ] = await Promise.all([
    import('../../cluster/cluster-url.js'),
    import('../../extract/extract-config.js'),
    import('../../backbone/load-backbone.js'),
    import('../../backbone/select-layers.js'),
    import('../../backbone/capture-point.js'),
    import('../../ui/plain-output.js'),
  ]);
  const url = resolveClusterUrl(flags.cluster === true ? undefined : flags.cluster);
  const config = resolveExtractConfig(flags);
  const home = homeLayout(resolveHome(globals.home));
  const modelRef = hostRef(model);
  const dataRef = hostRef(data);
  // the coordinator loads the model for its digest and layer names (the store's identity); the
  // data it never opens: only the hosts read it
  const backbone = await loadBackbone(modelRef, { home: home.root });
  const json = globals.json ? jsonLines() : undefined;
  const plain = createPlainPrinter((line) => process.stderr.write(`${line}\n`));
  const sink: EventSink = json
    ? json.sink
    : globals.quiet
      ? (event) => {
          if (event.type === 'log' && event.level === 'warn') plain(event);
        }
      : plain;
  const points = selectLayers(backbone.points, config.layers, backbone.excludedTensors, (message) =>
    sink({ type: 'log', level: 'warn', message }),
  );
  const hostFlags = Object.fromEntries(
    Object.entries(flags).filter(
      (entry): entry is [string, string | boolean] =>
        !COORDINATOR_ONLY.has(entry[0]) && (typeof entry[1] === 'string' || typeof entry[1] === 'boolean'),
    ),
  );
  const [{ connectRedis }, { clusterExtract }] = await Promise.all([
    import('../../cluster/redis-connection.js'),
    import('../../cluster/cluster-extract.js'),
  ]);
  const redis = await connectRedis(url);
  const interrupt = interruptSignal();
  try {
    const result = await clusterExtract({
      redis,
      url,
      model: modelRef,
      modelDigest: backbone.digest,
      data: dataRef,
      flags: hostFlags,
      identity: {
        preprocess: backbone.resolvePreprocess(config.preprocess),
        layers: {
          views: points.map((p) => viewName(p.name, config.pooling)),
          dtype: config.dtype,
          // --strict changes what fails, not what is stored
          data: { ...config.data, strict: undefined },
        },
      },
      ...(shards === undefined ? {} : { shards }),
      replicas,
      log: (level, message) => sink({ type: 'log', level, message }),
      signal: interrupt.signal,
    });
    const document = {
      type: 'result',
      store: result.store,
      cached: result.cached,
      featureSets: result.featureSets,
      plan: result.plan,
      seconds: result.seconds,
      skipped: result.skipped,
      placement: result.placement,
    };
    if (json) json.result(document);
    else {
      const records = result.featureSets[0]?.records ?? 0;
      const lines = [
        `cluster store ${result.store}: ${result.featureSets.length} feature set${result.featureSets.length === 1 ? '' : 's'} of ${records} records in ${result.placement.length} shards, ${result.cached ? 'already extracted (cached)' : `extracted in ${result.seconds.toFixed(1)} s`}`,
        ...result.featureSets.map((s) => `  ${s.layer}  ${s.dims} dims  ${s.key}`),
        ...result.placement.map((p) => `  shard ${p.shard}: ${p.hosts.join(', ')}`),
      ];
      if (result.skipped.length) lines.push(`  ${result.skipped.length} records skipped (unreadable)`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
  } finally {
    interrupt.dispose();
    redis.disconnect();
  }
}
