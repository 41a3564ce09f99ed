import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterSession } from '../../src/cluster/cluster-session.js';
import { readHosts } from '../../src/cluster/host-record.js';
import { connectRedis } from '../../src/cluster/redis-connection.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { HostProcess } from './host-process.js';
import { writeShardStore } from '../../bench/harness/shard-stores.js';

/**
 * A cluster for tests: a real redis-server and real `layerlab worker` processes, each with its own
 * home holding the shards the test gives it (written from a local store by `writeShardStore`).
 */
export class ClusterFixture {
  readonly hosts = new Map<string, HostProcess>();
  readonly log: string[] = [];

  private constructor(
    readonly redis: RedisServer,
    readonly root: string,
  ) {}

  /** `persist`: Redis keeps its data across `redis.restart()` (an append-only file) */
  static async start(options: { persist?: boolean } = {}): Promise<ClusterFixture> {
    return new ClusterFixture(
      await startRedis(options),
      mkdtempSync(join(tmpdir(), 'layerlab-cluster-train-')),
    );
  }

  get url(): string {
    return this.redis.url;
  }

  homeOf(name: string): string {
    return join(this.root, name);
  }

  /** Writes shard `shard` of cluster store `store` (records `rows` of `sourceDir`) into a host's home. */
  placeShard(host: string, store: string, shard: number, sourceDir: string, rows: Int32Array): void {
    writeShardStore(sourceDir, join(this.homeOf(host), 'cluster', store, `shard-${shard}`), rows);
  }

  /** Starts a host and waits until its record (with its shards) is in Redis. */
  async startHost(name: string, options: { workers?: number; faults?: boolean } = {}): Promise<HostProcess> {
    const host = new HostProcess(this.url, this.homeOf(name), name, options);
    this.hosts.set(name, host);
    await host.waitFor('worker.start');
    const redis = await connectRedis(this.url);
    try {
      while (!(await readHosts(redis)).some((h) => h.name === name))
        await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      redis.disconnect();
    }
    return host;
  }

  session(store: string): Promise<ClusterSession> {
    return ClusterSession.open(this.url, store, (line) => this.log.push(line));
  }

  async stop(): Promise<void> {
    for (const host of this.hosts.values()) host.signal('SIGKILL');
    await Promise.all([...this.hosts.values()].map((h) => h.done));
    await this.redis.stop();
    rmSync(this.root, { recursive: true, force: true });
  }
}
