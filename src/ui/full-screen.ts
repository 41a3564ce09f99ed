/**
 * The alternate screen for the full-screen UI: the user's scrollback is left as it was, and the
 * screen can be cleared before a resized frame is drawn, without losing anything of theirs.
 */
const ENTER = '\u001B[?1049h';
const LEAVE = '\u001B[?1049l';
const CLEAR = '\u001B[2J\u001B[H';
const SHOW_CURSOR = '\u001B[?25h';

export interface FullScreen {
  /** wipes the screen: the terminal's re-wrapped copy of the old frame must not show under the new one */
  clear(): void;
  leave(): void;
}

export function enterFullScreen(stdout: NodeJS.WriteStream): FullScreen {
  stdout.write(ENTER + CLEAR);
  let left = false;
  const leave = () => {
    if (left) return;
    left = true;
    stdout.write(LEAVE + SHOW_CURSOR);
  };
  // A crash or process.exit() must not strand the user on the alternate screen.
  process.once('exit', leave);
  return {
    clear: () => stdout.write(CLEAR),
    leave: () => {
      process.off('exit', leave);
      leave();
    },
  };
}
