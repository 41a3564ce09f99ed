import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseNdjson, runCli } from './cli-run.js';
import { layerlab, skipReason, Tmux, tmuxAvailable } from './tui-tmux.js';

const home = mkdtempSync(join(tmpdir(), 'layerlab-tui-'));
let run = '';
let tmux: Tmux | undefined;

afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

/** The lines of the run table, top to bottom, as layer names. */
function tableLayers(screen: string): string[] {
  const start = screen.indexOf('sorted by');
  return screen
    .slice(start)
    .split('\n')
    .slice(1)
    .map((line) => /^[› ] +\[?[▶ ] (\S+?)[ \]] *\[? *\d+\.\d%/.exec(line)?.[1])
    .filter((layer) => layer !== undefined)
    .slice(0, 6);
}

describe(`layerlab ui in a terminal (tmux)${skipReason}`, () => {
  beforeAll(async () => {
    if (!tmuxAvailable) return;
    const demo = await runCli(['--home', home, 'demo', '--json', '--epochs', '3']);
    expect(demo.code).toBe(0);
    run = String(parseNdjson(demo.stdout).at(-1)?.run);
  });

  it.skipIf(!tmuxAvailable)(
    'opens a finished run, sorts it, opens a model and its curves, goes back, quits',
    async () => {
      tmux = new Tmux();
      tmux.start('ui', layerlab(['--home', home, 'ui']));
      let screen = await tmux.waitFor('ui', run);
      expect(screen).toContain('Feature stores (1)');
      expect(screen).toMatch(/› +run-\S+ +✔ done +█+ 3 epochs +\d+\.\d% +\S+ +demo/);

      tmux.keys('ui', 'Enter');
      screen = await tmux.waitFor('ui', 'Val accuracy ·');
      expect(screen).toContain(`${run} ✔ done`);
      expect(screen).toContain('sorted by depth');
      expect(screen).toContain('Best val accuracy by layer');
      const depthOrder = tableLayers(screen);
      expect(depthOrder.length).toBeGreaterThanOrEqual(4);

      // best column, sort: the best layer comes first
      tmux.keys('ui', 'l', 's');
      screen = await tmux.waitFor('ui', 'sorted by best');
      const sorted = tableLayers(screen);
      expect(new Set(sorted)).toEqual(new Set(depthOrder));
      const bestRow = screen.split('\n').find((line) => line.includes(`▶ ${sorted[0]}`));
      expect(bestRow).toBeDefined();

      tmux.keys('ui', 'Enter');
      screen = await tmux.waitFor('ui', '[Curves]');
      expect(screen).toMatch(/^m\d+ \S+ lr=/m);
      expect(screen).toContain('Loss  * train loss  o val loss');
      expect(screen).toContain('Validation  + val accuracy');
      expect(screen).toMatch(/epoch 3: train loss \S+ · val loss \S+ · val accuracy \d+\.\d%/);

      tmux.keys('ui', 'Escape');
      screen = await tmux.waitFor('ui', 'sorted by best');
      expect(tableLayers(screen)).toEqual(sorted);

      tmux.keys('ui', 'q');
      expect(await tmux.exitStatus('ui')).toBe(0);
      // the alternate screen is gone: nothing of the UI is left on the terminal
      expect(tmux.capture('ui')).not.toContain('Val accuracy');
    },
  );

  it.skipIf(!tmuxAvailable)('shows a store’s feature sets and manifest, and the help overlay', async () => {
    tmux = new Tmux();
    tmux.start('ui', layerlab(['--home', home, 'ui']));
    await tmux.waitFor('ui', run);
    tmux.keys('ui', 'Tab', 'Enter');
    let screen = await tmux.waitFor('ui', '[Feature sets]');
    expect(screen).toMatch(/block2\/pool +4,000×\d+ .*float32 +\d+(\.\d)? KiB +✔ complete/);
    tmux.keys('ui', 'Tab');
    screen = await tmux.waitFor('ui', '[Manifest]');
    expect(screen).toMatch(/model +builtin:shapes-cnn/);
    expect(screen).toMatch(/split +train [\d,]+ · val [\d,]+ · test [\d,]+/);
    tmux.keys('ui', '?');
    screen = await tmux.waitFor('ui', 'Keys (Esc or ? closes');
    expect(screen).toMatch(/Esc +back/);
    // One Esc per key press: two sent at once read as one Alt-Esc, as in any terminal.
    tmux.keys('ui', 'Escape');
    await tmux.waitFor('ui', '[Manifest]');
    tmux.keys('ui', 'Escape');
    await tmux.waitFor('ui', 'Feature stores (1)');
    tmux.keys('ui', 'Escape');
    expect(await tmux.exitStatus('ui')).toBe(0);
  });

  it.skipIf(!tmuxAvailable)('says the terminal is too small at 60×15, and comes back intact', async () => {
    tmux = new Tmux();
    tmux.start('ui', layerlab(['--home', home, 'ui', run]));
    await tmux.waitFor('ui', 'Val accuracy ·');
    tmux.keys('ui', 'j', 'j');
    tmux.resize('ui', 60, 15);
    let screen = await tmux.waitFor('ui', 'Terminal too small');
    expect(screen).toContain('This one is 60×15; layerlab ui needs at least 72×18.');
    expect(screen).not.toContain('Val accuracy');
    tmux.resize('ui', 120, 40);
    screen = await tmux.waitFor('ui', 'Val accuracy ·');
    expect(screen).not.toContain('Terminal too small');
    expect(screen).toContain(`${run} ✔ done`);
    // the selection survived: the third row is still selected
    expect(screen.split('\n').filter((line) => line.startsWith('›'))).toHaveLength(1);
    tmux.resize('ui', 80, 24);
    screen = await tmux.waitFor('ui', /^.{0,80}? help\s*$/m);
    expect(screen.split('\n').every((line) => line.length <= 80)).toBe(true);
    expect(screen).toContain(`${run} ✔ done`);
    tmux.keys('ui', 'q');
    expect(await tmux.exitStatus('ui')).toBe(0);
  });

  it.skipIf(!tmuxAvailable)('respects NO_COLOR: no colour codes reach the terminal', async () => {
    tmux = new Tmux();
    tmux.start('ui', layerlab(['--home', home, 'ui', run], { NO_COLOR: '1' }));
    await tmux.waitFor('ui', 'Val accuracy ·');
    // eslint-disable-next-line no-control-regex -- looking for SGR colour codes is the point
    expect(tmux.capture('ui', true)).not.toMatch(/\u001b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7])m/);
    tmux.keys('ui', 'C-c');
    expect(await tmux.exitStatus('ui')).toBe(130);
  });
});

describe('layerlab ui without a terminal', () => {
  it('explains that it needs one and suggests `layerlab results`, without starting Ink', async () => {
    const piped = await runCli(['--home', home, 'ui']);
    expect(piped.code).toBe(2);
    expect(piped.stdout).toBe('');
    expect(piped.stderr).toMatch(/^layerlab: layerlab ui needs an interactive terminal .*`layerlab results`/);
    expect(piped.stderr).not.toContain(String.fromCharCode(27));
    const json = await runCli(['--home', home, '--json', 'ui']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stderr.trim())).toMatchObject({ type: 'error', code: 'USAGE', exitCode: 2 });
  });
});
