/** The help overlay's content, generated from the key bindings so it cannot go stale. Pure. */
import { bindingsFor, type KeyScope } from '../keys.js';
import { marks } from '../theme.js';

export type HelpLine = { heading: string } | { keys: string; help: string };

const headings: Record<KeyScope, string> = {
  global: 'Everywhere',
  lists: 'Lists and tables',
  run: 'Run table',
  steer: 'Steering a running run (applied at the next epoch boundary)',
};

export function helpLines(scopes: readonly KeyScope[]): HelpLine[] {
  const lines: HelpLine[] = [];
  for (const scope of scopes) {
    lines.push({ heading: headings[scope] });
    for (const b of bindingsFor([scope])) lines.push({ keys: b.keys, help: b.help });
  }
  lines.push({ heading: 'Marks' });
  lines.push(
    { keys: marks.best, help: 'best layer' },
    { keys: marks.bestCell, help: 'after a value: best config of its layer' },
    { keys: marks.stopped, help: 'after a value: config stopped (by you or by halving)' },
    {
      keys: `${marks.running} ${marks.done} ${marks.failed} ${marks.interrupted} ?`,
      help: 'running, done, failed, interrupted, stale',
    },
  );
  return lines;
}
