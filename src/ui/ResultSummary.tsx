import { Box, Text } from 'ink';
import type { TrainingResult } from '../core/result.js';
import { formatHead, formatPercent, formatSeconds } from './format.js';
import { marks, theme } from './theme.js';

/** The answer: the best (layer, head), its validation and test accuracy, and where the time went. */
export function ResultSummary({ result }: { result: TrainingResult }) {
  const { best, seconds } = result;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text>
        <Text color={theme.best} bold>
          {marks.done} best: {best.layer}
        </Text>{' '}
        with {formatHead(best.head)} · val {formatPercent(best.value)} ·{' '}
        <Text bold>test {formatPercent(best.test)}</Text>
      </Text>
      <Text color={theme.muted}>
        {'  '}run {result.run} · features {result.cached ? 'reused from store' : 'computed'} · extract{' '}
        {formatSeconds(seconds.extract)} · train {formatSeconds(seconds.train)} · total{' '}
        {formatSeconds(seconds.total)}
      </Text>
    </Box>
  );
}
