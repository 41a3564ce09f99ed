import { cleanup } from 'ink-testing-library';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HomeScreen } from '../../src/ui/home/HomeScreen.js';
import { keys, lineWith, navigationSpy, renderUi } from './ink-helpers.js';
import { fakeBackend, finishedListing, listing, meta } from './ui-fixture.js';
import { finishedRun } from './run-fixture.js';

beforeAll(() => {
  process.env.TZ = 'UTC';
});
afterEach(cleanup);

const size = { columns: 120, rows: 24 };

async function home(backend = fakeBackend()) {
  const navigation = navigationSpy();
  const ui = await renderUi(<HomeScreen width={size.columns} height={size.rows - 1} active />, {
    backend,
    navigation,
    size,
  });
  return { ui, navigation };
}

describe('HomeScreen', () => {
  it('lists the stores and the runs, newest run first, with status, progress and best so far', async () => {
    const { ui } = await home();
    const frame = ui.frame();
    expect(frame).toContain('layerlab · /home/ada/.cache/layerlab');
    expect(frame).toContain('Feature stores (1)');
    expect(lineWith(frame, 'builtin:shapes-cnn')).toMatch(
      /builtin:shapes-cnn +builtin:shapes +3 +2,000 +4\.7 MiB +11-21 09:00/,
    );
    expect(frame).toContain('▸ Runs (2)');
    const running = frame.indexOf('run-8');
    const done = frame.indexOf('run-7');
    expect(running).toBeGreaterThan(0);
    expect(running).toBeLessThan(done);
    expect(lineWith(frame, 'run-8')).toMatch(
      /^› +run-8 +● running +[█▏▎▍▌▋▊▉]+ +epoch 2\/2 +86\.0% +pool3 +demo/,
    );
    expect(lineWith(frame, 'run-7')).toMatch(/✔ done +█████ 2 epochs +91\.3% +pool3/);
    expect(frame).toContain('? help');
  });

  it('marks a run whose process vanished as stale', async () => {
    const stale = listing(
      meta('run-9', 'running', '2026-11-21T11:00:00.000Z'),
      finishedRun.slice(0, 4),
      true,
    );
    const { ui } = await home(fakeBackend({ runs: [stale, finishedListing] }));
    expect(lineWith(ui.frame(), 'run-9')).toContain('? stale');
  });

  it('opens the selected run with Enter, and a store after Tab', async () => {
    const { ui, navigation } = await home();
    await ui.press(keys.down, keys.enter);
    expect(navigation.open).toHaveBeenCalledWith({ screen: 'run', run: 'run-7' });
    await ui.press(keys.tab);
    expect(ui.frame()).toContain('▸ Feature stores');
    await ui.press(keys.enter);
    expect(navigation.open).toHaveBeenLastCalledWith({ screen: 'store', store: '3f2a9c1e' });
  });

  it('sorts by the selected column, again in reverse', async () => {
    const { ui } = await home();
    // best is the fourth column: run, status, progress, best
    await ui.press('l', 'l', 'l', 's');
    let frame = ui.frame();
    expect(lineWith(frame, 'best')).toContain('[best ↓]');
    expect(frame.indexOf('run-7')).toBeLessThan(frame.indexOf('run-8'));
    await ui.press('s');
    frame = ui.frame();
    expect(lineWith(frame, 'best')).toContain('best ↑');
    expect(frame.indexOf('run-8')).toBeLessThan(frame.indexOf('run-7'));
  });

  it('filters both lists as you type; Esc clears the filter, then goes back', async () => {
    const { ui, navigation } = await home();
    await ui.press('/', 'r', 'u', 'n', '-', '7');
    let frame = ui.frame();
    expect(frame).toContain('/ run-7▏');
    expect(frame).toContain('Runs (1 of 2)');
    expect(frame).not.toContain('run-8');
    expect(frame).toContain('Feature stores (0 of 1)');
    await ui.press(keys.enter);
    expect(ui.frame()).toContain('filter: run-7 (Esc clears)');
    await ui.press(keys.escape);
    frame = ui.frame();
    expect(frame).toContain('run-8');
    expect(navigation.back).not.toHaveBeenCalled();
    await ui.press(keys.escape);
    expect(navigation.back).toHaveBeenCalledTimes(1);
  });

  it('q quits, ? asks for help', async () => {
    const { ui, navigation } = await home();
    await ui.press('?', 'q');
    expect(navigation.toggleHelp).toHaveBeenCalledTimes(1);
    expect(navigation.quit).toHaveBeenCalledTimes(1);
  });

  it('says what to do when the home is empty', async () => {
    const empty = { ...fakeBackend({ runs: [] }), listStores: () => [] };
    const { ui } = await home(empty);
    expect(ui.frame()).toContain('no feature stores yet: `layerlab demo` or `layerlab extract` makes one');
    expect(ui.frame()).toContain('no runs yet: try `layerlab demo`');
  });
});
