import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelScreen } from '../../src/ui/model/ModelScreen.js';
import { keys, lineWith, navigationSpy, renderUi } from './ink-helpers.js';
import { finishedRun, trainingRun } from './run-fixture.js';
import { finishedDetail, replayed } from './ui-fixture.js';

afterEach(cleanup);

const size = { columns: 100, rows: 36 };

async function model(id: string, actions = finishedRun, detail = finishedDetail) {
  const navigation = navigationSpy();
  const ui = await renderUi(
    <ModelScreen modelId={id} state={replayed(actions)} detail={detail} width={100} height={35} active />,
    { navigation, size },
  );
  return { ui, navigation };
}

describe('ModelScreen', () => {
  it('opens on the learning curves: train and val loss, val accuracy, per epoch', async () => {
    const { ui } = await model('m4');
    const frame = ui.frame();
    expect(frame.split('\n')[0]).toBe('m4 pool3 linear lr=0.1 l2=0');
    expect(frame).toContain('[Curves] Confusion  Config  Visits  Checkpoint');
    expect(frame).toContain('Loss  * train loss  o val loss');
    expect(frame).toContain('Validation  + val accuracy');
    expect(lineWith(frame, '91.3% ┤')).toMatch(/91\.3% ┤ +\++$/);
    expect(lineWith(frame, '86.0% ┤')).toMatch(/86\.0% ┤\++ *$/);
    expect(frame).toMatch(/epoch 1 +2/);
    expect(frame).toContain('epoch 2: train loss 0.3 · val loss 0.4 · val accuracy 91.3%');
  });

  it('tabs through confusion matrix, config, visit order and checkpoint', async () => {
    const { ui } = await model('m4');
    await ui.press('l');
    let frame = ui.frame();
    expect(frame).toContain(
      'Confusion matrix on the test split · rows true, columns predicted · accuracy 91.0%',
    );
    expect(lineWith(frame, 'recall')).toMatch(/solid +stripes +dots +recall/);
    expect(frame.split('\n').find((line) => line.startsWith('stripes'))).toMatch(
      /^stripes +8 +125 +2 +92\.6%$/,
    );
    await ui.press('l');
    frame = ui.frame();
    expect(lineWith(frame, 'status')).toMatch(/status +trained to the end/);
    expect(lineWith(frame, 'test accuracy')).toMatch(/test accuracy +90\.8%/);
    expect(lineWith(frame, 'lrSchedule')).toMatch(/lrSchedule +cosine/);
    expect(lineWith(frame, 'feature set')).toMatch(/feature set +key-pool3/);
    await ui.press('l');
    frame = ui.frame();
    expect(lineWith(frame, 'epoch   1')).toMatch(/epoch {3}1 {2}group 2 {2}shards 1 → 0 with m5/);
    expect(lineWith(frame, 'epoch   2')).toMatch(/shards 0 → 1 with m5/);
    await ui.press('l');
    frame = ui.frame();
    expect(frame).toContain('Snapshot (every model, at an epoch boundary)');
    expect(lineWith(frame, 'W0')).toMatch(/W0 +\[64, 3\]/);
    expect(frame).not.toContain('[16, 3]');
    await ui.press('l');
    expect(ui.frame()).toContain('[Curves]');
  });

  it('says when there is no confusion matrix, and while no epoch has finished', async () => {
    const { ui } = await model('m0');
    await ui.press('l');
    expect(ui.frame()).toContain('the trainer recorded a confusion matrix for the best model (m4) only');
    const running = await model('m1', trainingRun.slice(0, 4), { heads: {}, visits: [], checkpoints: [] });
    expect(running.ui.frame()).toContain('no epoch has finished for this model yet');
    await running.ui.press('l');
    expect(running.ui.frame()).toContain('the confusion matrix is computed when the run ends');
  });

  it('Esc goes back, q quits', async () => {
    const { ui, navigation } = await model('m4');
    await ui.press(keys.escape, 'q');
    expect(navigation.back).toHaveBeenCalledTimes(1);
    expect(navigation.quit).toHaveBeenCalledTimes(1);
  });

  it('names a model the run does not have', async () => {
    const { ui } = await model('m99');
    expect(ui.frame()).toContain('no model m99 in this run');
  });
});
