import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/ui/app/App.js';
import { keys, lineWith, renderUi } from './ink-helpers.js';
import { fakeBackend } from './ui-fixture.js';

afterEach(cleanup);

async function openRun(run: string, size = { columns: 100, rows: 40 }) {
  const backend = fakeBackend();
  const onExit = vi.fn();
  const ui = await renderUi(
    <App backend={backend} initial={[{ screen: 'home' }, { screen: 'run', run }]} onExit={onExit} />,
    { size },
  );
  return { ui, backend, onExit };
}

/** The table's rows, in display order, by layer name. */
function layerOrder(frame: string): string[] {
  return frame
    .split('\n')
    .map((line) => /^[› ] +\[?[▶ ] (conv1|conv2|pool3)[ \]]/.exec(line)?.[1])
    .filter((l) => l !== undefined);
}

describe('RunScreen (finished run)', () => {
  it('shows the layer × head table of the latest val accuracy, best per layer marked, and the chart', async () => {
    const { ui } = await openRun('run-7');
    const frame = ui.frame();
    expect(frame).toContain('run-7 ✔ done');
    expect(frame).toContain('Val accuracy · 3 layers × 2 configs · sorted by depth');
    expect(lineWith(frame, 'l2=1e-4')).toMatch(/l2=0 +l2=1e-4/);
    expect(lineWith(frame, 'conv1')).toMatch(/^› +\[ {2}conv1 *\] +64\.0% +60\.0% +64\.0%\*$/);
    expect(lineWith(frame, 'conv2')).toMatch(/conv2 +77\.0% +76\.0% +77\.0%\*$/);
    expect(lineWith(frame, 'pool3')).toMatch(/▶ pool3 +91\.3% +91\.3%\* +90\.0%$/);
    expect(frame).toMatch(/Best val accuracy by layer \(\d+(\.\d)?–\d+(\.\d)?%\)/);
    expect(frame).not.toContain('(0–100%)');
    const chart = frame.slice(frame.indexOf('Best val accuracy by layer'));
    expect(lineWith(chart, 'pool3')).toMatch(/^▶ pool3 +91\.3% █+/);
    expect(lineWith(chart, 'conv1')).toMatch(/^ {2}conv1 +64\.0% █+/);
    expect(layerOrder(frame)).toEqual(['conv1', 'conv2', 'pool3']);
  });

  it('sorts by any column (best first, again worst first), and by depth again from the layer column', async () => {
    const { ui } = await openRun('run-7');
    await ui.press('l', 's');
    let frame = ui.frame();
    expect(frame).toContain('sorted by best');
    expect(layerOrder(frame)).toEqual(['pool3', 'conv2', 'conv1']);
    await ui.press('s');
    expect(layerOrder(ui.frame())).toEqual(['conv1', 'conv2', 'pool3']);
    // the second head column: lr=0.01 l2=1e-4
    await ui.press('l', 'l', 's');
    frame = ui.frame();
    expect(frame).toContain('sorted by linear lr=0.01 l2=1e-4');
    expect(layerOrder(frame)).toEqual(['pool3', 'conv2', 'conv1']);
    await ui.press('h', 'h', 'h', 's', 's');
    expect(ui.frame()).toContain('sorted by layer');
    expect(layerOrder(ui.frame())).toEqual(['pool3', 'conv2', 'conv1']);
  });

  it('m switches the metric: losses mark the lowest value best; test accuracy once the run is over', async () => {
    const { ui } = await openRun('run-7');
    await ui.press('m');
    expect(ui.frame()).toContain('Best val accuracy (any epoch)');
    expect(lineWith(ui.frame(), 'conv2')).toMatch(/conv2 +78\.0% +78\.0%\* +77\.0%$/);
    await ui.press('m');
    expect(ui.frame()).toContain('Val loss ·');
    expect(lineWith(ui.frame(), 'conv2')).toMatch(/conv2 +0\.7 +0\.9 +0\.7\*$/);
    await ui.press('m', 'm');
    expect(ui.frame()).toContain('Test accuracy ·');
    expect(lineWith(ui.frame(), 'pool3')).toMatch(/pool3 +90\.8% +90\.8%\* +–$/);
  });

  it('filters layers or head configs by name', async () => {
    const { ui } = await openRun('run-7');
    await ui.press('/', 'c', 'o', 'n', 'v', keys.enter);
    expect(layerOrder(ui.frame())).toEqual(['conv1', 'conv2']);
    await ui.press(keys.escape, '/', 'l', 'r', '=', '0', '.', '0', '1', keys.enter);
    const frame = ui.frame();
    expect(frame).toContain('3 layers × 1 configs');
    expect(lineWith(frame, 'conv2')).toMatch(/conv2 +77\.0% +77\.0%\*$/);
  });

  it('Enter opens the selected model; Esc comes back to the table as it was; q quits', async () => {
    const { ui, onExit } = await openRun('run-7');
    await ui.press('l', 's', 'l');
    await ui.press(keys.enter);
    let frame = ui.frame();
    expect(frame).toContain('m4 pool3 linear lr=0.1 l2=0');
    expect(frame).toContain('[Curves]');
    expect(frame).toContain('Loss  * train loss  o val loss');
    await ui.press(keys.escape);
    frame = ui.frame();
    expect(frame).toContain('sorted by best');
    expect(lineWith(frame, 'pool3')).toMatch(/^› /);
    await ui.press('q');
    expect(onExit).toHaveBeenCalledWith(0);
  });

  it('refuses to steer a finished run, saying why', async () => {
    const { ui, backend } = await openRun('run-7');
    await ui.press('l', 'l', 'x');
    expect(ui.frame()).toContain('the run has ended: steering applies to running runs');
    expect(backend.sent).toEqual([]);
  });
});

