import { Box, Text } from 'ink';
import { useBackend } from '../app/backend-context.js';
import { useNavigation } from '../app/navigation.js';
import { usePolled } from '../app/use-polled.js';
import { useKeys } from '../app/use-keys.js';
import { useLiveReducer } from '../app/use-live-reducer.js';
import { fitColumns, sortRows, tableColumns } from '../common/columns.js';
import { moveIndex, windowLabel } from '../common/cursor.js';
import { Footer } from '../common/Footer.js';
import { cursorIndex, initialListView, reduceListView, type ListView } from '../common/list-view.js';
import { Table } from '../common/Table.js';
import { formatBytes } from '../../core/format-bytes.js';
import { formatCount } from '../format.js';
import { theme } from '../theme.js';
import { defaultFeatureSetSort, featureSetColumns } from './feature-set-columns.js';
import { manifestLines } from './manifest-lines.js';

const tabs = ['Feature sets', 'Manifest'] as const;

interface StoreView {
  tab: number;
  list: ListView;
  /** first manifest line shown */
  top: number;
}

/** A store changes only while something extracts into it. */
const STORE_POLL_MS = 3000;

/** Title, summary, tab bar, blank line, footer. */
const CHROME_LINES = 5;

export interface StoreScreenProps {
  storeId: string;
  width: number;
  height: number;
  active: boolean;
}

/** One feature store: its feature sets (shape, dtype, size, state) and its manifest. */
export function StoreScreen({ storeId, width, height, active }: StoreScreenProps) {
  const backend = useBackend();
  const navigation = useNavigation();
  const store = usePolled(() => backend.storeDetail(storeId), STORE_POLL_MS, storeId);
  const [view, setView, currentView] = useLiveReducer(
    (_: StoreView, next: StoreView) => next,
    (): StoreView => ({ tab: 0, list: initialListView(defaultFeatureSetSort), top: 0 }),
  );
  const { tab, list } = view;

  const body = height - CHROME_LINES;
  const specs = fitColumns(featureSetColumns, width);
  const sets = sortRows(
    store.value?.featureSets ?? [],
    featureSetColumns.find((c) => c.id === list.sort.column),
    list.sort.reversed,
  );
  const keys = sets.map((s) => s.key);
  const cursor = cursorIndex(list, keys);
  const lines = store.value === undefined ? [] : manifestLines(store.value);
  const maxTop = Math.max(0, lines.length - body);
  const top = Math.min(view.top, maxTop);

  useKeys(
    {
      intent: (intent) => {
        const live = currentView();
        if (intent === 'nextPane' || (live.tab === 1 && (intent === 'left' || intent === 'right'))) {
          setView({ ...live, tab: (live.tab + 1) % tabs.length });
        } else if (intent === 'back') navigation.back();
        else if (intent === 'quit') navigation.quit();
        else if (intent === 'interrupt') navigation.interrupt();
        else if (intent === 'help') navigation.toggleHelp();
        else if (live.tab === 1)
          setView({ ...live, top: Math.min(maxTop, moveIndex(live.top, intent, maxTop + 1, body)) });
        else {
          const context = { keys, columns: specs.map((c) => c.id), page: body };
          setView({ ...live, list: reduceListView(live.list, intent, context) });
        }
      },
    },
    active,
  );

  const summary = store.value?.summary;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate">
        <Text bold color={theme.accent}>
          {storeId}
        </Text>
        {summary === undefined ? null : (
          <Text color={theme.muted}>
            {' '}
            · {formatBytes(summary.sizeBytes)} on disk · {formatCount(summary.records)} records
          </Text>
        )}
      </Text>
      {store.error !== undefined ? (
        <Text color={theme.error} wrap="truncate">
          {store.error}
        </Text>
      ) : (
        <Text color={theme.muted} wrap="truncate">
          {summary === undefined ? 'reading…' : `${summary.backbone} on ${summary.dataset}`}
        </Text>
      )}
      <Box width={width} justifyContent="space-between">
        <Text wrap="truncate">
          {tabs.map((name, i) => (
            <Text
              key={name}
              bold={i === tab}
              color={i === tab ? theme.accent : theme.muted}
              inverse={i === tab}
            >
              {i === tab ? `[${name}]` : ` ${name} `}
            </Text>
          ))}
        </Text>
        <Text color={theme.muted}>{tab === 0 ? windowLabel(sets.length, cursor, body - 1) : ''}</Text>
      </Box>
      <Box marginTop={1} flexDirection="column" height={body} overflow="hidden">
        {tab === 0 ? (
          <Table
            columns={tableColumns(specs, list.sort)}
            rows={sets.map((s) => ({ key: s.key, cells: specs.map((c) => c.cell(s)) }))}
            height={body - 1}
            cursorRow={cursor}
            cursorColumn={list.column}
            empty="no feature sets in this store"
          />
        ) : (
          lines.slice(top, top + body).map((line, i) => (
            <Text key={i} bold={line.heading} wrap="truncate">
              {line.text}
            </Text>
          ))
        )}
      </Box>
      <Footer
        width={width}
        hints={`Tab ${tab === 0 ? 'manifest' : 'feature sets'} · ↑↓ move · ←→ column · s sort · Esc back · q quit`}
      />
    </Box>
  );
}
