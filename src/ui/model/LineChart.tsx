import { Box, Text } from 'ink';
import { theme } from '../theme.js';
import { plotSeries, rowRuns, type Series } from './line-chart.js';

const Y_LABEL_WIDTH = 7;

export interface LineChartProps {
  title: string;
  series: readonly Series[];
  /** the whole chart's width, labels included */
  width: number;
  /** rows of the plot area (the chart takes three more) */
  plotHeight: number;
  formatY: (value: number) => string;
  bounds?: { min?: number; max?: number };
}

/** Lines a chart takes beyond its plot area: title, axis, epoch labels. */
export const CHART_EXTRA_LINES = 3;

/** Per-epoch curves: y labels at the top, middle and bottom, epochs along the bottom. */
export function LineChart({ title, series, width, plotHeight, formatY, bounds }: LineChartProps) {
  const plotWidth = Math.max(8, width - Y_LABEL_WIDTH - 2);
  const plot = plotSeries(series, plotWidth, plotHeight, bounds);
  const labelAt = (row: number): string => {
    if (row !== 0 && row !== plotHeight - 1 && row !== Math.floor((plotHeight - 1) / 2)) return '';
    const value = plot.yMax - (row / Math.max(1, plotHeight - 1)) * (plot.yMax - plot.yMin);
    return formatY(value);
  };
  const first = `epoch ${plot.xMin}`;
  const last = String(plot.xMax);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>{title}</Text>
        {'  '}
        {series.map((s, i) => (
          <Text key={s.name} color={theme.series[i % theme.series.length]}>
            {s.glyph} {s.name}
            {'  '}
          </Text>
        ))}
      </Text>
      {plot.cells.map((row, r) => (
        <Text key={r} wrap="truncate">
          <Text color={theme.muted}>{labelAt(r).padStart(Y_LABEL_WIDTH)} ┤</Text>
          {rowRuns(row).map((run, i) =>
            run.series === undefined ? (
              <Text key={i}>{' '.repeat(run.length)}</Text>
            ) : (
              <Text key={i} color={theme.series[run.series % theme.series.length]}>
                {(series[run.series]?.glyph ?? '*').repeat(run.length)}
              </Text>
            ),
          )}
        </Text>
      ))}
      <Text color={theme.muted} wrap="truncate">
        {' '.repeat(Y_LABEL_WIDTH)} └{'─'.repeat(plotWidth)}
      </Text>
      <Text color={theme.muted} wrap="truncate">
        {' '.repeat(Y_LABEL_WIDTH + 2)}
        {first}
        {' '.repeat(Math.max(1, plotWidth - first.length - last.length))}
        {plot.xMax === plot.xMin ? '' : last}
      </Text>
    </Box>
  );
}
