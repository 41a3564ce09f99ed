import { Box, Text } from 'ink';
import { ExtractionPanel } from './ExtractionPanel.js';
import { Header } from './Header.js';
import { LayerTable } from './LayerTable.js';
import { summarizeLayers } from './layer-summary.js';
import { LogLines } from './LogLines.js';
import { ResultSummary } from './ResultSummary.js';
import type { RunState } from './run-state.js';
import { marks, theme } from './theme.js';
import { TrainingPanel } from './TrainingPanel.js';

export interface RunViewProps {
  state: RunState;
  /** print the finished lines through <Static> above the view @default true */
  log?: boolean;
}

/** The whole run on one screen: finished lines above (static), the stages and layer table below. */
export function RunView({ state, log = true }: RunViewProps) {
  const { extraction, training, result } = state;
  const summary = summarizeLayers(state);
  return (
    <>
      {log ? <LogLines lines={state.log} /> : null}
      <Box flexDirection="column" marginTop={state.log.length > 0 ? 1 : 0}>
        <Header title={state.title} model={state.model} dataset={state.dataset} store={state.store} />
        {state.phase === 'starting' ? <Text color={theme.muted}>starting…</Text> : null}
        {extraction.status === 'pending' ? null : <ExtractionPanel extraction={extraction} />}
        {training.status === 'pending' ? null : <TrainingPanel training={training} />}
        {summary.rows.length > 0 ? <LayerTable summary={summary} /> : null}
        {result === undefined ? null : <ResultSummary result={result} />}
        {state.phase === 'failed' ? (
          <Box marginTop={1}>
            <Text color={theme.error} bold>
              {marks.failed} failed: {state.error}
            </Text>
          </Box>
        ) : null}
        {state.phase === 'interrupted' ? (
          <Box marginTop={1}>
            <Text color={theme.warn} bold>
              {marks.interrupted} {state.error}
            </Text>
          </Box>
        ) : null}
      </Box>
    </>
  );
}
