/** `layerlab store ls --cluster [URL]`: the cluster stores recorded in the cluster's Redis. */
export async function listClusterStores(flag: string | undefined, json: boolean): Promise<void> {
  // BullMQ and ioredis load only for the commands that use them (CLI start-up stays fast)
  const [{ resolveClusterUrl }, { connectRedis }, { formatClusterStoreList, listClusterStoresWithHosts }] =
    await Promise.all([
      import('../../cluster/cluster-url.js'),
      import('../../cluster/redis-connection.js'),
      import('../../cluster/cluster-store-list.js'),
    ]);
  const url = resolveClusterUrl(flag);
  const redis = await connectRedis(url);
  try {
    const list = await listClusterStoresWithHosts(redis, url);
    process.stdout.write(json ? `${JSON.stringify(list)}\n` : `${formatClusterStoreList(list)}\n`);
  } finally {
    redis.disconnect();
  }
}
