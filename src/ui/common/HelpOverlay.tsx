import { Box, Text } from 'ink';
import { useState } from 'react';
import { useKeys } from '../app/use-keys.js';
import { useNavigation } from '../app/navigation.js';
import type { KeyScope } from '../keys.js';
import { theme } from '../theme.js';
import { moveIndex } from './cursor.js';
import { helpLines } from './help-lines.js';

const KEYS_WIDTH = 12;

export interface HelpOverlayProps {
  scopes: readonly KeyScope[];
  height: number;
}

/** Every key of the current screen; ↑↓ scroll when it does not fit, Esc or ? close it. */
export function HelpOverlay({ scopes, height }: HelpOverlayProps) {
  const navigation = useNavigation();
  const lines = helpLines(scopes);
  const page = Math.max(1, height - 2);
  const [top, setTop] = useState(0);
  const maxTop = Math.max(0, lines.length - page);
  useKeys({
    intent: (intent) => {
      if (intent === 'back' || intent === 'help') navigation.toggleHelp();
      else if (intent === 'quit') navigation.quit();
      else if (intent === 'interrupt') navigation.interrupt();
      else setTop((t) => Math.min(maxTop, moveIndex(t, intent, maxTop + 1, page)));
    },
  });
  return (
    <Box flexDirection="column">
      <Text bold color={theme.accent}>
        Keys <Text color={theme.muted}>(Esc or ? closes{maxTop > 0 ? ', ↑↓ scroll' : ''})</Text>
      </Text>
      {lines.slice(top, top + page).map((line, i) =>
        'heading' in line ? (
          <Text key={i} bold wrap="truncate">
            {line.heading}
          </Text>
        ) : (
          <Text key={i} wrap="truncate">
            {'  '}
            <Text color={theme.accent}>{line.keys.padEnd(KEYS_WIDTH)}</Text>
            {line.help}
          </Text>
        ),
      )}
    </Box>
  );
}
