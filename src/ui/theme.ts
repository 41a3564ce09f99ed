/**
 * The UI's colours, in one place. Only ever passed to Ink `color` props, so NO_COLOR (mapped to
 * FORCE_COLOR=0 by the bin entry) turns all of them off.
 */
export const theme = {
  accent: 'cyan',
  best: 'green',
  bar: 'blue',
  muted: 'gray',
  warn: 'yellow',
  error: 'red',
  /** the learning-curve series */
  series: ['yellow', 'magenta', 'green'],
} as const;

/** Glyphs that carry meaning without colour, for NO_COLOR terminals and screen captures. */
export const marks = {
  best: '▶',
  done: '✔',
  failed: '✘',
  step: '·',
  cursor: '›',
  running: '●',
  interrupted: '■',
  /** after a table value: the best cell of its row */
  bestCell: '*',
  /** after a table value: the model was stopped (by a person or by halving) */
  stopped: '‖',
  ascending: '↑',
  descending: '↓',
} as const;
