import { Box, Text } from 'ink';
import { Bar } from '../Bar.js';
import { truncateMiddle } from '../common/fit.js';
import { formatPercent } from '../format.js';
import { layerBars } from '../layer-axis.js';
import type { LayerSummary } from '../layer-summary.js';
import { marks, theme } from '../theme.js';

const VALUE_WIDTH = 7;
const MAX_LAYER_WIDTH = 24;

export interface LayerChartProps {
  summary: LayerSummary;
  width: number;
  /** e.g. `val accuracy` */
  metric: string;
}

/**
 * Best validation metric by layer, as horizontal bars in depth order: where in the network the
 * features transfer best. Bars use an axis scaled to the values (its range is in the title), so
 * layers a point or two apart still draw bars of different length; long tensor names show as blocks.
 */
export function LayerChart({ summary, width, metric }: LayerChartProps) {
  const { rows, bestIndex } = summary;
  const bars = layerBars(rows);
  const layerWidth = Math.min(MAX_LAYER_WIDTH, Math.max(...bars.labels.map((l) => l.length), 5)) + 2;
  const barWidth = Math.max(4, width - layerWidth - VALUE_WIDTH - 4);
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>
        Best {metric} by layer <Text color={theme.muted}>{bars.range}</Text>
      </Text>
      {rows.map((row, i) => {
        const best = i === bestIndex;
        const color = best ? theme.best : undefined;
        return (
          <Text key={row.layer} wrap="truncate">
            <Text color={color} bold={best}>
              {best ? `${marks.best} ` : '  '}
              {truncateMiddle(bars.labels[i]!, layerWidth - 2).padEnd(layerWidth - 2)}
              {formatPercent(row.value).padStart(VALUE_WIDTH)}
            </Text>{' '}
            <Bar fraction={bars.fractions[i]!} width={barWidth} color={best ? theme.best : theme.bar} />
          </Text>
        );
      })}
    </Box>
  );
}
