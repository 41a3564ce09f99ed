import { Box, Text } from 'ink';
import { marks, theme } from '../theme.js';
import { scrollWindow } from './cursor.js';
import { fit } from './fit.js';

export interface TableColumn {
  id: string;
  /** header lines, bottom-aligned with the other columns' */
  header: readonly string[];
  /** columns including one space of padding on each side */
  width: number;
  align?: 'left' | 'right';
}

export interface TableCell {
  text: string;
  color?: string;
  bold?: boolean;
  dim?: boolean;
}

export interface TableRow {
  key: string;
  cells: readonly TableCell[];
}

export interface TableProps {
  columns: readonly TableColumn[];
  rows: readonly TableRow[];
  /** lines available for rows (the header is extra) */
  height: number;
  /** the selected row, or -1 */
  cursorRow: number;
  /** the selected column: its header is bracketed (and its cell, with `cellCursor`) */
  cursorColumn?: number;
  /** cells are what Enter acts on (the run table), so the selected cell is bracketed too @default false */
  cellCursor?: boolean;
  /** an unfocused table shows no cursor */
  focused?: boolean;
  /** shown instead of rows when there are none */
  empty?: string;
}

/** Pads a cell to its column; the selected cell is bracketed, so it shows without colour too. */
function framed(text: string, column: TableColumn, selected: boolean): string {
  const inner = fit(text, Math.max(0, column.width - 2), column.align);
  return selected ? `[${inner}]` : ` ${inner} `;
}

/**
 * A fixed-width table: one text line per row, so nothing wraps whatever the terminal does. Rows
 * scroll to keep the cursor in view; widths are the caller's (see `fitColumns`).
 */
export function Table(props: TableProps) {
  const { columns, rows, height, cursorRow, cursorColumn, focused = true, cellCursor = false } = props;
  const headerLines = Math.max(1, ...columns.map((c) => c.header.length));
  const { start, end } = scrollWindow(rows.length, cursorRow, Math.max(0, height));
  const visible = rows.slice(start, end);
  return (
    <Box flexDirection="column">
      {Array.from({ length: headerLines }, (_, line) => (
        <Text key={`h${line}`} color={theme.muted} wrap="truncate">
          {'  '}
          {columns
            .map((column, c) => {
              const text = column.header[column.header.length - headerLines + line] ?? '';
              return framed(text, column, focused && c === cursorColumn && line === headerLines - 1);
            })
            .join('')}
        </Text>
      ))}
      {rows.length === 0 ? (
        <Text color={theme.muted}>{`  ${props.empty ?? 'nothing here'}`}</Text>
      ) : (
        visible.map((row, i) => {
          const index = start + i;
          const current = focused && index === cursorRow;
          return (
            <Text key={row.key} wrap="truncate" bold={current && !cellCursor}>
              <Text color={theme.accent}>{current ? `${marks.cursor} ` : '  '}</Text>
              {columns.map((column, c) => {
                const cell = row.cells[c] ?? { text: '' };
                const selected = cellCursor && current && c === cursorColumn;
                return (
                  <Text
                    key={column.id}
                    color={cell.color}
                    bold={cell.bold}
                    dimColor={cell.dim}
                    inverse={selected}
                  >
                    {framed(cell.text, column, selected)}
                  </Text>
                );
              })}
            </Text>
          );
        })
      )}
    </Box>
  );
}
