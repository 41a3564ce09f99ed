import { Text } from 'ink';
import type { FilterState } from './list-view.js';
import { theme } from '../theme.js';

/** `/ block2▏` while typing, `filter: block2 (Esc clears)` once kept; nothing without a filter. */
export function FilterLine({ filter }: { filter: FilterState }) {
  if (filter.editing) {
    return (
      <Text wrap="truncate">
        <Text color={theme.accent}>/ </Text>
        {filter.text}
        <Text color={theme.accent}>▏</Text>
        <Text color={theme.muted}> Enter keeps · Esc clears</Text>
      </Text>
    );
  }
  if (filter.text === '') return null;
  return (
    <Text wrap="truncate">
      <Text color={theme.muted}>filter: </Text>
      {filter.text}
      <Text color={theme.muted}> (Esc clears)</Text>
    </Text>
  );
}
