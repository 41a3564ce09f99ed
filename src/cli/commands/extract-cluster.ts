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

/** `--replicas`/`--shards` as a count (extract and sweep take them with `--cluster`). */
export function parseCount(text: string | undefined, flag: string, fallback?: number): number | undefined {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw usageError(`${flag} ${text} is not a count; use a whole number in 1..65535`);
  return n;
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
  const replicas = parseCount(flags.replicas, '--replicas', 1)!;
  const shards = parseCount(flags.shards, '--shards');
  const [{ resolveClusterUrl }, { extractOnCluster }, { createPlainPrinter }] = await Promise.all([
    import('../../cluster/cluster-url.js'),
    import('../../cluster/extract-on-cluster.js'),
    import('../../ui/plain-output.js'),
  ]);
  const url = resolveClusterUrl(flags.cluster === true ? undefined : flags.cluster);
  const home = homeLayout(resolveHome(globals.home));
  const json = globals.json ? jsonLines() : undefined;
  const plain = createPlainPrinter((line) => process.stderr.write(`${line}\n`));
  const sink: EventSink = json
    ? json.sink
    : globals.quiet
      ? (event) => {
          if (event.type === 'log' && event.level === 'warn') plain(event);
        }
      : plain;
  const interrupt = interruptSignal();
  try {
    const result = await extractOnCluster({
      url,
      home: home.root,
      model,
      data,
      flags,
      replicas,
      ...(shards === undefined ? {} : { shards }),
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
  }
}
