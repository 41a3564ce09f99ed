import type { ReportModel } from './report-model.js';
import type { ResultRow } from './results-table.js';

/** The rows of one run, best validation value first. */
export function runRows(model: ReportModel): ResultRow[] {
  return model.models
    .map((m) => ({
      run: model.run.id,
      model: m.id,
      layer: m.layer,
      head: m.label,
      status: m.status,
      epochs: m.valAccuracy.length,
      value: m.finalValue,
      test: m.testAccuracy,
      best: m.id === model.best.id,
    }))
    .sort((a, b) => b.value - a.value);
}
