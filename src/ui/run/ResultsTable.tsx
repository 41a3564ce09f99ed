import { truncateMiddle } from '../common/fit.js';
import { Table, type TableCell, type TableColumn } from '../common/Table.js';
import { marks, theme } from '../theme.js';
import { formatMetric } from './metric-format.js';
import type { MatrixLayout } from './matrix-layout.js';
import {
  FIRST_HEAD_COLUMN,
  type Matrix,
  type MatrixCell,
  type MatrixRow,
  type MatrixSort,
} from './results-matrix.js';

export interface ResultsTableProps {
  matrix: Matrix;
  /** rows in display order */
  rows: readonly MatrixRow[];
  layout: MatrixLayout;
  sort: MatrixSort;
  cursorRow: number;
  cursorColumn: number;
  /** the run's best layer, marked in the layer column */
  bestLayer?: string;
  height: number;
  focused: boolean;
}

function sortMark(sort: MatrixSort, column: string): string {
  if (sort.column !== column) return '';
  const natural = column === 'layer' ? marks.ascending : marks.descending;
  const flipped = natural === marks.ascending ? marks.descending : marks.ascending;
  return ` ${sort.reversed ? flipped : natural}`;
}

function valueCell(matrix: Matrix, cell: MatrixCell | undefined, best: boolean): TableCell {
  if (cell === undefined) return { text: '', dim: true };
  const stopped = cell.model.status !== 'training';
  const text = `${formatMetric(matrix.metric, cell.value)}${best ? marks.bestCell : ''}${stopped ? marks.stopped : ''}`;
  return { text, color: best ? theme.best : undefined, bold: best, dim: stopped && !best };
}

/** The layer × head-configuration table of one metric; the best cell of each row is marked. */
export function ResultsTable(props: ResultsTableProps) {
  const { matrix, rows, layout, sort } = props;
  const heads = matrix.heads.slice(layout.headStart, layout.headEnd);
  const columns: TableColumn[] = [
    { id: 'layer', header: [`layer${sortMark(sort, 'layer')}`], width: layout.layerWidth },
    { id: 'best', header: [`best${sortMark(sort, 'best')}`], width: layout.bestWidth, align: 'right' },
    ...heads.map((head, i) => {
      const lines = [...(layout.headerLines[layout.headStart + i] ?? [head])];
      lines[lines.length - 1] += sortMark(sort, head);
      return { id: `h:${head}`, header: lines, width: layout.headWidth, align: 'right' as const };
    }),
  ];
  const tableRows = rows.map((row) => ({
    key: row.layer,
    cells: [
      {
        text: `${row.layer === props.bestLayer ? marks.best : ' '} ${truncateMiddle(row.layer, layout.layerWidth - 4)}`,
        color: row.layer === props.bestLayer ? theme.best : undefined,
        bold: row.layer === props.bestLayer,
      },
      { text: formatMetric(matrix.metric, row.best?.value), color: theme.best },
      ...heads.map((_, i) => {
        const cell = row.cells[layout.headStart + i];
        return valueCell(matrix, cell, cell !== undefined && cell === row.best);
      }),
    ],
  }));
  const cursorColumn =
    props.cursorColumn < FIRST_HEAD_COLUMN ? props.cursorColumn : props.cursorColumn - layout.headStart;
  return (
    <Table
      columns={columns}
      rows={tableRows}
      height={props.height}
      cursorRow={props.cursorRow}
      cursorColumn={cursorColumn}
      cellCursor
      focused={props.focused}
      empty="no models yet: the table fills in as training starts"
    />
  );
}
