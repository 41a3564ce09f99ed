import { describe, expect, it } from 'vitest';
import { isLayerlabError } from '../../src/core/errors.js';
import { layerlabVersion } from '../../src/core/package-version.js';
import type { HostRecord } from '../../src/cluster/host-record.js';
import {
  noHostReason,
  refusedCopies,
  requireShardHosts,
  shardCandidates,
} from '../../src/cluster/shard-hosts.js';

const NOW = 1_000_000;
const host = (name: string, digests?: Record<string, string>): HostRecord => ({
  name,
  workers: 1,
  cores: 1,
  freeDisk: 1,
  version: layerlabVersion(),
  shards: ['cs-x#0', 'cs-x#1'],
  ...(digests ? { digests } : {}),
  lastSeen: NOW,
  startedAt: NOW,
});
const MANIFEST = ['d0', 'd1'];

describe('shard hosts: content digests', () => {
  it('refuses a copy whose digest differs from the manifest, and accepts one with none to compare', () => {
    const hosts = [
      host('a', { 'cs-x#0': 'd0', 'cs-x#1': 'd1' }),
      host('b', { 'cs-x#0': 'other' }),
      host('c'),
    ];
    expect(shardCandidates(hosts, 'cs-x', 0, NOW, new Map(), MANIFEST).map((h) => h.name)).toEqual([
      'a',
      'c',
    ]);
    expect(shardCandidates(hosts, 'cs-x', 1, NOW, new Map(), MANIFEST).map((h) => h.name)).toEqual([
      'a',
      'b',
      'c',
    ]);
    // a store without a manifest (placed by hand): nothing to compare
    expect(shardCandidates(hosts, 'cs-x', 0, NOW).map((h) => h.name)).toEqual(['a', 'b', 'c']);
    expect(refusedCopies(hosts, 'cs-x', 2, NOW, MANIFEST)).toEqual([
      'host b is refused: its shard 0 of cs-x differs from the cluster store manifest (content digest other, expected d0); remove cluster/cs-x/shard-0 under its home and run the same `layerlab extract --cluster` again',
    ]);
  });

  it('stops a run whose only live copy differs with bad data (65), naming host, shard and fix', () => {
    const hosts = [host('b', { 'cs-x#0': 'other', 'cs-x#1': 'd1' })];
    expect(noHostReason(hosts, 'cs-x', 0, NOW, MANIFEST)).toMatch(
      /^host b is refused: its shard 0 of cs-x differs/,
    );
    try {
      requireShardHosts(hosts, 'cs-x', 2, NOW, MANIFEST);
      expect.unreachable();
    } catch (error) {
      expect(isLayerlabError(error) && error.code).toBe('BAD_DATA');
    }
    // no live host at all stays a configuration error
    try {
      requireShardHosts([{ ...hosts[0]!, lastSeen: 0 }], 'cs-x', 2, NOW, MANIFEST);
      expect.unreachable();
    } catch (error) {
      expect(isLayerlabError(error) && error.code).toBe('CONFIG');
    }
  });
});
