import { Box, Text } from 'ink';
import { truncateMiddle } from '../common/fit.js';
import type { RunState } from '../run-state.js';
import { marks, theme } from '../theme.js';
import { runPhaseLabel } from './run-phase.js';

/** The run's name and state, then what it trains on. */
export interface RunTitleProps {
  runId: string;
  state: RunState;
  width: number;
  /** the run's latest warning, if any */
  warning?: string;
}

export function RunTitle({ runId, state, width, warning }: RunTitleProps) {
  const phase = runPhaseLabel(state);
  const store = state.store === undefined ? undefined : `store ${state.store.split(/[\\/]/).pop() ?? ''}`;
  const refs = [state.model, state.dataset, store]
    .filter((part) => part !== undefined && part !== '')
    .join(' · ');
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold color={theme.accent}>
          {runId || state.title}
        </Text>
        <Text color={phase.color}>
          {' '}
          {phase.mark} {phase.text}
        </Text>
      </Text>
      <Text color={theme.muted} wrap="truncate">
        {truncateMiddle(refs, width)}
      </Text>
      {warning === undefined ? null : (
        <Text color={theme.warn} wrap="truncate">
          warning: {warning}
        </Text>
      )}
      {state.phase === 'failed' || state.phase === 'interrupted' ? (
        <Text color={state.phase === 'failed' ? theme.error : theme.warn} wrap="truncate">
          {state.phase === 'failed' ? marks.failed : marks.interrupted} {state.error}
        </Text>
      ) : null}
    </Box>
  );
}
