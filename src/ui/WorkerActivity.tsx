import { Box, Text } from 'ink';
import { hostsLine } from './host-summary.js';
import type { WorkerActivity as Activity } from './run-state.js';
import { theme } from './theme.js';

export const WORKER_CELL_WIDTH = 24;

/**
 * One compact cell per worker, wrapping, so sixteen workers still fit in a few lines; on a cluster,
 * one more line names the hosts and their workers.
 */
export function WorkerActivity({ activity, workers }: { activity: readonly Activity[]; workers: number }) {
  const hosts = hostsLine(activity);
  const cells = <WorkerCells activity={activity} workers={workers} />;
  if (hosts === undefined) return cells;
  return (
    <Box flexDirection="column">
      {cells}
      <Text>
        <Text color={theme.muted}>hosts </Text>
        {hosts}
      </Text>
    </Box>
  );
}

function WorkerCells({ activity, workers }: { activity: readonly Activity[]; workers: number }) {
  const byWorker = new Map(activity.map((a) => [a.worker, a]));
  const ids = Array.from({ length: workers }, (_, i) => i);
  return (
    <Box flexWrap="wrap">
      {ids.map((id) => {
        const last = byWorker.get(id);
        return (
          <Box key={id} width={WORKER_CELL_WIDTH}>
            <Text>
              <Text color={theme.muted}>w{id} </Text>
              {last === undefined ? <Text dimColor>idle</Text> : `group ${last.group} on shard ${last.shard}`}
            </Text>
          </Box>
        );
      })}
    </Box>
  );
}
