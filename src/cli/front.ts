import type { Command } from 'commander';
import { HandOver, main } from './main.js';

/**
 * The part of the CLI bin/layerlab.js runs first, as one CommonJS file (dist/cli/front.cjs, made by
 * scripts/bundle-cli.ts) whose compiled code V8 can keep between runs (start-up time, issue 12): it
 * parses every command line and prints help and usage errors itself. A module an action loads with
 * `import()` is not in it (but the few the bundle keeps): in its place is one that throws
 * `HandOver`, and bin then runs the full CLI (dist/cli/main.js) on the same arguments.
 *
 * So an action may start here only when it does nothing but read and validate before its first
 * `import()` (a handed-over run starts it again): these were checked to. `results` and `store ls`
 * end here when they need no engine; the others give their usage errors here. Every other action
 * (e.g. `worker`, which listens for Ctrl-C first) is handed over before it starts.
 */
export const FRONT_ACTIONS: ReadonlySet<string> = new Set([
  'results',
  'store ls',
  'store info',
  'store verify',
  'store export',
  'store gc',
  'store group',
  'train',
  'extract',
  'triage',
  'sweep',
  'cluster status',
  'cluster local',
  'ui',
]);

/** `store ls` for the `ls` subcommand of `store`. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at?.parent; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

export { HandOver };

/** The package's version, written in by the bundler (bin runs a front older than package.json no more). */
declare const LAYERLAB_FRONT_VERSION: string | undefined;
const builtInVersion = typeof LAYERLAB_FRONT_VERSION === 'string' ? LAYERLAB_FRONT_VERSION : undefined;

export function frontMain(argv: string[]): Promise<void> {
  return main(argv, {
    ...(builtInVersion ? { version: builtInVersion } : {}),
    beforeAction: (command) => {
      const path = commandPath(command);
      if (!FRONT_ACTIONS.has(path)) throw new HandOver(path);
    },
  });
}
