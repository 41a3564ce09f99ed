import { configError, usageError } from '../core/errors.js';

/**
 * The cluster's Redis URL: `--cluster URL`, else `LAYERLAB_CLUSTER` (DESIGN.md, "Cluster").
 * `redis://[:password@]host:port[/db]`, or `rediss://` for TLS; ioredis reads both as they are.
 */
export function resolveClusterUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const url = flag ?? env.LAYERLAB_CLUSTER;
  if (!url)
    throw configError(
      'no cluster given; pass --cluster redis://HOST:PORT or set LAYERLAB_CLUSTER (start one on this machine with `layerlab cluster local`)',
    );
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError(
      `--cluster ${redactUrl(url)} is not a URL; use redis://[:password@]host:port[/db] or rediss://`,
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw usageError(
      `--cluster ${redactUrl(url)} is not a Redis URL; use redis://[:password@]host:port[/db] or rediss:// for TLS`,
    );
  if (!parsed.hostname) throw usageError(`--cluster ${redactUrl(url)} names no host; use redis://HOST:PORT`);
  return url;
}

/** The URL with its password (and user) replaced by `***`: the only form that may be printed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password && !parsed.username) return url;
    if (parsed.username) parsed.username = '***';
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    // not a URL: hide anything between the scheme and an `@`
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** Removes the URL's secrets from any text (an error from a library may quote them). */
export function redactSecrets(text: string, url: string): string {
  let out = text.split(url).join(redactUrl(url));
  try {
    const { password, username } = new URL(url);
    for (const secret of [password, username, safeDecode(password), safeDecode(username)])
      if (secret && secret.length >= 3) out = out.split(secret).join('***');
  } catch {
    // not a URL: nothing more to hide
  }
  return out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
