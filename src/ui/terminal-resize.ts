/**
 * Following the terminal's size for Ink. Ink redraws on `resize` with the component tree it already
 * has, laid out for the old size; a frame built for a wider terminal then wraps, and its leftovers
 * stay on screen. Listening before Ink does, the UI renders the tree for the new size first
 * (synchronously), so Ink's own redraw is already the right frame.
 */
import type { TerminalSize } from './common/terminal-size.js';

export function sizeOf(stdout: NodeJS.WriteStream): TerminalSize {
  return { columns: stdout.columns || 80, rows: stdout.rows || 24 };
}

/**
 * Calls `onResize` with the new size, before Ink's own resize handling, only when the size changed.
 * Returns a function that stops listening.
 */
export function followTerminalSize(
  stdout: NodeJS.WriteStream,
  onResize: (size: TerminalSize) => void,
): () => void {
  let last = sizeOf(stdout);
  const listener = () => {
    const size = sizeOf(stdout);
    if (size.columns === last.columns && size.rows === last.rows) return;
    last = size;
    onResize(size);
  };
  stdout.prependListener('resize', listener);
  return () => {
    stdout.off('resize', listener);
  };
}
