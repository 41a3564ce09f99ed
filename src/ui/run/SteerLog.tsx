import { Box, Text } from 'ink';
import { appliedWhen } from '../milestones.js';
import type { ControlRecord } from '../run-state.js';
import { marks, theme } from '../theme.js';
import { describeCommand, steerOutcome, type SentCommand } from './steering.js';

/** Commands shown under the table: the latest few. */
const STEER_LOG_LINES = 3;

export function steerLogLines(sent: readonly SentCommand[], notice: string | undefined): number {
  return Math.min(sent.length, STEER_LOG_LINES) + (notice === undefined ? 0 : 1);
}

/** What became of the commands sent from here: queued, applied after epoch N, or refused and why. */
export function SteerLog({
  sent,
  controls,
  notice,
}: {
  sent: readonly SentCommand[];
  controls: readonly ControlRecord[];
  notice?: string;
}) {
  return (
    <Box flexDirection="column">
      {sent.slice(-STEER_LOG_LINES).map((s) => {
        const outcome = steerOutcome(s, controls);
        const what = describeCommand(s.command);
        if (outcome.state === 'pending') {
          return (
            <Text key={s.id} color={theme.warn} wrap="truncate">
              … {what} · sent, waiting for the next epoch boundary
            </Text>
          );
        }
        if (outcome.state === 'refused') {
          return (
            <Text key={s.id} color={theme.error} wrap="truncate">
              {marks.failed} {what} · refused: {outcome.reason}
            </Text>
          );
        }
        const created = outcome.created.length > 0 ? ` → ${outcome.created.join(', ')}` : '';
        return (
          <Text key={s.id} color={theme.best} wrap="truncate">
            {marks.done} {what} · applied {appliedWhen(outcome.epoch)}
            {created}
          </Text>
        );
      })}
      {notice === undefined ? null : (
        <Text color={theme.muted} wrap="truncate">
          {notice}
        </Text>
      )}
    </Box>
  );
}
