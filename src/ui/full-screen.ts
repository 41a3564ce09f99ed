/**
 * The alternate screen for the full-screen UI: the user's scrollback is left as it was, and a
 * resize repaints from a clean screen instead of leaving the terminal's re-wrapped copy of the old
 * frame behind.
 */
const ENTER = '\u001B[?1049h';
const LEAVE = '\u001B[?1049l';
const CLEAR = '\u001B[2J\u001B[H';
const SHOW_CURSOR = '\u001B[?25h';

export interface FullScreen {
  leave(): void;
}

export function enterFullScreen(stdout: NodeJS.WriteStream): FullScreen {
  stdout.write(ENTER + CLEAR);
  // Before Ink's own listener, so Ink's redraw lands on the cleared screen.
  const clear = () => stdout.write(CLEAR);
  stdout.prependListener('resize', clear);
  let left = false;
  const leave = () => {
    if (left) return;
    left = true;
    stdout.off('resize', clear);
    stdout.write(LEAVE + SHOW_CURSOR);
  };
  // A crash or process.exit() must not strand the user on the alternate screen.
  process.once('exit', leave);
  return {
    leave: () => {
      process.off('exit', leave);
      leave();
    },
  };
}
