import { Box, Text } from 'ink';
import { marks, theme } from '../theme.js';
import { visibleFields, type SteerForm } from './steer-form.js';

const NAME_WIDTH = 13;

/** Lines the form takes: title, one per field, hints, and an error when there is one. */
export function steerFormLines(form: SteerForm): number {
  return 2 + visibleFields(form).length + (form.error === undefined ? 0 : 1);
}

/** The clone or add form; the focused field is marked and takes typing (choices: ← →). */
export function SteerFormView({ form }: { form: SteerForm }) {
  const fields = visibleFields(form);
  const focus = Math.min(form.focus, fields.length - 1);
  return (
    <Box flexDirection="column">
      <Text bold color={theme.accent} wrap="truncate">
        {form.title}
        <Text color={theme.muted}>
          {form.op === 'clone' ? ' · starts from its weights' : ''} · applied at the next epoch boundary
        </Text>
      </Text>
      {fields.map((f, i) => {
        const focused = i === focus;
        const changed = f.value !== f.original;
        return (
          <Text key={f.name} wrap="truncate">
            <Text color={theme.accent}>{focused ? `${marks.cursor} ` : '  '}</Text>
            <Text color={theme.muted}>{f.name.padEnd(NAME_WIDTH)}</Text>
            <Text bold={changed} inverse={focused && f.kind !== 'choice'}>
              {f.kind === 'choice' && focused ? `‹ ${f.value} ›` : f.value}
            </Text>
            {focused && f.kind !== 'choice' ? <Text color={theme.accent}>▏</Text> : null}
            {changed && form.op === 'clone' ? <Text color={theme.muted}> (was {f.original})</Text> : null}
          </Text>
        );
      })}
      {form.error === undefined ? null : (
        <Text color={theme.error} wrap="truncate">
          {marks.failed} {form.error}
        </Text>
      )}
      <Text color={theme.muted} wrap="truncate">
        Tab/↑↓ field · ←→ choice · type to edit · Enter send · Esc cancel
      </Text>
    </Box>
  );
}
