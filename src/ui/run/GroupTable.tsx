import { truncateMiddle } from '../common/fit.js';
import { Table, type TableColumn } from '../common/Table.js';
import { formatPercent } from '../format.js';
import { marks, theme } from '../theme.js';
import type { GroupMatrixRow } from './group-matrix.js';

export interface GroupTableProps {
  rows: readonly GroupMatrixRow[];
  layers: readonly string[];
  width: number;
  height: number;
  cursorRow: number;
  focused: boolean;
}

const GROUP_WIDTH = 14;
const CELL_WIDTH = 9;
/** the own-vs-shared columns on the right: the group's own best head and the shared head, test metric */
const TAIL = 2 * (CELL_WIDTH + 2);

/**
 * A grouped run's group × layer table: each cell a group's best validation metric at that layer,
 * the group's best layer marked, then its own best head's and the shared head's test metric. Layers
 * that do not fit the width are left out from the deep end, and the title says how many.
 */
export function GroupTable(props: GroupTableProps) {
  const fit = Math.max(1, Math.floor((props.width - GROUP_WIDTH - 2 - TAIL) / (CELL_WIDTH + 2)));
  const shown = props.layers.slice(0, fit);
  const columns: TableColumn[] = [
    { id: 'group', header: ['group'], width: GROUP_WIDTH },
    ...shown.map((layer) => ({
      id: `l:${layer}`,
      header: [truncateMiddle(layer, CELL_WIDTH)],
      width: CELL_WIDTH,
      align: 'right' as const,
    })),
    { id: 'own', header: ['own'], width: CELL_WIDTH, align: 'right' },
    { id: 'shared', header: ['shared'], width: CELL_WIDTH, align: 'right' },
  ];
  const rows = props.rows.map((row) => ({
    key: row.group,
    cells: [
      { text: truncateMiddle(row.group, GROUP_WIDTH) },
      ...shown.map((_, i) => {
        const best = i === row.best;
        const text = `${formatPercent(row.cells[i])}${best ? marks.bestCell : ''}`;
        return { text, color: best ? theme.best : undefined, bold: best, dim: row.cells[i] === undefined };
      }),
      {
        text: formatPercent(row.ownTest),
        bold: (row.ownTest ?? -1) > (row.sharedTest ?? Infinity),
        color: (row.ownTest ?? -1) > (row.sharedTest ?? Infinity) ? theme.best : undefined,
      },
      { text: formatPercent(row.sharedTest) },
    ],
  }));
  return (
    <Table
      columns={columns}
      rows={rows}
      height={props.height}
      cursorRow={props.cursorRow}
      focused={props.focused}
      empty="no trained groups"
    />
  );
}
