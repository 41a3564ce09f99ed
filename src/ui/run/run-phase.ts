import type { RunState } from '../run-state.js';
import { marks, theme } from '../theme.js';

/** `● training · epoch 3 of 10`, `✔ done`, `✘ failed`: the run's state in a few words. */
export function runPhaseLabel(state: RunState): { mark: string; text: string; color: string } {
  switch (state.phase) {
    case 'starting':
      return { mark: marks.running, text: 'starting', color: theme.accent };
    case 'extracting':
      return state.extraction.status === 'done'
        ? { mark: marks.running, text: 'preparing training', color: theme.accent }
        : { mark: marks.running, text: 'extracting features', color: theme.accent };
    case 'training':
      return { mark: marks.running, text: 'training', color: theme.accent };
    case 'done':
      return { mark: marks.done, text: 'done', color: theme.best };
    case 'failed':
      return { mark: marks.failed, text: 'failed', color: theme.error };
    case 'interrupted':
      return { mark: marks.interrupted, text: 'interrupted', color: theme.warn };
  }
}
