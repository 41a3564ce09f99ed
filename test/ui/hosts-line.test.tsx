import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { LayerlabEvent } from '../../src/core/events.js';
import { hostsLine } from '../../src/ui/host-summary.js';
import { RunView } from '../../src/ui/RunView.js';
import { header, replay, trainingRun } from './run-fixture.js';
import { stripAnsi } from './strip-ansi.js';

afterEach(cleanup);

const activity = (worker: number, host?: string) => ({
  worker,
  epoch: 1,
  group: 0,
  shard: worker,
  examples: 10,
  seconds: 0.1,
  units: 1,
  ...(host === undefined ? {} : { host }),
});

/** The training run of the fixture as a cluster run: every unit names the host that ran it. */
const onHosts = (names: readonly string[]): LayerlabEvent[] =>
  trainingRun.map((e) => (e.type === 'train.unit' ? { ...e, host: names[e.worker]! } : e));

function frameOf(events: readonly LayerlabEvent[]): string {
  const { lastFrame } = render(<RunView state={replay(events)} />);
  return stripAnsi(lastFrame() ?? '');
}

describe('hosts of a cluster run in the training view', () => {
  it('lists each host with its workers, in worker order; none on one machine', () => {
    expect(hostsLine([activity(1, 'beta'), activity(0, 'alpha'), activity(2, 'alpha')])).toBe(
      'alpha w0 w2 · beta w1',
    );
    expect(hostsLine([activity(0), activity(1)])).toBeUndefined();
    expect(hostsLine([])).toBeUndefined();
  });

  it('the reducer keeps the host of each worker’s last unit, so a moved shard shows on its new host', () => {
    const moved = [...onHosts(['alpha', 'beta']), { ...trainingRun.at(-1)!, host: 'gamma' }];
    const last = moved.at(-1)!;
    if (last.type !== 'train.unit') throw new Error('the fixture ends with a unit');
    const state = replay(moved);
    expect(state.training.activity.find((a) => a.worker === last.worker)?.host).toBe('gamma');
  });

  it('renders `hosts alpha w0 · beta w1` under the worker cells', () => {
    const frame = frameOf(onHosts(['alpha', 'beta']));
    const live = frame.slice(frame.indexOf(header.title)).split('\n');
    const cells = live.findIndex((line) => line.includes('w0 group'));
    expect(cells).toBeGreaterThan(0);
    expect(live[cells + 1]!.trim()).toBe('hosts alpha w0 · beta w1');
    expect(frameOf(trainingRun)).not.toContain('hosts');
  });
});
