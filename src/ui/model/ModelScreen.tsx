import { Box, Text } from 'ink';
import type { RunDetail } from '../backend.js';
import { useNavigation } from '../app/navigation.js';
import { useKeys } from '../app/use-keys.js';
import { useLiveReducer } from '../app/use-live-reducer.js';
import { moveIndex } from '../common/cursor.js';
import { Footer } from '../common/Footer.js';
import { formatLoss, formatPercent } from '../format.js';
import type { RunState } from '../run-state.js';
import { marks, theme } from '../theme.js';
import { ConfusionView } from './ConfusionView.js';
import { checkpointLines, configLines, visitLines, type DetailLine } from './detail-lines.js';
import { CHART_EXTRA_LINES, LineChart } from './LineChart.js';
import { modelDetail, type ModelDetail } from './model-detail.js';

const modelTabs = ['Curves', 'Confusion', 'Config', 'Visits', 'Checkpoint'] as const;

export interface ModelScreenProps {
  modelId: string;
  state: RunState;
  detail: RunDetail | undefined;
  width: number;
  height: number;
  active: boolean;
}

/** Title, tab bar, blank line, footer. */
const CHROME_LINES = 4;

function Curves({ model, width, height }: { model: ModelDetail; width: number; height: number }) {
  if (model.history.length === 0) {
    return <Text color={theme.muted}>no epoch has finished for this model yet</Text>;
  }
  const plotHeight = Math.max(3, Math.floor((height - 2 * CHART_EXTRA_LINES - 1) / 2));
  const points = (pick: (p: (typeof model.history)[number]) => number | undefined) =>
    model.history.flatMap((p) => {
      const y = pick(p);
      return y === undefined ? [] : [{ x: p.epoch, y }];
    });
  const f1 = points((p) => p.valMacroF1);
  const last = model.history.at(-1)!;
  return (
    <Box flexDirection="column">
      <LineChart
        title="Loss"
        width={width}
        plotHeight={plotHeight}
        formatY={formatLoss}
        series={[
          { name: 'train loss', glyph: '*', points: points((p) => p.trainLoss) },
          { name: 'val loss', glyph: 'o', points: points((p) => p.valLoss) },
        ]}
      />
      <LineChart
        title="Validation"
        width={width}
        plotHeight={plotHeight}
        formatY={(v) => formatPercent(v)}
        series={[
          { name: 'val accuracy', glyph: '+', points: points((p) => p.valAccuracy) },
          ...(f1.length > 0 ? [{ name: 'val macro-F1', glyph: 'x', points: f1 }] : []),
        ]}
      />
      <Text color={theme.muted} wrap="truncate">
        epoch {last.epoch}: train loss {formatLoss(last.trainLoss)} · val loss {formatLoss(last.valLoss)} ·
        val accuracy {formatPercent(last.valAccuracy)}
      </Text>
    </Box>
  );
}

function Lines({ lines, top, height }: { lines: readonly DetailLine[]; top: number; height: number }) {
  return (
    <Box flexDirection="column">
      {lines.slice(top, top + height).map((line, i) => (
        <Text key={i} bold={line.heading} color={line.muted ? theme.muted : undefined} wrap="truncate">
          {line.text}
        </Text>
      ))}
    </Box>
  );
}

/** One model: learning curves, confusion matrix, full config, visit order and checkpoints, as tabs. */
export function ModelScreen({ modelId, state, detail, width, height, active }: ModelScreenProps) {
  const navigation = useNavigation();
  const [view, setView, currentView] = useLiveReducer(
    (_: { tab: number; top: number }, next: { tab: number; top: number }) => next,
    () => ({ tab: 0, top: 0 }),
  );
  const model = modelDetail(modelId, state, detail);
  const body = height - CHROME_LINES;
  const linesOf = (tab: number) =>
    model === undefined
      ? []
      : tab === 2
        ? configLines(model, detail)
        : tab === 3
          ? visitLines(model)
          : tab === 4
            ? checkpointLines(model)
            : [];
  const { tab } = view;
  const lines = linesOf(tab);
  const maxTop = Math.max(0, lines.length - body);
  const top = Math.min(view.top, maxTop);

  useKeys(
    {
      intent: (intent) => {
        const live = currentView();
        if (intent === 'left' || intent === 'right' || intent === 'nextPane') {
          const step = intent === 'left' ? -1 : 1;
          setView({ tab: (live.tab + step + modelTabs.length) % modelTabs.length, top: 0 });
        } else if (intent === 'back') navigation.back();
        else if (intent === 'quit') navigation.quit();
        else if (intent === 'interrupt') navigation.interrupt();
        else if (intent === 'help') navigation.toggleHelp();
        else {
          const liveMax = Math.max(0, linesOf(live.tab).length - body);
          setView({ ...live, top: Math.min(liveMax, moveIndex(live.top, intent, liveMax + 1, body)) });
        }
      },
    },
    active,
  );

  if (model === undefined) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text color={theme.error}>no model {modelId} in this run</Text>
        <Box flexGrow={1} />
        <Footer width={width} hints={`Esc back · ${navigation.canQuit ? 'q quit' : 'Ctrl-C interrupt'}`} />
      </Box>
    );
  }
  const stopped = model.status === 'training' ? '' : ` ${marks.stopped} ${model.status}`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate">
        <Text bold color={theme.accent}>
          {model.id}
        </Text>{' '}
        <Text bold>{model.layer}</Text> {model.head}
        <Text color={theme.warn}>{stopped}</Text>
        <Text color={theme.muted}>{model.origin === undefined ? '' : ` · ${model.origin}`}</Text>
      </Text>
      <Text wrap="truncate">
        {modelTabs.map((name, i) => (
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
      <Box marginTop={1} flexDirection="column" height={body} overflow="hidden">
        {tab === 0 ? <Curves model={model} width={width} height={body} /> : null}
        {tab === 1 ? (
          model.confusion === undefined ? (
            <Text color={theme.muted} wrap="wrap">
              {detail?.outcome === undefined
                ? 'the confusion matrix is computed when the run ends'
                : `the trainer recorded a confusion matrix for the best model (${detail.outcome.bestModel}) only`}
            </Text>
          ) : (
            <ConfusionView {...model.confusion} width={width} />
          )
        ) : null}
        {tab >= 2 ? <Lines lines={lines} top={top} height={body} /> : null}
      </Box>
      <Footer
        width={width}
        hints={`←→ tab · ↑↓ scroll · Esc back to the table · ${navigation.canQuit ? 'q quit' : 'Ctrl-C interrupt'}`}
      />
    </Box>
  );
}
