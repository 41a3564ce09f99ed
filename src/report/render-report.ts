import { layerLabels } from '../core/layer-labels.js';
import { metricAxis } from '../core/metric-axis.js';
import type { ReportModel, ReportModelRow } from './report-model.js';
import { modelStatusText } from './results-table.js';
import { barChart, escapeHtml, lineChart } from './svg-charts.js';
import { triageSection } from './triage-section.js';
import { groupSection } from './group-charts.js';

const percent = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(1)}%`;

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1080px;color:#111827;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #e5e7eb;padding-bottom:.3rem}
.sub{color:#6b7280;margin-top:0}.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #e5e7eb;border-radius:8px;padding:.7rem 1rem;min-width:150px}
.card b{display:block;font-size:1.35rem}table{border-collapse:collapse;font-variant-numeric:tabular-nums}
th,td{padding:.25rem .6rem;border-bottom:1px solid #f3f4f6;text-align:left}th{background:#f9fafb}td.n{text-align:right}
tr.best td{background:#eff6ff;font-weight:600}.curves{display:flex;flex-wrap:wrap;gap:1.2rem}.curve h3{font-size:.95rem;margin:.4rem 0}
.confusion td{text-align:right;min-width:2.6rem}table.groups td{min-width:3.4rem}table.groups td.top{outline:2px solid #111827;outline-offset:-2px;font-weight:600}.confusion th{font-weight:500}
svg .label,svg .value,svg .tick,svg .legend{font:12px system-ui,sans-serif;fill:#374151}svg .grid{stroke:#e5e7eb}
svg .bar{fill:#93c5fd}svg .chance{stroke:#9ca3af;stroke-dasharray:4 3}svg .bar.best{fill:#2563eb}code{background:#f3f4f6;padding:0 .25rem;border-radius:3px}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{color:#6b7280}dd{margin:0;word-break:break-all}`;

/** Chance level of the ranking metric: 1/classes for accuracy; none claimed for macro F1. */
function chanceOf(model: ReportModel): number | undefined {
  const classes = model.dataset.classNames.length;
  return model.result.metric === 'accuracy' && classes > 1 ? 1 / classes : undefined;
}

function layerChart(model: ReportModel, labels: ReadonlyMap<string, string>): string {
  const bars = model.result.layers.map((l) => ({
    label: labels.get(l.layer) ?? l.layer,
    name: l.layer,
    value: l.best.value,
    highlight: l.layer === model.result.best.layer,
  }));
  const chance = chanceOf(model);
  const axis = metricAxis(
    bars.map((b) => b.value),
    { unit: true, ...(chance === undefined ? {} : { chance }) },
  );
  return barChart(bars, `best validation ${model.result.metric} by layer`, axis);
}

