import { Box, Text } from 'ink';
import { Bar } from './Bar.js';
import { formatPercent } from './format.js';
import { trainingFraction } from './progress.js';
import { PANEL_LABEL_WIDTH, trainingDetails, trainingHeadline, trainingSummary } from './progress-text.js';
import type { TrainingState } from './run-state.js';
import { marks, theme } from './theme.js';
import { WorkerActivity } from './WorkerActivity.js';

export interface TrainingPanelProps {
  training: TrainingState;
  /** per-worker activity below the bar @default true */
  workers?: boolean;
  /** @default 24 */
  barWidth?: number;
}

export function TrainingPanel({ training, workers = true, barWidth = 24 }: TrainingPanelProps) {
  const fraction = trainingFraction(training);
  return (
    <Box flexDirection="column">
      <Box>
        <Box width={PANEL_LABEL_WIDTH} flexShrink={0}>
          <Text bold>Training</Text>
        </Box>
        {training.status === 'done' ? (
          <Text>
            <Text color={theme.best}>{marks.done} </Text>
            {trainingSummary(training)}
            <Text color={theme.muted}> · {training.models.length} models</Text>
          </Text>
        ) : (
          <Text>
            <Bar fraction={fraction} width={barWidth} color={theme.bar} track />{' '}
            {formatPercent(fraction, 0).padStart(4)}
            {'  '}
            {trainingHeadline(training)}
            <Text color={theme.muted}> · {trainingDetails(training)}</Text>
          </Text>
        )}
      </Box>
      {training.status === 'done' || !workers ? null : (
        <Box marginLeft={PANEL_LABEL_WIDTH}>
          <WorkerActivity activity={training.activity} workers={training.workers} />
        </Box>
      )}
    </Box>
  );
}
