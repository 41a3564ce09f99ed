/** Removes ANSI escape sequences, so frame assertions hold with or without colour support. */
// eslint-disable-next-line no-control-regex -- matching escape codes is the point
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}
