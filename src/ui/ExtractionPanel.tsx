import { Box, Text } from 'ink';
import { Bar } from './Bar.js';
import {
  formatCount,
  formatEta,
  formatMegabytes,
  formatPercent,
  formatRate,
  formatSeconds,
} from './format.js';
import { extractionFraction } from './progress.js';
import type { ExtractionState } from './run-state.js';
import { marks, theme } from './theme.js';

const LABEL_WIDTH = 10;
const BAR_WIDTH = 24;

export function ExtractionPanel({ extraction }: { extraction: ExtractionState }) {
  const layers = extraction.layers.length;
  const allReused = layers > 0 && extraction.reused.length === layers;
  return (
    <Box>
      <Box width={LABEL_WIDTH} flexShrink={0}>
        <Text bold>Features</Text>
      </Box>
      {extraction.status === 'done' ? (
        <Text>
          <Text color={theme.best}>{marks.done} </Text>
          {extraction.cached
            ? `reused from store (${formatSeconds(extraction.seconds ?? 0)})`
            : `${formatCount(extraction.total)} records × ${layers} layers in ${formatSeconds(extraction.seconds ?? 0)}`}
        </Text>
      ) : allReused ? (
        <Text>reused from store ({layers} feature sets)</Text>
      ) : (
        <Text>
          <Bar fraction={extractionFraction(extraction)} width={BAR_WIDTH} color={theme.bar} track />{' '}
          {formatPercent(extractionFraction(extraction), 0).padStart(4)}
          <Text color={theme.muted}>
            {'  '}
            {formatCount(extraction.records)}/{formatCount(extraction.total)} records ·{' '}
            {formatRate(extraction.recordsPerSecond)} · ETA {formatEta(extraction.etaSeconds)} · RSS{' '}
            {formatMegabytes(extraction.rssMb)}
            {extraction.reused.length > 0 ? ` · ${extraction.reused.length} of ${layers} reused` : ''}
          </Text>
        </Text>
      )}
    </Box>
  );
}
