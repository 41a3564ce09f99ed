import { describe, expect, it } from 'vitest';
import type { LayerlabEvent } from '../../src/core/events.js';
import { createPlainPrinter, formatLayerTable } from '../../src/ui/plain-output.js';
import {
  epoch1,
  epoch1Units,
  epoch2,
  extractEnd,
  extractStart,
  result,
  store,
  trainEnd,
  trainStart,
} from './run-fixture.js';

// eslint-disable-next-line no-control-regex -- matching escape codes is the point
const ESCAPE = /\u001b/;

function progress(records: number): LayerlabEvent {
  return {
    type: 'extract.progress',
    records,
    total: 2000,
    recordsPerSecond: 500,
    etaSeconds: (2000 - records) / 500,
    rssMb: 400,
  };
}

describe('createPlainPrinter', () => {
  it('prints milestones, warnings and one line per epoch with the best so far', () => {
    const lines: string[] = [];
    const sink = createPlainPrinter((line) => lines.push(line), { now: () => 0 });
    const events: LayerlabEvent[] = [
      extractStart,
      extractEnd,
      { type: 'log', level: 'warn', message: 'low memory: batch size 16' },
      trainStart,
      ...epoch1Units,
      epoch1,
      epoch2,
      trainEnd,
    ];
    events.forEach(sink);
    expect(lines).toEqual([
      `extract: 2,000 records × 3 layers → store ${store}`,
      'extract: done, 2,000 records in 3.2 s',
      'warning: low memory: batch size 16',
      'train: 6 models on 3 layers · 3 groups on 2 workers · 2 epochs · run run-7',
      'epoch 1/2: best val acc 86.0% (pool3, linear lr=0.1 l2=0)',
      'epoch 2/2: best val acc 91.3% (pool3, linear lr=0.1 l2=0)',
      'train: done in 12.3 s',
    ]);
    expect(lines.some((l) => ESCAPE.test(l))).toBe(false);
  });

  it('says the new records of a grown dataset are appended, not that every set is computed', () => {
    const lines: string[] = [];
    const sink = createPlainPrinter((line) => lines.push(line), { now: () => 0 });
    const layers = ['conv1', 'conv2', 'pool3'];
    sink({ ...extractStart, records: 2010, layers, reused: [], appended: layers, appendedRecords: 10 });
    sink({
      ...extractStart,
      records: 2010,
      layers: [...layers, 'fc'],
      reused: [],
      appended: layers,
      appendedRecords: 10,
    });
    expect(lines).toEqual([
      `extract: 10 new records appended to 3 feature sets → store ${store}`,
      `extract: 10 new records appended to 3 feature sets, 2,010 records × 1 new layers → store ${store}`,
    ]);
  });

  it('prints extraction progress every 10%, or after the interval when progress is slow', () => {
    let clock = 0;
    const lines: string[] = [];
    const sink = createPlainPrinter((line) => lines.push(line), {
      now: () => clock,
      progressIntervalMs: 5000,
    });
    sink(extractStart);
    for (let records = 50; records <= 1000; records += 50) sink(progress(records));
    const progressLines = lines.filter((l) => l.startsWith('extract: ') && l.includes('%'));
    expect(progressLines.map((l) => l.split(' · ')[0])).toEqual([
      'extract: 10%',
      'extract: 20%',
      'extract: 30%',
      'extract: 40%',
      'extract: 50%',
    ]);
    expect(progressLines[0]).toBe('extract: 10% · 200/2,000 records · 500 rec/s · ETA 0:04 · RSS 400 MiB');

    clock = 6000;
    sink(progress(1010));
    expect(lines.at(-1)).toMatch(/^extract: 51% · 1,010\/2,000 records/);
    sink(progress(1020));
    expect(lines.at(-1)).toMatch(/^extract: 51% · 1,010/);
  });

  it('says so when every feature set is reused', () => {
    const lines: string[] = [];
    const sink = createPlainPrinter((line) => lines.push(line));
    sink({ ...extractStart, reused: extractStart.layers });
    sink({ type: 'extract.end', store, cached: true, seconds: 0.04 });
    expect(lines).toEqual([
      `extract: all 3 feature sets already in store ${store}`,
      'extract: reused from store (0.0 s)',
    ]);
  });
});

describe('formatLayerTable', () => {
  it('lays out one row per layer with a # bar on an axis scaled to the values, marks the best, and sums up', () => {
    const text = formatLayerTable(result);
    expect(text).toBe(
      [
        '  layer  best val acc  head (lr, l2)        50%                       100%',
        '  conv1         64.0%  linear (0.01, 1e-4)  ########',
        '  conv2         78.0%  linear (0.1, 0)      #################',
        '* pool3         91.3%  linear (0.1, 0)      #########################',
        'best: pool3 · val 91.3% · test 90.8% · linear (0.1, 0) · features computed · extract 3.2 s, train 12.3 s, total 15.6 s',
      ].join('\n'),
    );
    expect(ESCAPE.test(text)).toBe(false);
  });

  it('draws layers that score close together with bars of visibly different length', () => {
    const close = {
      ...result,
      layers: result.layers.map((l, i) => ({ ...l, best: { ...l.best, value: [0.591, 0.603, 0.612][i]! } })),
    };
    const bars = formatLayerTable(close)
      .split('\n')
      .slice(1, 4)
      .map((line) => /#+$/.exec(line)?.[0].length ?? 0);
    expect(bars[0]).toBeGreaterThan(0);
    expect(bars[2]! - bars[0]!).toBeGreaterThanOrEqual(10); // on 0–100 %: 18 and 18
    expect(formatLayerTable(close).split('\n')[0]).toMatch(/5\d(\.\d)?% +6\d(\.\d)?%$/);
  });

  it('says when features came from the store', () => {
    expect(formatLayerTable({ ...result, cached: true })).toContain('features reused from store');
  });
});
