import type { TrainTriage } from '../core/result.js';
import { escapeHtml } from './svg-charts.js';

/** A run trained with `--triage K`: every scored feature set, best first, and whether it was trained. */
export function triageSection(triage: TrainTriage | undefined): string {
  if (!triage) return '';
  const rows = triage.layers
    .map(
      (l) =>
        `<tr${l.kept ? '' : ' class="out"'}><td class="n">${l.rank}</td><td>${escapeHtml(l.layer)}</td><td class="n">${
          l.score === null ? '–' : l.score.toPrecision(4)
        }</td><td>${l.kept ? 'trained' : l.sameAs === undefined ? 'triaged out' : `same features as ${escapeHtml(l.sameAs)}`}</td></tr>`,
    )
    .join('');
  return `<h2>Triage: ${escapeHtml(triage.method)}, top ${triage.keep} trained (${triage.seconds.toFixed(2)} s)</h2>
<table class="triage"><thead><tr><th>rank</th><th>layer</th><th>score</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The same as text under `layerlab results RUN`: the sets triage left out, with their scores. */
export function triageText(triage: TrainTriage | undefined): string {
  if (!triage) return '';
  const out = triage.layers.filter((l) => !l.kept);
  if (out.length === 0) return '';
  const listed = out.map(
    (l) =>
      `${l.layer} (${l.score === null ? '–' : l.score.toPrecision(4)}, rank ${l.rank}${
        l.sameAs === undefined ? '' : `, same features as ${l.sameAs}`
      })`,
  );
  return `\ntriaged out by ${triage.method} (top ${triage.keep} trained): ${listed.join(', ')}`;
}
