import { Box, Text } from 'ink';
import { theme } from './theme.js';

export interface HeaderProps {
  title: string;
  model: string;
  dataset: string;
  store: string | undefined;
}

export function Header({ title, model, dataset, store }: HeaderProps) {
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text bold color={theme.accent}>
        {title}
      </Text>
      <Text>
        <Text color={theme.muted}>model </Text>
        {model}
        {dataset === '' ? null : (
          <>
            <Text color={theme.muted}> · data </Text>
            {dataset}
          </>
        )}
      </Text>
      {store === undefined ? null : (
        <Text wrap="truncate-middle">
          <Text color={theme.muted}>store </Text>
          {store}
        </Text>
      )}
    </Box>
  );
}
