import { Box, Text } from 'ink';
import { MIN_COLUMNS, MIN_ROWS } from './layout.js';
import type { TerminalSize } from './terminal-size.js';
import { theme } from '../theme.js';

/** Shown instead of any screen while the terminal is below the minimum size. */
export function TooSmall({ size }: { size: TerminalSize }) {
  return (
    <Box flexDirection="column" width={size.columns}>
      <Text bold color={theme.warn}>
        Terminal too small
      </Text>
      <Text>
        This one is {size.columns}×{size.rows}; layerlab ui needs at least {MIN_COLUMNS}×{MIN_ROWS}.
      </Text>
      <Text color={theme.muted}>Enlarge the window to continue, or press q to quit.</Text>
    </Box>
  );
}
