import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/ui/app/App.js';
import type { GroupOutcome, RunDetail } from '../../src/ui/backend.js';
import { groupLayers, groupMatrix } from '../../src/ui/run/group-matrix.js';
import { lineWith, renderUi } from './ink-helpers.js';
import { fakeBackend } from './ui-fixture.js';

afterEach(cleanup);

/** Two data groups of run-7 whose best layers differ; one layer left out of `north`'s grid. */
const groups: GroupOutcome[] = [
  {
    name: 'north',
    best: { id: 'm2', layer: 'conv2', val: 0.92, test: 0.9 },
    layers: [
      { layer: 'conv1', val: 0.8 },
      { layer: 'conv2', val: 0.92 },
    ],
    shared: { id: 'm4', test: 0.85 },
  },
  {
    name: 'south',
    best: { id: 'm4', layer: 'pool3', val: 0.97, test: 0.95 },
    layers: [
      { layer: 'conv1', val: 0.7 },
      { layer: 'conv2', val: 0.81 },
      { layer: 'pool3', val: 0.97 },
    ],
    shared: { id: 'm4', test: 0.96 },
  },
];

async function openGroupedRun(withGroups = true) {
  const backend = fakeBackend();
  const plain = backend.detail('run-7');
  const detail: RunDetail = withGroups ? { ...plain, outcome: { ...plain.outcome!, groups } } : plain;
  backend.detail = (run) => (run === 'run-7' ? detail : plain);
  const ui = await renderUi(
    <App
      backend={backend}
      initial={[{ screen: 'home' }, { screen: 'run', run: 'run-7' }]}
      onExit={vi.fn()}
    />,
    { size: { columns: 100, rows: 40 } },
  );
  return ui;
}

describe('group × layer matrix', () => {
  it('puts each group’s best val metric per layer in depth order, its best layer, own and shared test', () => {
    const layers = groupLayers(groups, ['conv1', 'conv2', 'pool3']);
    expect(layers).toEqual(['conv1', 'conv2', 'pool3']);
    expect(groupMatrix(groups, layers)).toEqual([
      {
        group: 'north',
        cells: [0.8, 0.92, undefined],
        best: 1,
        bestVal: 0.92,
        ownTest: 0.9,
        sharedTest: 0.85,
      },
      { group: 'south', cells: [0.7, 0.81, 0.97], best: 2, bestVal: 0.97, ownTest: 0.95, sharedTest: 0.96 },
    ]);
  });

  it('v shows the group × layer table of a grouped run, the best layer per group marked; v again goes back', async () => {
    const ui = await openGroupedRun();
    expect(ui.frame()).toContain('v groups');
    await ui.press('v');
    const frame = ui.frame();
    expect(frame).toContain('Groups × layers: best val');
    expect(frame).toContain('2 groups × 3 layers');
    expect(lineWith(frame, 'pool3')).toMatch(/group +conv1 +conv2 +pool3 +own +shared$/);
    expect(lineWith(frame, 'north')).toMatch(/north +80\.0% +92\.0%\* +– +90\.0% +85\.0%/);
    expect(lineWith(frame, 'south')).toMatch(/south +70\.0% +81\.0% +97\.0%\* +95\.0% +96\.0%/);
    expect(frame).not.toContain('layers × 2 configs');
    await ui.press('v');
    expect(ui.frame()).toContain('Val accuracy · 3 layers × 2 configs');
  });

  it('says why when the run has no groups', async () => {
    const ui = await openGroupedRun(false);
    expect(ui.frame()).not.toContain('v groups');
    await ui.press('v');
    expect(ui.frame()).toContain('this run has no data groups: train with --groups');
    expect(ui.frame()).toContain('Val accuracy · 3 layers × 2 configs');
  });
});
