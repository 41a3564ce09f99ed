import { Box, Text } from 'ink';
import { theme } from '../theme.js';

export interface FooterProps {
  /** key hints for this screen, most important first: the line is cut at the right */
  hints: string;
  width: number;
}

/** The bottom line: this screen's keys, and where to find the rest. */
export function Footer({ hints, width }: FooterProps) {
  return (
    <Box width={width} justifyContent="space-between">
      <Box flexShrink={1}>
        <Text color={theme.muted} wrap="truncate">
          {hints}
        </Text>
      </Box>
      <Box flexShrink={0} marginLeft={1}>
        <Text color={theme.muted}>? help</Text>
      </Box>
    </Box>
  );
}
