import { describe, expect, it } from 'vitest';
import {
  availableMetrics,
  buildMatrix,
  filterMatrix,
  matrixModels,
  metricValue,
  modelAt,
  sortMatrixRows,
} from '../../src/ui/run/results-matrix.js';
import { finishedRun, trainingRun } from './run-fixture.js';
import { finishedDetail, replayed } from './ui-fixture.js';

const finished = matrixModels(replayed(finishedRun).training.models, finishedDetail.outcome?.models);
const values = (rows: ReturnType<typeof sortMatrixRows>) =>
  rows.map((r) => [r.layer, ...r.cells.map((c) => c?.value)]);

describe('the run table (layer × head configuration)', () => {
  it('has one row per layer in depth order and one column per head, each cell the latest value', () => {
    const matrix = buildMatrix(finished, 'valAccuracy');
    expect(matrix.heads).toEqual(['linear lr=0.1 l2=0', 'linear lr=0.01 l2=1e-4']);
    expect(values(matrix.rows)).toEqual([
      ['conv1', 0.6, 0.64],
      ['conv2', 0.76, 0.77],
      ['pool3', 0.913, 0.9],
    ]);
    expect(matrix.rows.map((r) => r.best?.model.id)).toEqual(['m1', 'm3', 'm4']);
  });

  it('takes the best epoch, losses (lowest best) and, once over, test accuracy', () => {
    expect(buildMatrix(finished, 'bestValAccuracy').rows[1]!.best?.value).toBe(0.78);
    const loss = buildMatrix(finished, 'valLoss');
    expect(loss.metric.higherIsBetter).toBe(false);
    expect(loss.rows.map((r) => r.best?.model.id)).toEqual(['m0', 'm3', 'm4']);
    const test = buildMatrix(finished, 'testAccuracy');
    expect(values(test.rows)[2]).toEqual(['pool3', 0.908, undefined]);
  });

  it('offers the metrics the run has, its ranking metric first', () => {
    expect(availableMetrics(finished, 'accuracy')).toEqual([
      'valAccuracy',
      'bestValAccuracy',
      'valLoss',
      'trainLoss',
      'testAccuracy',
    ]);
    const running = matrixModels(replayed(trainingRun).training.models);
    expect(availableMetrics(running, 'accuracy')).not.toContain('testAccuracy');
    const withF1 = running.map((m) => ({
      ...m,
      state: { ...m.state, history: m.state.history.map((p) => ({ ...p, valMacroF1: 0.5 })) },
    }));
    expect(availableMetrics(withF1, 'macro_f1').slice(0, 2)).toEqual(['valMacroF1', 'valAccuracy']);
    expect(metricValue(withF1[0]!, 'valMacroF1')).toBe(0.5);
  });

  it('sorts by any column best first (reversed: worst first), rows without a value last', () => {
    const matrix = buildMatrix(finished, 'valAccuracy');
    expect(sortMatrixRows(matrix, { column: 'best', reversed: false }).map((r) => r.layer)).toEqual([
      'pool3',
      'conv2',
      'conv1',
    ]);
    expect(sortMatrixRows(matrix, { column: 'best', reversed: true }).map((r) => r.layer)).toEqual([
      'conv1',
      'conv2',
      'pool3',
    ]);
    expect(
      sortMatrixRows(matrix, { column: 'linear lr=0.01 l2=1e-4', reversed: false }).map((r) => r.layer),
    ).toEqual(['pool3', 'conv2', 'conv1']);
    expect(sortMatrixRows(matrix, { column: 'layer', reversed: true }).map((r) => r.layer)).toEqual([
      'pool3',
      'conv2',
      'conv1',
    ]);
    const losses = buildMatrix(finished, 'valLoss');
    expect(sortMatrixRows(losses, { column: 'best', reversed: false })[0]!.layer).toBe('pool3');
    const partial = buildMatrix(
      matrixModels(replayed(trainingRun.slice(0, 4)).training.models),
      'valAccuracy',
    );
    expect(sortMatrixRows(partial, { column: 'best', reversed: false }).map((r) => r.layer)).toEqual([
      'conv1',
      'conv2',
      'pool3',
    ]);
  });

  it('filters by layer name or by head configuration', () => {
    const matrix = buildMatrix(finished, 'valAccuracy');
    expect(filterMatrix(matrix, 'CONV').rows.map((r) => r.layer)).toEqual(['conv1', 'conv2']);
    const byHead = filterMatrix(matrix, 'lr=0.1 ');
    expect(byHead.heads).toEqual(['linear lr=0.1 l2=0']);
    expect(byHead.rows.map((r) => r.best?.model.id)).toEqual(['m0', 'm2', 'm4']);
    expect(filterMatrix(matrix, 'nothing').rows).toEqual([]);
    expect(filterMatrix(matrix, '  ')).toBe(matrix);
  });

  it('a cell stands for its model; the layer and best columns for the best model of the row', () => {
    const row = buildMatrix(finished, 'valAccuracy').rows[0];
    expect(modelAt(row, 0)?.id).toBe('m1');
    expect(modelAt(row, 1)?.id).toBe('m1');
    expect(modelAt(row, 2)?.id).toBe('m0');
    expect(modelAt(row, 9)).toBeUndefined();
    expect(modelAt(undefined, 0)).toBeUndefined();
  });

  it('keeps models only the results file knows (an event log lost)', () => {
    const models = matrixModels([], finishedDetail.outcome?.models);
    expect(
      models.map((m) => [m.id, metricValue(m, 'valAccuracy'), metricValue(m, 'bestValAccuracy')]),
    ).toEqual([['m4', 0.913, 0.913]]);
  });
});
