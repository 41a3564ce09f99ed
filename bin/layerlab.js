#!/usr/bin/env node
import { readFileSync, statSync } from 'node:fs';
import module from 'node:module';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

// Chalk (used by Ink) ignores NO_COLOR; map it before anything imports Ink.
if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') process.env.FORCE_COLOR = '0';

const args = process.argv.slice(2);

/**
 * `layerlab --version` (with or without the global options) needs neither commander nor any command:
 * print the package's version without loading them (start-up time, issue 12). Anything else, even
 * `--version` beside other words, goes through the real parser.
 */
function versionOnly() {
  const rest = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--home') i++;
    else if (arg.startsWith('--home=') || arg === '--json' || arg === '-q' || arg === '--quiet') continue;
    else rest.push(arg);
  }
  return rest.length === 1 && (rest[0] === '--version' || rest[0] === '-V');
}

/** The home `--home`, $LAYERLAB_HOME or the XDG cache names (src/core/paths.ts `resolveHome`). */
function home() {
  const at = args.indexOf('--home');
  const flag = at >= 0 ? args[at + 1] : args.find((a) => a.startsWith('--home='))?.slice(7);
  if (flag) return resolve(flag);
  if (process.env.LAYERLAB_HOME) return resolve(process.env.LAYERLAB_HOME);
  return resolve(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'layerlab');
}

/**
 * The CLI as one bundle (dist/cli/main.js, scripts/bundle-cli.ts): far fewer modules to load than
 * tsc's output. A bundle older than tsc's output (tsc was run alone) would run stale code, so then
 * (and when there is none) the unbundled build runs instead.
 */
function cliModule() {
  const bundled = new URL('../dist/cli/main.js', import.meta.url);
  const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
  try {
    if (statSync(bundled).mtimeMs >= statSync(compiled).mtimeMs) return bundled.href;
  } catch {
    // no bundle (or no build at all: the import below says so)
  }
  return compiled.href;
}

if (versionOnly()) {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${manifest.version}\n`);
} else {
  // Node ≥ 22.1 can keep the compiled code of our modules between runs (older Nodes lack the call).
  // It goes in layerlab's home (as core/paths.ts resolves it), never the temporary folder, which
  // layerlab leaves as it found it; NODE_COMPILE_CACHE, when set, is Node's own and wins.
  if (typeof module.enableCompileCache === 'function' && !process.env.NODE_COMPILE_CACHE) {
    try {
      module.enableCompileCache(join(home(), 'cache', 'compile'));
    } catch {
      // a cache that cannot be written only costs start-up time
    }
  }
  const { main } = await import(cliModule());
  await main(process.argv);
}
