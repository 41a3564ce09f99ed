import { Static, Text } from 'ink';
import type { LogLine } from './run-state.js';
import { marks, theme } from './theme.js';

const prefix: Record<LogLine['level'], string> = { info: '', warn: 'warning: ', step: `${marks.step} ` };
const colour: Record<LogLine['level'], string | undefined> = {
  info: undefined,
  warn: theme.warn,
  step: theme.muted,
};

/** Finished lines, printed once above the live area and never redrawn. */
export function LogLines({ lines }: { lines: readonly LogLine[] }) {
  return (
    <Static items={[...lines]}>
      {(line) => (
        <Text key={line.id} color={colour[line.level]}>
          {prefix[line.level]}
          {line.text}
        </Text>
      )}
    </Static>
  );
}
