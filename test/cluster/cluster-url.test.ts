import { describe, expect, it } from 'vitest';
import { redactSecrets, redactUrl, resolveClusterUrl } from '../../src/cluster/cluster-url.js';
import { isLayerlabError } from '../../src/core/errors.js';

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return isLayerlabError(error) ? `${error.code} ${error.message}` : 'not a LayerlabError';
  }
  return 'no error';
};

describe('cluster URLs', () => {
  it('takes --cluster, else LAYERLAB_CLUSTER, and only redis:// or rediss://', () => {
    expect(resolveClusterUrl('redis://a:6379', { LAYERLAB_CLUSTER: 'redis://b:1' })).toBe('redis://a:6379');
    expect(resolveClusterUrl(undefined, { LAYERLAB_CLUSTER: 'rediss://:pw@b:6380/2' })).toBe(
      'rediss://:pw@b:6380/2',
    );
    expect(codeOf(() => resolveClusterUrl(undefined, {}))).toMatch(
      /^CONFIG no cluster given; pass --cluster/,
    );
    expect(codeOf(() => resolveClusterUrl('http://:hunter22@x:1', {}))).toBe(
      'USAGE --cluster http://:***@x:1/ is not a Redis URL; use redis://[:password@]host:port[/db] or rediss:// for TLS',
    );
    expect(codeOf(() => resolveClusterUrl('redis//:hunter22@x', {}))).not.toContain('hunter22');
  });

  it('never shows a password or user name', () => {
    expect(redactUrl('redis://127.0.0.1:6379/0')).toBe('redis://127.0.0.1:6379/0');
    expect(redactUrl('redis://:s3cret@10.0.0.5:6379')).toBe('redis://:***@10.0.0.5:6379');
    expect(redactUrl('rediss://admin:s3cret@r.internal:6380/1')).toBe('rediss://***:***@r.internal:6380/1');
    expect(redactUrl('not a url //u:p@x')).toBe('not a url //***@x');
    const url = 'redis://:p%40ss-word@h:1';
    expect(redactSecrets(`failed: ${url} said WRONGPASS for p@ss-word`, url)).toBe(
      'failed: redis://:***@h:1 said WRONGPASS for ***',
    );
  });
});