function resultsTable(model: ReportModel): string {
  const rows = [...model.models].sort((a, b) => b.finalValue - a.finalValue);
  const body = rows
    .map(
      (m) =>
        `<tr${m.id === model.best.id ? ' class="best"' : ''}><td>${escapeHtml(m.id)}</td><td>${escapeHtml(m.layer)}</td><td>${escapeHtml(m.label)}</td><td>${escapeHtml(modelStatusText(m.status))}</td><td class="n">${m.valAccuracy.length}</td><td class="n">${percent(m.finalValue)}</td><td class="n">${percent(m.testAccuracy)}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>model</th><th>layer</th><th>head</th><th>status</th><th>epochs</th><th>val ${escapeHtml(model.result.metric)}</th><th>test accuracy</th></tr></thead><tbody>${body}</tbody></table>`;
}

/** The best head of each of the top layers: their learning curves side by side. */
function curves(model: ReportModel, labels: ReadonlyMap<string, string>, count = 4): string {
  const classes = model.dataset.classNames.length;
  const chance = classes > 1 ? { chance: 1 / classes } : {};
  const bestPerLayer = new Map<string, ReportModelRow>();
  for (const m of [...model.models].sort((a, b) => b.finalValue - a.finalValue))
    if (!bestPerLayer.has(m.layer)) bestPerLayer.set(m.layer, m);
  return [...bestPerLayer.values()]
    .slice(0, count)
    .map(
      (m) =>
        `<div class="curve"><h3 title="${escapeHtml(m.layer)}">${escapeHtml(labels.get(m.layer) ?? m.layer)} · ${escapeHtml(m.label)}</h3>${lineChart(
          [
            { name: 'train loss', values: m.trainLoss },
            { name: 'val loss', values: m.valLoss, dashed: true },
          ],
          { title: `loss of ${m.id}` },
        )}${lineChart([{ name: 'val accuracy', values: m.valAccuracy }], { title: `validation accuracy of ${m.id}`, unit: true, ...chance })}</div>`,
    )
    .join('');
}

function confusion(model: ReportModel): string {
  const names = model.dataset.classNames;
  const matrix = model.best.confusion;
  const max = Math.max(1, ...matrix.flat());
  const head = `<tr><th>true \\ predicted</th>${matrix.map((_, j) => `<th>${escapeHtml(names[j] ?? String(j))}</th>`).join('')}</tr>`;
  const rows = matrix
    .map((row, i) => {
      const cells = row.map((count, j) => {
        const alpha = (count / max) * 0.85;
        const colour =
          i === j ? `rgba(37,99,235,${alpha.toFixed(3)})` : `rgba(220,38,38,${alpha.toFixed(3)})`;
        return `<td style="background:${colour};color:${alpha > 0.5 ? '#fff' : '#111827'}">${count}</td>`;
      });
      return `<tr><th>${escapeHtml(names[i] ?? String(i))}</th>${cells.join('')}</tr>`;
    })
    .join('');
  return `<table class="confusion">${head}${rows}</table>`;
}

function provenance(model: ReportModel): string {
  const entries: [string, string | undefined][] = [
    ['run', `${model.run.id} (${model.run.command}, ${model.run.status})`],
    ['started', model.run.startedAt],
    ['ended', model.run.endedAt],
    ['model', model.model.ref],
    ['model digest', model.model.digest],
    ['data', model.dataset.ref],
    ['dataset digest', model.dataset.digest],
    ['records', model.dataset.records?.toLocaleString('en-US')],
    ['store', model.result.store],
    ['preprocessing', model.preprocessing ? JSON.stringify(model.preprocessing) : undefined],
    ['seed', model.run.seed?.toString()],
    ['epochs', model.run.epochs?.toString()],
    ['workers', model.run.workers?.toString()],
    ...Object.entries(model.versions).map(([k, v]): [string, string] => [k, v]),
  ];
  return `<dl>${entries
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd><code>${escapeHtml(v)}</code></dd>`)
    .join('')}</dl>`;
}

/** The whole report as one self-contained HTML document: inline CSS and SVG, no scripts or links. */
export function renderReportHtml(model: ReportModel): string {
  const { result } = model;
  const best = result.best;
  const title = `layerlab report · ${model.run.id}`;
  const labels = layerLabels(result.layers.map((l) => l.layer));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<h1>Which layer transfers best?</h1>
<p class="sub">${escapeHtml(model.model.ref)} on ${escapeHtml(model.dataset.ref)} · run ${escapeHtml(model.run.id)}</p>
<div class="cards">
<div class="card" title="${escapeHtml(best.layer)}">best layer<b>${escapeHtml(labels.get(best.layer) ?? best.layer)}</b></div>
<div class="card">validation ${escapeHtml(result.metric)}<b>${percent(best.value)}</b></div>
<div class="card">test accuracy<b>${percent(best.test)}</b></div>
<div class="card">models trained<b>${model.models.length}</b></div>
<div class="card">time<b>${result.seconds.total.toFixed(1)} s</b>${result.cached ? 'features reused' : 'features computed'}</div>
</div>
<h2>Best validation ${escapeHtml(result.metric)} by layer</h2>
${layerChart(model, labels)}
${triageSection(result.triage)}
${groupSection(
  model.groups,
  result.layers.map((l) => l.layer),
  labels,
  result.metric,
)}
<h2>Learning curves of the best heads</h2>
<div class="curves">${curves(model, labels)}</div>
<h2>Confusion matrix of the best head (${model.best.split} split)</h2>
${confusion(model)}
<h2>All models</h2>
${resultsTable(model)}
<h2>Provenance</h2>
${provenance(model)}
</body></html>
`;
}