describe('RunScreen (running run): steering', () => {
  it('shows progress with rate and ETA, per-worker activity, and the steering keys', async () => {
    const { ui } = await openRun('run-8', { columns: 120, rows: 40 });
    const frame = ui.frame();
    expect(frame).toContain('run-8 ● training');
    expect(lineWith(frame, 'Training')).toMatch(
      /Training {2}.+ 67% +epoch 2 of 2 · units 2\/6 · 3,200 ex\/s · ETA 0:01/,
    );
    expect(frame).toMatch(/w0 group 2 on shard 0 +w1 group 0 on shard 1/);
    expect(frame).toContain('x stop · r resume · c clone · a add');
  });

  it('shows the run’s latest warning under its title', async () => {
    const { ui, backend } = await openRun('run-8');
    backend.followers.get('run-8')!.push({ type: 'log', level: 'warn', message: 'worker: low memory' });
    const frame = await ui.waitFor('warning: worker: low memory');
    expect(frame.split('\n')[2]).toBe('warning: worker: low memory');
  });

  it('x stops the selected config: sent, then confirmed when the trainer applies it', async () => {
    const { ui, backend } = await openRun('run-8');
    await ui.press('l', 'l', 'x');
    expect(backend.sent).toEqual([{ run: 'run-8', command: { op: 'stop', model: 'm0' }, id: 'cmd-1' }]);
    expect(ui.frame()).toContain('… stop m0 · sent, waiting for the next epoch boundary');
    backend.followers
      .get('run-8')!
      .push({ type: 'train.control', id: 'cmd-1', op: 'stop', model: 'm0', applied: true, epoch: 2 });
    const frame = await ui.waitFor('✔ stop m0 · applied after epoch 2');
    expect(lineWith(frame, 'conv1')).toMatch(/55\.0%‖/);
    // a stopped model cannot be stopped again; r resumes it
    await ui.press('x');
    expect(ui.frame()).toContain('m0 is not training (stopped); r resumes it');
    await ui.press('r');
    expect(backend.sent.at(-1)?.command).toEqual({ op: 'resume', model: 'm0' });
  });

  it('confirms from the acknowledgement file too, and shows refusals with their reason', async () => {
    const { ui, backend } = await openRun('run-8');
    await ui.press('l', 'l', 'j', 'x');
    expect(backend.sent[0]?.command).toEqual({ op: 'stop', model: 'm2' });
    backend.acks.set('cmd-1', { id: 'cmd-1', applied: false, reason: 'm2 is already stopped' });
    await ui.waitFor('✘ stop m2 · refused: m2 is already stopped');
  });

  it('c clones with changed hyper-parameters: only the changes are sent', async () => {
    const { ui, backend } = await openRun('run-8');
    await ui.press('l', 'l', 'c');
    let frame = ui.frame();
    expect(frame).toContain('clone m0 (conv1 linear lr=0.1 l2=0) · starts from its weights');
    expect(lineWith(frame, 'lr ')).toMatch(/^› lr +0\.1▏$/);
    await ui.press(keys.enter);
    expect(ui.frame()).toContain('✘ change at least one setting to clone');
    await ui.press(keys.backspace, keys.backspace, keys.backspace, '0', '.', '0', '5');
    frame = ui.frame();
    expect(lineWith(frame, 'lr ')).toContain('0.05▏ (was 0.1)');
    await ui.press(keys.enter);
    expect(backend.sent[0]?.command).toEqual({ op: 'clone', model: 'm0', changes: { lr: 0.05 } });
    expect(ui.frame()).toContain('… clone m0 lr=0.05 · sent');
    backend.followers.get('run-8')!.push({
      type: 'train.control',
      id: 'cmd-1',
      op: 'clone',
      model: 'm0',
      applied: true,
      epoch: 2,
      models: [{ id: 'm6', layer: 'conv1', head: 'linear lr=0.05 l2=0' }],
    });
    frame = await ui.waitFor('✔ clone m0 lr=0.05 · applied after epoch 2 → m6');
    expect(frame).toContain('3 layers × 3 configs');
  });

  it('a adds a config on a layer chosen from the run; Esc cancels a form', async () => {
    const { ui, backend } = await openRun('run-8');
    await ui.press('a');
    expect(ui.frame()).toContain('add a config on a layer');
    expect(lineWith(ui.frame(), 'layer  ')).toMatch(/› layer +‹ conv1 ›/);
    await ui.press(keys.escape);
    expect(ui.frame()).not.toContain('add a config on a layer');
    await ui.press('a', keys.right, keys.tab, keys.right, keys.enter);
    expect(backend.sent[0]?.command).toEqual({
      op: 'add',
      layer: 'conv2',
      // the settings of the selected model (conv1's best so far: m1), as a starting point
      head: { type: 'mlp', hidden: '128', lr: 0.01, l2: 0.0001, dropout: 0 },
    });
  });
});
