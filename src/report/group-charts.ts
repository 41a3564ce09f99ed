import { axisFraction, metricAxis } from '../core/metric-axis.js';
import type { GroupResults } from '../train/run-folder/group-results.js';
import { barChart, escapeHtml } from './svg-charts.js';

const percent = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(1)}%`;

/** The metric a group's own head and the shared head are compared on: test, else (no test records) val. */
function ownAndShared(group: GroupResults['groups'][number]): { own: number | null; shared: number | null } {
  return group.best.test !== null || group.shared.test !== null
    ? { own: group.best.test, shared: group.shared.test }
    : { own: group.best.val, shared: null };
}

/**
 * Per group two bars, its own best head (at its best layer) and the shared head, on one axis scaled
 * to all the values (`metricAxis`): whether a head of its own pays off, group by group.
 */
function ownVersusShared(groups: GroupResults, metric: string, chance?: number): string {
  const bars = groups.groups.flatMap((g) => {
    const { own, shared } = ownAndShared(g);
    return [
      ...(own === null ? [] : [{ label: `${g.name} · own (${g.best.layer})`, value: own, highlight: true }]),
      ...(shared === null ? [] : [{ label: `${g.name} · shared`, value: shared, highlight: false }]),
    ];
  });
  if (bars.length === 0) return '';
  const axis = metricAxis(
    bars.map((b) => b.value),
    { unit: true, ...(chance === undefined ? {} : { chance }) },
  );
  const split = groups.groups.some((g) => g.best.test !== null) ? 'test' : 'validation';
  return barChart(bars, `${split} ${metric}: each group's own best head vs the shared head`, axis);
}

/**
 * The group × layer grid as a heat map: per cell the group's best validation metric at that layer,
 * shaded along an axis scaled to the grid's values (`metricAxis`, so close values still differ in
 * shade), the group's best layer outlined; the shared head's test metric on the group beside it.
 */
function heatMap(
  groups: GroupResults,
  layers: readonly string[],
  labels: ReadonlyMap<string, string>,
): string {
  const values = groups.groups.flatMap((g) =>
    g.layers.map((l) => l.val).filter((v): v is number => v !== null),
  );
  if (values.length === 0) return '';
  const axis = metricAxis(values, { unit: true, below: 0 });
  const head = `<tr><th>group</th>${layers
    .map((l) => `<th title="${escapeHtml(l)}">${escapeHtml(labels.get(l) ?? l)}</th>`)
    .join('')}<th>shared head (test)</th></tr>`;
  const rows = groups.groups
    .map((g) => {
      const byLayer = new Map(g.layers.map((l) => [l.layer, l]));
      const cells = layers.map((layer) => {
        const cell = byLayer.get(layer);
        if (!cell || cell.val === null) return '<td>–</td>';
        const alpha = 0.08 + axisFraction(axis, cell.val) * 0.82;
        const best = layer === g.best.layer;
        return `<td class="n${best ? ' top' : ''}" style="background:rgba(37,99,235,${alpha.toFixed(3)});color:${
          alpha > 0.55 ? '#fff' : '#111827'
        }" title="${escapeHtml(`${g.name} · ${layer} · ${cell.id}`)}">${percent(cell.val)}</td>`;
      });
      return `<tr><th>${escapeHtml(g.name)}</th>${cells.join('')}<td class="n">${percent(g.shared.test)}</td></tr>`;
    })
    .join('');
  return `<table class="groups">${head}${rows}</table>
<p class="sub">Cells: the group's best validation metric at the layer (shaded from ${percent(axis.lo)} to ${percent(
    axis.hi,
  )}); outlined: the group's best layer.</p>`;
}

/** A run trained with `--groups`: how each data group's own heads compare with the shared head. */
export function groupSection(
  groups: GroupResults | undefined,
  layers: readonly string[],
  labels: ReadonlyMap<string, string>,
  metric: string,
  chance?: number,
): string {
  if (!groups || groups.groups.length === 0) return '';
  const skipped =
    groups.skipped.length > 0
      ? `<p class="sub">Skipped (under ${groups.minRecords} train records): ${groups.skipped
          .map((s) => `${escapeHtml(s.name)} (${s.records.train})`)
          .join(', ')}</p>`
      : '';
  return `<h2>Data groups: own heads vs the shared head</h2>
${ownVersusShared(groups, metric, chance)}
<h2>Data groups × layers (best validation ${escapeHtml(metric)})</h2>
${heatMap(groups, layers, labels)}
${skipped}`;
}
