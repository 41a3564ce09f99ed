import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ControlAck } from '../../src/store/run-store.js';
import { parseNdjson, runCli } from './cli-run.js';
import { layerlab, skipReason, Tmux, tmuxAvailable } from './tui-tmux.js';

const home = mkdtempSync(join(tmpdir(), 'layerlab-tui-attach-'));
let store = '';
let tmux: Tmux | undefined;

afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

interface Logged {
  type: string;
  epoch?: number;
  op?: string;
  model?: string;
  applied?: boolean;
  models?: { id: string }[];
}

function events(runDir: string): Logged[] {
  const path = join(runDir, 'events.ndjson');
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  // the last line may still be being written
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Logged);
}

async function until<T>(read: () => T | undefined, what: string, capMs = 120_000): Promise<T> {
  const deadline = Date.now() + capMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe(`layerlab ui RUN attached to a run training elsewhere (tmux)${skipReason}`, () => {
  beforeAll(async () => {
    if (!tmuxAvailable) return;
    // A feature store to train on.
    const demo = await runCli(['--home', home, 'demo', '--json', '--epochs', '1']);
    expect(demo.code).toBe(0);
    store = String(parseNdjson(demo.stdout).at(-1)?.store);
  });

  it.skipIf(!tmuxAvailable)(
    'stops one config from the UI: applied at an epoch boundary, confirmed on screen and in the run store',
    async () => {
      tmux = new Tmux();
      // The run, in its own terminal with its own live view: long enough to steer.
      const runsBefore = new Set(existsSync(join(home, 'runs')) ? readdirSync(join(home, 'runs')) : []);
      tmux.start(
        'train',
        // far more epochs than the test lasts (it ends the run with Ctrl-C): an epoch can take 0.1 s
        layerlab(['--home', home, 'train', '--store', store, '--epochs', '20000', '--workers', '2']),
      );
      const run = await until(
        () => readdirSync(join(home, 'runs')).find((id) => !runsBefore.has(id)),
        'the train run folder',
      );
      const runDir = join(home, 'runs', run);
      await until(
        () => (events(runDir).filter((e) => e.type === 'train.epoch').length >= 2 ? true : undefined),
        'two epochs',
      );
      // its own live view names the model and data from the store's manifest, not the store folder
      const own = tmux.capture('train');
      expect(own).toMatch(/builtin:shapes-cnn · builtin:shapes/);
      expect(own.split('\n').map((l) => l.trim())).not.toContain(basename(store));

      // Attach from another terminal.
      tmux.window('ui', layerlab(['--home', home, 'ui', run]));
      let screen = await tmux.waitFor('ui', `${run} ● training`);
      expect(screen).toMatch(
        /Training {2}.+ epoch \d+ of 20,?000 · units \d+\/\d+ · [\d,]+ ex\/s · ETA [\d:]+ · RSS \d+ MiB/,
      );
      expect(screen).toMatch(/w0 group \d+ on shard \d/);
      expect(screen).toContain('x stop · r resume · c clone · a add');

      // The first head column of the first layer: the table's title line names the selected model.
      tmux.keys('ui', 'l', 'l');
      screen = await tmux.waitFor('ui', /Val accuracy · .* (m\d+)\s*$/m);
      const model = /Val accuracy · .* (m\d+)\s*$/m.exec(screen)![1]!;
      tmux.keys('ui', 'x');
      // "sent" lasts until the next boundary, which may come before two captures see it
      const applied = `✔ stop ${model} · applied after epoch \\d+`;
      await tmux.waitFor(
        'ui',
        new RegExp(`stop ${model} · sent, waiting for the next epoch boundary|${applied}`),
      );
      screen = await tmux.waitFor('ui', new RegExp(applied));
      const epoch = Number(new RegExp(`applied after epoch (\\d+)`).exec(screen)![1]);
      // the table marks the stopped model once the run's train.control event is read
      await tmux.waitFor('ui', /\d+\.\d%\*?‖/);

      // The run store agrees: acknowledged, logged, and the model trained up to that boundary only.
      // The screen may show the stop from the train.control event before the acknowledgement file
      // lands: the trainer writes it only once the boundary's snapshot is on disk.
      const acks = await until(() => {
        const files = readdirSync(join(runDir, 'control')).filter((f) => f.endsWith('.ack.json'));
        if (files.length === 0) return undefined;
        return files.map((f) => JSON.parse(readFileSync(join(runDir, 'control', f), 'utf8')) as ControlAck);
      }, 'the acknowledgement file');
      expect(acks).toEqual([expect.objectContaining({ applied: true, epoch })]);
      const log = await until(() => {
        const all = events(runDir);
        return all.some((e) => e.type === 'train.epoch' && e.epoch! > epoch + 1) ? all : undefined;
      }, 'two epochs after the stop');
      expect(log.filter((e) => e.type === 'train.control')).toEqual([
        expect.objectContaining({ op: 'stop', model, applied: true, epoch }),
      ]);
      const trained = (e: Logged) => e.models?.some((m) => m.id === model) ?? false;
      const epochs = log.filter((e) => e.type === 'train.epoch');
      expect(epochs.filter((e) => e.epoch! <= epoch).every(trained)).toBe(true);
      expect(epochs.filter((e) => e.epoch! > epoch).some(trained)).toBe(false);

      // Watching did not disturb the run, and leaving the UI does not stop it.
      tmux.keys('ui', 'q');
      expect(await tmux.exitStatus('ui')).toBe(0);
      const before = events(runDir).filter((e) => e.type === 'train.epoch').length;
      await until(
        () => (events(runDir).filter((e) => e.type === 'train.epoch').length > before ? true : undefined),
        'the run to go on',
      );
      tmux.keys('train', 'C-c');
      expect(await tmux.exitStatus('train')).toBe(130);
      expect(tmux.capture('train')).toContain('interrupted; finished work is saved');
    },
    // Two processes and a UI share 2 cores with the rest of the suite: let the waits above decide.
    600_000,
  );
});
