import { Box, Text } from 'ink';
import type { RunListing, StoreSummary } from '../backend.js';
import { useBackend } from '../app/backend-context.js';
import { useNavigation } from '../app/navigation.js';
import { usePolled } from '../app/use-polled.js';
import { useKeys } from '../app/use-keys.js';
import { useLiveReducer } from '../app/use-live-reducer.js';
import { fitColumns, matchesFilter, sortRows, tableColumns, type ColumnSpec } from '../common/columns.js';
import { windowLabel } from '../common/cursor.js';
import { FilterLine } from '../common/FilterLine.js';
import { Footer } from '../common/Footer.js';
import { splitHeight } from '../common/layout.js';
import { cursorIndex, type ListView } from '../common/list-view.js';
import { Table } from '../common/Table.js';
import { theme } from '../theme.js';
import { initialHomeView, reduceHomeView, type HomePane, type HomeView } from './home-view.js';
import { runColumns, runFilterTexts } from './run-columns.js';
import { storeColumns, storeFilterTexts } from './store-columns.js';

/** How often the lists are read again: runs change while they train. */
const RUNS_POLL_MS = 1000;
const STORES_POLL_MS = 5000;

/** Title, blank, two section titles, two table headers, blank, footer. */
const CHROME_LINES = 8;

export interface HomeScreenProps {
  width: number;
  height: number;
  /** another layer (help) has the keyboard */
  active: boolean;
}

interface PaneModel<Row> {
  specs: ColumnSpec<Row>[];
  rows: Row[];
  keys: string[];
  cursor: number;
}

function paneModel<Row>(
  all: readonly Row[],
  specs: readonly ColumnSpec<Row>[],
  view: ListView,
  width: number,
  filter: string,
  texts: (row: Row) => string[],
  key: (row: Row) => string,
): PaneModel<Row> {
  const fitted = fitColumns(specs, width);
  const sortSpec = specs.find((c) => c.id === view.sort.column);
  const rows = sortRows(
    all.filter((row) => matchesFilter(filter, ...texts(row))),
    sortSpec,
    view.sort.reversed,
  );
  const keys = rows.map(key);
  return { specs: fitted, rows, keys, cursor: cursorIndex(view, keys) };
}

/** Home: the feature stores and the runs under the home folder, newest first; Enter opens one. */
export function HomeScreen({ width, height, active }: HomeScreenProps) {
  const backend = useBackend();
  const navigation = useNavigation();
  const runs = usePolled(() => backend.listRuns(), RUNS_POLL_MS);
  const stores = usePolled(() => backend.listStores(), STORES_POLL_MS);
  const [view, dispatch, currentView] = useLiveReducer(reduceHomeView, initialHomeView);

  /** Everything the screen shows for a view state: keys use the live one, rendering the latest. */
  const derive = (v: HomeView) => {
    const filter = v.filter.text;
    const storePane = paneModel<StoreSummary>(
      stores.value ?? [],
      storeColumns,
      v.stores,
      width,
      filter,
      storeFilterTexts,
      (s) => s.id,
    );
    const runPane = paneModel<RunListing>(
      runs.value ?? [],
      runColumns,
      v.runs,
      width,
      filter,
      runFilterTexts,
      (r) => r.meta.id,
    );
    const extra = (v.filter.editing || filter !== '' ? 1 : 0) + errors.length;
    const heights = splitHeight(
      Math.max(2, height - CHROME_LINES - extra),
      Math.max(1, storePane.rows.length),
      Math.max(1, runPane.rows.length),
    );
    const focused: PaneModel<unknown> = v.pane === 'stores' ? storePane : runPane;
    return { filter, storePane, runPane, heights, focused };
  };
  const errors = [stores.error, runs.error].filter((e) => e !== undefined);
  const { filter, storePane, runPane, heights } = derive(view);

  useKeys(
    {
      text: (edit) => (edit.kind === 'interrupt' ? navigation.interrupt() : dispatch({ type: 'text', edit })),
      textMode: () => currentView().filter.editing,
      intent: (intent) => {
        const live = currentView();
        const { focused, heights: liveHeights } = derive(live);
        if (intent === 'open') {
          const key = focused.keys[focused.cursor];
          if (key === undefined) return;
          navigation.open(
            live.pane === 'stores' ? { screen: 'store', store: key } : { screen: 'run', run: key },
          );
        } else if (intent === 'quit') navigation.quit();
        else if (intent === 'interrupt') navigation.interrupt();
        else if (intent === 'help') navigation.toggleHelp();
        else if (intent === 'back' && live.filter.text === '') navigation.back();
        else {
          const page = live.pane === 'stores' ? liveHeights.first : liveHeights.second;
          const context = { keys: focused.keys, columns: focused.specs.map((c) => c.id), page };
          dispatch({ type: 'intent', intent, context });
        }
      },
    },
    active,
  );

  const section = (pane: HomePane, title: string, count: number, total: number, label: string) => (
    <Box justifyContent="space-between" width={width}>
      <Text bold color={view.pane === pane ? theme.accent : undefined}>
        {view.pane === pane ? '▸ ' : '  '}
        {title} <Text color={theme.muted}>({count === total ? count : `${count} of ${total}`})</Text>
      </Text>
      <Text color={theme.muted}>{label}</Text>
    </Box>
  );

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate">
        <Text color={theme.accent}>layerlab</Text>
        <Text color={theme.muted}> · {backend.home}</Text>
      </Text>
      {errors.map((error) => (
        <Text key={error} color={theme.error} wrap="truncate">
          {error}
        </Text>
      ))}
      <Box marginTop={1}>
        {section(
          'stores',
          'Feature stores',
          storePane.rows.length,
          stores.value?.length ?? 0,
          windowLabel(storePane.rows.length, storePane.cursor, heights.first),
        )}
      </Box>
      <Table
        columns={tableColumns(storePane.specs, view.stores.sort)}
        rows={storePane.rows.map((s) => ({ key: s.id, cells: storePane.specs.map((c) => c.cell(s)) }))}
        height={heights.first}
        cursorRow={storePane.cursor}
        cursorColumn={view.stores.column}
        focused={view.pane === 'stores'}
        empty={
          filter === ''
            ? 'no feature stores yet: `layerlab demo` or `layerlab extract` makes one'
            : 'no match'
        }
      />
      <Box marginTop={1}>
        {section(
          'runs',
          'Runs',
          runPane.rows.length,
          runs.value?.length ?? 0,
          windowLabel(runPane.rows.length, runPane.cursor, heights.second),
        )}
      </Box>
      <Table
        columns={tableColumns(runPane.specs, view.runs.sort)}
        rows={runPane.rows.map((r) => ({ key: r.meta.id, cells: runPane.specs.map((c) => c.cell(r)) }))}
        height={heights.second}
        cursorRow={runPane.cursor}
        cursorColumn={view.runs.column}
        focused={view.pane === 'runs'}
        empty={filter === '' ? 'no runs yet: try `layerlab demo`' : 'no match'}
      />
      <Box flexGrow={1} />
      <FilterLine filter={view.filter} />
      <Footer
        width={width}
        hints="↑↓ move · Tab stores/runs · Enter open · ←→ column · s sort · / filter · q quit"
      />
    </Box>
  );
}
