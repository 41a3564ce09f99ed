#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json): Node's ES module loader costs milliseconds at every start (issue 12).
const {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const Module = require('node:module');
const { dirname, join, resolve } = require('node:path');
const { pathToFileURL } = require('node:url');

// Chalk (used by Ink) ignores NO_COLOR; map it before anything imports Ink.
if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') process.env.FORCE_COLOR = '0';

const args = process.argv.slice(2);
const dist = join(__dirname, '..', 'dist');

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
  return resolve(process.env.XDG_CACHE_HOME || join(require('node:os').homedir(), '.cache'), 'layerlab');
}

/** Where compiled code is kept between runs: layerlab's home, never the temporary folder. */
const compileCache = () => join(home(), 'cache', 'compile');

/**
 * A bundle older than tsc's output (tsc was run alone) would run stale code; the front also holds
 * the package's version, so it must be newer than package.json too.
 */
function fresh(file, ...sources) {
  try {
    const made = statSync(file).mtimeMs;
    return [join(dist, 'src', 'cli', 'main.js'), ...sources].every(
      (source) => made >= statSync(source).mtimeMs,
    );
  } catch {
    return false; // no bundle (or no build at all: the import below says so)
  }
}

/**
 * The CLI as one bundle (dist/cli/main.js, scripts/bundle-cli.ts): far fewer modules to load than
 * tsc's output, which runs when the bundle is missing or stale.
 */
const cliModule = () =>
  pathToFileURL(
    fresh(join(dist, 'cli', 'main.js')) ? join(dist, 'cli', 'main.js') : join(dist, 'src', 'cli', 'main.js'),
  ).href;

/**
 * What kind of run this is, for the front's code cache: the first word (the command, roughly) and
 * whether help or the version is asked for. Runs of one kind compile much the same functions of the front.
 */
function runKind() {
  let word = '';
  for (let i = 0; i < args.length && word === ''; i++)
    if (args[i] === '--home') i++;
    else if (!args[i].startsWith('-')) word = args[i];
  const help = args.includes('--help') || args.includes('-h') || word === 'help';
  const version = args.includes('--version') || args.includes('-V');
  return `${word.replace(/[^a-z-]/g, '').slice(0, 20)}${help ? '+help' : ''}${version ? '+version' : ''}`;
}

/** Kinds of run a cache may grow by; past it a new kind compiles its few functions itself. */
const MAX_KINDS = 16;

/**
 * The front (dist/cli/front.cjs, src/cli/front.ts): parses, prints help and usage errors, runs the
 * light actions. On Node 20 its code is compiled through vm.Script with V8's code cache, kept in the
 * home: a file per Node version and front build (V8 itself checks only the source's length, so a
 * cache must never meet another build of the front). A cache holds the functions the runs that
 * wrote it compiled, so it is written after a run: the first, one whose cache V8 rejected or could
 * not read, and the first of each new kind of run (runKind; the file's first line lists them). One
 * that cannot be written only costs start-up time.
 */
function loadFront() {
  const file = join(dist, 'cli', 'front.cjs');
  if (!fresh(file, join(__dirname, '..', 'package.json'))) return undefined;
  if (typeof Module.enableCompileCache === 'function') return require(file);
  const vm = require('node:vm');
  const stat = statSync(file);
  // this front file (an install, a checkout: homes can be shared) and Node; then this build of it
  const stamp = `front-${process.version}-${process.arch}-${stat.ino}-`;
  const cacheFile = join(compileCache(), `${stamp}${stat.size}-${Math.trunc(stat.mtimeMs)}.v8`);
  let kinds = [];
  let cachedData;
  try {
    const saved = readFileSync(cacheFile);
    const newline = saved.indexOf(10);
    if (newline > 0) {
      kinds = saved.subarray(0, newline).toString().split(' ');
      cachedData = saved.subarray(newline + 1);
    }
  } catch {
    // first run, or a home that cannot be read: compile from source
  }
  const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  const kind = runKind();
  if (cachedData === undefined || script.cachedDataRejected) kinds = [];
  if (kinds.length === 0 || (!kinds.includes(kind) && kinds.length < MAX_KINDS))
    process.once('exit', () => {
      try {
        mkdirSync(compileCache(), { recursive: true });
        for (const old of readdirSync(compileCache()))
          if (old.startsWith(stamp) && !cacheFile.endsWith(old))
            rmSync(join(compileCache(), old), { force: true });
        const partial = `${cacheFile}.${process.pid}`;
        writeFileSync(
          partial,
          Buffer.concat([Buffer.from(`${[...kinds, kind].join(' ')}\n`), script.createCachedData()]),
        );
        renameSync(partial, cacheFile); // whole or not at all, for a run starting meanwhile
      } catch {
        // a home that cannot be written only costs start-up time
      }
    });
  const front = { exports: {} };
  script
    .runInThisContext()
    .call(front.exports, front.exports, Module.createRequire(file), front, file, dirname(file));
  return front.exports;
}

async function run() {
  // Node ≥ 22.1 keeps the compiled code of our modules itself (Node 20 lacks the call); in the home
  // too. NODE_COMPILE_CACHE, when set, is Node's own and wins.
  if (typeof Module.enableCompileCache === 'function' && !process.env.NODE_COMPILE_CACHE) {
    try {
      Module.enableCompileCache(compileCache());
    } catch {
      // a cache that cannot be written only costs start-up time
    }
  }
  const front = loadFront();
  if (front) {
    try {
      return await front.frontMain(process.argv);
    } catch (error) {
      if (!(error instanceof front.HandOver)) throw error;
    }
  }
  const { main } = await import(cliModule());
  await main(process.argv);
}

if (versionOnly()) {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
  process.stdout.write(`${manifest.version}\n`);
} else {
  run().catch((error) => {
    // as an unhandled rejection of the ES module bin did: the stack, exit 1
    process.exitCode = 1;
    console.error(error);
  });
}
