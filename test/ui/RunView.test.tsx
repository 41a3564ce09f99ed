import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunAction } from '../../src/ui/run-action.js';
import { initialRunState } from '../../src/ui/run-state.js';
import { RunView } from '../../src/ui/RunView.js';
import {
  extractingRun,
  extractStart,
  finishedRun,
  header,
  replay,
  store,
  trainingRun,
} from './run-fixture.js';
import { stripAnsi } from './strip-ansi.js';

afterEach(cleanup);

function frameOf(actions: readonly RunAction[]): string {
  const { lastFrame } = render(<RunView state={replay(actions)} />);
  return stripAnsi(lastFrame() ?? '');
}

/** The first line of the live area (below the finished log lines) that mentions `text`, trimmed at the end. */
function lineWith(frame: string, text: string): string {
  const live = frame.slice(frame.indexOf(header.title));
  return (live.split('\n').find((line) => line.includes(text)) ?? '').trimEnd();
}

describe('RunView', () => {
  it('shows the header before any event', () => {
    const { lastFrame } = render(<RunView state={initialRunState(header)} />);
    const frame = stripAnsi(lastFrame() ?? '');
    expect(frame).toContain('layerlab demo');
    expect(frame).toContain('model builtin:shapes-cnn · data builtin:shapes');
    expect(frame).toContain('starting…');
  });

  it('extracting: a progress bar with percentage, records, rate, ETA and RSS', () => {
    const frame = frameOf(extractingRun);
    expect(frame).toContain(`store ${store}`);
    expect(lineWith(frame, 'Features')).toBe(
      'Features  █████████▋░░░░░░░░░░░░░░  40%  800/2,000 records · 512 rec/s · ETA 0:02 · RSS 412 MiB',
    );
    expect(frame).not.toContain('Training');
  });

  it('extracting from a store that already holds every feature set says it is reused', () => {
    const reused = { ...extractStart, reused: extractStart.layers };
    expect(lineWith(frameOf([reused]), 'Features')).toBe('Features  reused from store (3 feature sets)');
    const ended = frameOf([reused, { type: 'extract.end', store, cached: true, seconds: 0.1 }]);
    expect(lineWith(ended, 'Features')).toBe('Features  ✔ reused from store (0.1 s)');
  });

  it('training: epoch, units, workers and the layer table with the best layer marked', () => {
    const frame = frameOf(trainingRun);
    expect(lineWith(frame, 'Features')).toBe('Features  ✔ 2,000 records × 3 layers in 3.2 s');
    expect(lineWith(frame, 'Training')).toBe(
      'Training  ████████████████░░░░░░░░  67%  epoch 2 of 2 · units 2/6 · 3,200 ex/s · ETA 0:01',
    );
    expect(lineWith(frame, 'w0')).toMatch(/^ {10}w0 group 2 on shard 0 +w1 group 0 on shard 1$/);
    expect(lineWith(frame, 'conv1')).toMatch(/^ {2}conv1 +61\.0% +█+▎? +linear lr=0\.01 l2=1e-4$/);
    expect(lineWith(frame, 'conv2')).toMatch(/^ {2}conv2 +78\.0% +█+/);
    expect(lineWith(frame, 'pool3')).toMatch(/^▶ pool3 +86\.0% +█+/);
    // Finished lines sit above the live area.
    expect(frame.indexOf('epoch 1/2: best val acc 86.0%')).toBeLessThan(frame.indexOf('layerlab demo'));
  });

  it('bars grow with accuracy', () => {
    const frame = frameOf(trainingRun);
    const barLength = (layer: string) => (lineWith(frame, layer).match(/[█▏▎▍▌▋▊▉]+/)?.[0] ?? '').length;
    expect(barLength('conv1')).toBeLessThan(barLength('conv2'));
    expect(barLength('conv2')).toBeLessThan(barLength('pool3'));
  });

  it('done: the result decides the rows, and the best layer, head and test accuracy are shown', () => {
    const frame = frameOf(finishedRun);
    expect(lineWith(frame, 'Training')).toBe('Training  ✔ 2 epochs in 12.3 s · 6 models');
    expect(lineWith(frame, 'conv1')).toMatch(/^ {2}conv1 +64\.0% /);
    expect(lineWith(frame, 'pool3')).toMatch(/^▶ pool3 +91\.3% /);
    expect(lineWith(frame, 'best:')).toBe('✔ best: pool3 with linear lr=0.1 l2=0 · val 91.3% · test 90.8%');
    expect(lineWith(frame, 'run run-7')).toBe(
      '  run run-7 · features computed · extract 3.2 s · train 12.3 s · total 15.6 s',
    );
    expect(frame).not.toContain('w0');
  });

  it('failed: says why', () => {
    const frame = frameOf([
      ...extractingRun,
      { type: 'failed', message: 'store is locked by another process' },
    ]);
    expect(lineWith(frame, 'failed')).toBe('✘ failed: store is locked by another process');
  });
});
