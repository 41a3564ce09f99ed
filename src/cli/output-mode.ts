/**
 * How a command talks: Ink only when stdin and stdout are both terminals and `--json` is not set
 * (docs/contract.md, "The terminal"); NDJSON with `--json`; plain lines otherwise.
 */
export type OutputMode = 'ink' | 'plain' | 'json';

export function chooseOutputMode(
  options: { json?: boolean; quiet?: boolean },
  streams = { stdin: process.stdin, stdout: process.stdout },
): OutputMode {
  if (options.json) return 'json';
  if (options.quiet || process.env.CI) return 'plain';
  return streams.stdin.isTTY && streams.stdout.isTTY ? 'ink' : 'plain';
}
