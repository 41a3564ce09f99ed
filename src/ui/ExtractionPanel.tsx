import { Box, Text } from 'ink';
import { Bar } from './Bar.js';
import { formatPercent } from './format.js';
import { extractionFraction } from './progress.js';
import { extractionDetails, extractionSummary, PANEL_LABEL_WIDTH } from './progress-text.js';
import type { ExtractionState } from './run-state.js';
import { marks, theme } from './theme.js';

export interface ExtractionPanelProps {
  extraction: ExtractionState;
  /** @default 24 */
  barWidth?: number;
}

export function ExtractionPanel({ extraction, barWidth = 24 }: ExtractionPanelProps) {
  const summary = extractionSummary(extraction);
  const fraction = extractionFraction(extraction);
  return (
    <Box>
      <Box width={PANEL_LABEL_WIDTH} flexShrink={0}>
        <Text bold>Features</Text>
      </Box>
      {extraction.status === 'done' ? (
        <Text>
          <Text color={theme.best}>{marks.done} </Text>
          {summary}
        </Text>
      ) : summary !== '' ? (
        <Text>{summary}</Text>
      ) : (
        <Text>
          <Bar fraction={fraction} width={barWidth} color={theme.bar} track />{' '}
          {formatPercent(fraction, 0).padStart(4)}
          <Text color={theme.muted}>
            {'  '}
            {extractionDetails(extraction)}
          </Text>
        </Text>
      )}
    </Box>
  );
}
