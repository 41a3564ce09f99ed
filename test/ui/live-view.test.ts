import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startLiveView } from '../../src/ui/live-view.js';
import { interrupted } from '../../src/core/errors.js';
import { extractEnd, extractProgress, extractStart, header, result, trainedRun } from './run-fixture.js';
import { stripAnsi } from './strip-ansi.js';

/** A terminal stand-in that keeps everything Ink writes. */
function captureTerminal() {
  let text = '';
  const stdout = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += String(chunk);
      callback();
    },
  });
  Object.assign(stdout, { columns: 100, rows: 40 });
  // A terminal's stdin: the live view reads keys in raw mode.
  const stdin = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode: () => stdin,
    ref: () => stdin,
    unref: () => stdin,
  });
  return {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    text: () => stripAnsi(text),
  };
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe('startLiveView', () => {
  // Paced: the store publishes between events, so many frames are drawn; burst: one frame at the end.
  it.each([
    ['paced', 120],
    ['burst', 0],
  ])('renders the events (%s), ends on finish with the result as the last frame', async (_name, pauseMs) => {
    const terminal = captureTerminal();
    const view = startLiveView({ ...header, stdout: terminal.stdout, stdin: terminal.stdin });
    for (const event of trainedRun) {
      view.sink(event);
      if (pauseMs > 0 && event.type !== 'train.unit') await new Promise((done) => setTimeout(done, pauseMs));
    }
    await view.finish(result);

    const text = terminal.text();
    expect(text).toContain('✔ best: pool3 with linear lr=0.1 l2=0 · val 91.3% · test 90.8%');
    // Finished lines are printed once, through <Static>, however many frames were drawn.
    expect(count(text, 'epoch 1/2: best val acc 86.0%')).toBe(1);
    expect(count(text, 'train: done in 12.3 s')).toBe(1);
    expect(text.trimEnd().endsWith('total 15.6 s')).toBe(true);
  });

  it('titles a train run with the store manifest it was given, never the store folder alone', async () => {
    const terminal = captureTerminal();
    const storeDir = '/tmp/x/s';
    const view = startLiveView({
      title: 'layerlab train',
      model: 'models/bert-mini.onnx',
      dataset: 'reviews.csv',
      store: storeDir,
      stdout: terminal.stdout,
      stdin: terminal.stdin,
    });
    // `train` extracts nothing: no extract.start event brings the refs or the store
    for (const event of trainedRun.filter((e) => !e.type.startsWith('extract.'))) view.sink(event);
    await view.finish(result);
    const lines = terminal
      .text()
      .split('\n')
      .map((l) => l.trim());
    expect(lines).toContainEqual(expect.stringContaining('models/bert-mini.onnx'));
    expect(lines).toContainEqual(expect.stringContaining('reviews.csv'));
    expect(lines).not.toContain('s');
  });

  it('ends a run without a result document (an extraction) on what it did', async () => {
    const terminal = captureTerminal();
    const view = startLiveView({
      ...header,
      title: 'layerlab extract',
      stdout: terminal.stdout,
      stdin: terminal.stdin,
    });
    for (const event of [extractStart, extractProgress, extractEnd]) view.sink(event);
    await view.end();
    const text = terminal.text();
    expect(text.trimEnd().endsWith('Features  ✔ 2,000 records × 3 layers in 3.2 s')).toBe(true);
    expect(count(text, 'extract: done, 2,000 records in 3.2 s')).toBe(1);
  });

  it('shows an interruption as such', async () => {
    const terminal = captureTerminal();
    const view = startLiveView({ ...header, stdout: terminal.stdout, stdin: terminal.stdin });
    view.sink(trainedRun[0]!);
    await view.fail(interrupted());
    expect(terminal.text()).toContain('■ interrupted; finished work is saved');
  });

  it('shows a failure and still resolves, leaving the error to the caller', async () => {
    const terminal = captureTerminal();
    const view = startLiveView({ ...header, stdout: terminal.stdout, stdin: terminal.stdin });
    view.sink(trainedRun[0]!);
    await view.fail(new Error('store is locked by another process'));
    expect(terminal.text()).toContain('✘ failed: store is locked by another process');
  });
});
