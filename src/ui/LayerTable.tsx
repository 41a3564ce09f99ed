import { Box, Text } from 'ink';
import { Bar } from './Bar.js';
import { formatPercent } from './format.js';
import { layerBars } from './layer-axis.js';
import type { LayerSummary } from './layer-summary.js';
import { marks, theme } from './theme.js';

/** Bars use an axis scaled to the values (its range heads the column): see layer-axis.ts. */
const BAR_WIDTH = 30;
const VALUE_WIDTH = 8;
const MARK_WIDTH = 2;

/** One row per layer with its best validation accuracy so far and a bar chart of it; best row highlighted. */
export function LayerTable({ summary }: { summary: LayerSummary }) {
  const { rows, bestIndex } = summary;
  const bars = layerBars(rows);
  const layerWidth = Math.max('layer'.length, ...bars.labels.map((l) => l.length)) + 2;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Box>
        <Box width={MARK_WIDTH + layerWidth} flexShrink={0}>
          <Text color={theme.muted}>{' '.repeat(MARK_WIDTH)}layer</Text>
        </Box>
        <Box width={VALUE_WIDTH} flexShrink={0} justifyContent="flex-end">
          <Text color={theme.muted}>best val</Text>
        </Box>
        <Box width={BAR_WIDTH + 2} flexShrink={0} paddingLeft={2}>
          <Text color={theme.muted}>{bars.range}</Text>
        </Box>
        <Text color={theme.muted}>best head</Text>
      </Box>
      {rows.map((row, i) => {
        const best = i === bestIndex;
        const color = best ? theme.best : undefined;
        return (
          <Box key={row.layer}>
            <Box width={MARK_WIDTH + layerWidth} flexShrink={0}>
              <Text color={color} bold={best} wrap="truncate-middle">
                {best ? `${marks.best} ` : '  '}
                {bars.labels[i]}
              </Text>
            </Box>
            <Box width={VALUE_WIDTH} flexShrink={0} justifyContent="flex-end">
              <Text color={color} bold={best} dimColor={row.value === undefined}>
                {formatPercent(row.value)}
              </Text>
            </Box>
            <Box width={BAR_WIDTH + 2} flexShrink={0} paddingLeft={2}>
              <Bar fraction={bars.fractions[i]!} width={BAR_WIDTH} color={best ? theme.best : theme.bar} />
            </Box>
            <Text color={theme.muted} wrap="truncate">
              {row.head ?? ''}
            </Text>
          </Box>
        );
      })}
    </Box>
  );
}
