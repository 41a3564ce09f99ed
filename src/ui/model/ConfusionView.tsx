import { Box, Text } from 'ink';
import { fit } from '../common/fit.js';
import { formatPercent } from '../format.js';
import { theme } from '../theme.js';
import { confusionStats } from './detail-lines.js';

const NAME_WIDTH = 12;

export interface ConfusionViewProps {
  matrix: number[][];
  classNames: readonly string[];
  split: 'test' | 'val';
  width: number;
}

/** Rows are the true class, columns the predicted one; the diagonal (right answers) is highlighted. */
export function ConfusionView({ matrix, classNames, split, width }: ConfusionViewProps) {
  const { recall, accuracy } = confusionStats(matrix);
  const widest = Math.max(3, ...matrix.flat().map((n) => String(n).length));
  const cell = Math.max(
    widest + 2,
    Math.min(12, Math.floor((width - NAME_WIDTH - 10) / Math.max(1, matrix.length))),
  );
  const name = (i: number) => fit(classNames[i] ?? String(i), NAME_WIDTH);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>Confusion matrix</Text>
        <Text color={theme.muted}>
          {' '}
          on the {split === 'test' ? 'test' : 'validation'} split · rows true, columns predicted · accuracy{' '}
          {formatPercent(accuracy)}
        </Text>
      </Text>
      <Text color={theme.muted} wrap="truncate">
        {' '.repeat(NAME_WIDTH)}
        {matrix.map((_, j) => fit(classNames[j] ?? String(j), cell - 1, 'right').padEnd(cell)).join('')}
        {'  recall'}
      </Text>
      {matrix.map((row, i) => (
        <Text key={i} wrap="truncate">
          <Text color={theme.muted}>{name(i)}</Text>
          {row.map((n, j) => (
            <Text key={j} color={i === j ? theme.best : n > 0 ? undefined : theme.muted} bold={i === j}>
              {String(n)
                .padStart(cell - 1)
                .padEnd(cell)}
            </Text>
          ))}
          <Text color={theme.muted}>{formatPercent(recall[i]).padStart(8)}</Text>
        </Text>
      ))}
    </Box>
  );
}
