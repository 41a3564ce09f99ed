import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/ui/app/App.js';
import type { Route } from '../../src/ui/app/app-state.js';
import { FixedTerminalSize, type TerminalSize } from '../../src/ui/common/terminal-size.js';
import { keys, quiet } from './ink-helpers.js';
import { stripAnsi } from './strip-ansi.js';
import { fakeBackend } from './ui-fixture.js';

afterEach(cleanup);

/** The app at a size that can change, as a terminal resize does. */
async function app(initial: Route[] = [{ screen: 'home' }], size: TerminalSize = { columns: 100, rows: 30 }) {
  const onExit = vi.fn();
  const backend = fakeBackend();
  const tree = (s: TerminalSize) => (
    <FixedTerminalSize size={s}>
      <App backend={backend} initial={initial} onExit={onExit} />
    </FixedTerminalSize>
  );
  const instance = render(tree(size));
  const frame = () => stripAnsi(instance.lastFrame() ?? '');
  await quiet(frame);
  return {
    onExit,
    frame,
    press: async (...input: string[]) => {
      for (const key of input) {
        instance.stdin.write(key);
        await quiet(frame);
      }
    },
    resize: async (s: TerminalSize) => {
      instance.rerender(tree(s));
      await quiet(frame);
    },
  };
}

describe('App', () => {
  it('goes home → run → model and back with Enter and Esc; Esc on the first screen quits', async () => {
    const ui = await app();
    expect(ui.frame()).toContain('▸ Runs (2)');
    await ui.press(keys.down, keys.enter);
    expect(ui.frame()).toContain('run-7 ✔ done');
    await ui.press(keys.enter);
    expect(ui.frame()).toContain('[Curves]');
    await ui.press(keys.escape);
    expect(ui.frame()).toContain('run-7 ✔ done');
    await ui.press(keys.escape);
    expect(ui.frame()).toContain('▸ Runs (2)');
    // home kept its place
    expect(ui.frame()).toMatch(/› +run-7/);
    expect(ui.onExit).not.toHaveBeenCalled();
    await ui.press(keys.escape);
    expect(ui.onExit).toHaveBeenCalledWith(0);
  });

  it('? shows the keys of the current screen, Esc closes it and the screen is as it was', async () => {
    const ui = await app([{ screen: 'home' }, { screen: 'run', run: 'run-8' }]);
    await ui.press('l', 'l');
    await ui.press('?');
    let frame = ui.frame();
    expect(frame).toContain('Keys (Esc or ? closes');
    expect(frame).toContain('Steering a running run (applied at the next epoch boundary)');
    expect(frame).toMatch(/x +stop the selected config/);
    expect(frame).not.toContain('run-8 ● training');
    await ui.press(keys.escape);
    frame = ui.frame();
    expect(frame).toContain('run-8 ● training');
    expect(frame).toMatch(/\[ *55\.0%/);
  });

  it('below the minimum size says so, and comes back unchanged when the terminal grows', async () => {
    const ui = await app();
    await ui.press(keys.down);
    await ui.resize({ columns: 60, rows: 15 });
    let frame = ui.frame();
    expect(frame).toContain('Terminal too small');
    expect(frame).toContain('This one is 60×15; layerlab ui needs at least 72×18.');
    expect(frame).not.toContain('Runs');
    // only leaving works down here
    await ui.press(keys.enter, 'x');
    await ui.resize({ columns: 100, rows: 30 });
    frame = ui.frame();
    expect(frame).not.toContain('Terminal too small');
    expect(frame).toMatch(/› +run-7/);
    await ui.resize({ columns: 60, rows: 15 });
    await ui.press('q');
    expect(ui.onExit).toHaveBeenCalledWith(0);
  });

  it('lays out again for the new size', async () => {
    const ui = await app([{ screen: 'home' }, { screen: 'run', run: 'run-7' }], { columns: 120, rows: 40 });
    expect(ui.frame()).toContain('Best val accuracy by layer');
    await ui.resize({ columns: 72, rows: 18 });
    const frame = ui.frame();
    expect(frame).not.toContain('Best val accuracy by layer');
    expect(frame.split('\n').length).toBeLessThanOrEqual(17);
    expect(frame.split('\n').every((line) => line.length <= 72)).toBe(true);
    expect(frame).toContain('run-7 ✔ done');
    expect(frame).toMatch(/pool3 +91\.3%/);
  });

  it('Ctrl-C leaves with 130', async () => {
    const ui = await app();
    await ui.press(keys.ctrlC);
    expect(ui.onExit).toHaveBeenCalledWith(130);
  });
});
