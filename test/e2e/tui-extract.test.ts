import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { layerlab, skipReason, Tmux, tmuxAvailable } from './tui-tmux.js';

let tmux: Tmux | undefined;

afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

describe(`layerlab extract in a terminal (tmux)${skipReason}`, () => {
  it.skipIf(!tmuxAvailable)(
    'shows the live extraction view (no training table), leaves the store table, and exits 0',
    async () => {
      const home = mkdtempSync(join(tmpdir(), 'layerlab-tui-extract-'));
      tmux = new Tmux();
      tmux.start('extract', layerlab(['--home', home, 'extract', 'builtin:shapes-cnn', 'builtin:shapes']));
      // the progress panel, titled by the command, while it runs or as its last frame
      const live = await tmux.waitFor('extract', /layerlab extract[\s\S]*Features /);
      expect(live).toContain('model builtin:shapes-cnn · data builtin:shapes');
      // extraction trains nothing: the interactive results screen and its keys are not shown
      expect(live).not.toContain('no models yet');
      expect(live).not.toContain('Enter model');
      expect(await tmux.exitStatus('extract')).toBe(0);
      const screen = tmux.capture('extract');
      expect(screen).toMatch(/Features +✔ 4,000 records × 6 layers/);
      expect(screen).toMatch(/block2\/pool +32 +4000 +computed/);
      expect(screen).toMatch(/computed 6 of 6 feature sets/);
    },
    300_000,
  );
});
