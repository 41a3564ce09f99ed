import { Box, Text } from 'ink';
import { Bar } from './Bar.js';
import { formatEta, formatPercent, formatSeconds } from './format.js';
import { currentEpoch, trainingEtaSeconds, trainingFraction } from './progress.js';
import type { TrainingState } from './run-state.js';
import { marks, theme } from './theme.js';
import { WorkerActivity } from './WorkerActivity.js';

const LABEL_WIDTH = 10;
const BAR_WIDTH = 24;

export function TrainingPanel({ training }: { training: TrainingState }) {
  const fraction = trainingFraction(training);
  return (
    <Box flexDirection="column">
      <Box>
        <Box width={LABEL_WIDTH} flexShrink={0}>
          <Text bold>Training</Text>
        </Box>
        {training.status === 'done' ? (
          <Text>
            <Text color={theme.best}>{marks.done} </Text>
            {training.epochsDone} epochs
            {training.seconds === undefined ? '' : ` in ${formatSeconds(training.seconds)}`}
            <Text color={theme.muted}> · {training.models.length} models</Text>
          </Text>
        ) : (
          <Text>
            <Bar fraction={fraction} width={BAR_WIDTH} color={theme.bar} track />{' '}
            {formatPercent(fraction, 0).padStart(4)}
            {'  '}epoch {currentEpoch(training)} of {training.epochs}
            <Text color={theme.muted}>
              {' '}
              · units {training.unitsDone}/{training.unitsPerEpoch} · ETA{' '}
              {formatEta(trainingEtaSeconds(training))}
            </Text>
          </Text>
        )}
      </Box>
      {training.status === 'done' ? null : (
        <Box marginLeft={LABEL_WIDTH}>
          <WorkerActivity activity={training.activity} workers={training.workers} />
        </Box>
      )}
    </Box>
  );
}
