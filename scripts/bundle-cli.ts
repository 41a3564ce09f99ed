/**
 * Bundles the CLI (dist/src/cli/main.js, as tsc compiled it, and every module it reaches) into a few
 * ES modules under dist/cli/, which bin/layerlab.js loads. Start-up time (issue 12, item 6): Node's
 * ESM loader spends a few milliseconds per module resolving, reading and linking; `--help` reached
 * some 50 of ours and commander's 8 CommonJS files. Bundled, a run loads the front chunk and the
 * chunk of the command it names.
 *
 * - Code splitting keeps the lazy loading of src/cli/main.ts: each `import()` of a command (and of
 *   an engine inside an action) stays a separate chunk, loaded only when reached.
 * - npm packages stay external (loaded from node_modules, as before) but for commander, which every
 *   run parses with: the native engines (onnxruntime-node, lmdb, sharp, DuckDB), Ink/React, pg and
 *   BullMQ load only when an action imports them, and exactly as the unbundled build loads them.
 * - Modules that find a sibling file through `import.meta.url` (a worker thread's script) stay
 *   external too, imported from dist/src/ where the sibling is.
 *
 * It also writes the front, dist/cli/front.cjs (src/cli/front.ts): one CommonJS file with the
 * command definitions and the light actions, which bin/layerlab.js runs first (see there). It is
 * CommonJS so that bin can compile it through `vm.Script` with V8's code cache on Node 20 (which has
 * no module.enableCompileCache), and one file because every module file costs a read and a compile.
 * The modules its actions `import()` are not in it (but FRONT_INLINE): in their place is a module
 * that throws HandOver, and bin then runs the full CLI (dist/cli/main.js) on the same arguments.
 *
 * Run after tsc (`npm run build` does): node dist/scripts/bundle-cli.js
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { packageRoot } from '../src/core/paths.js';

const dist = join(packageRoot(), 'dist');
const outdir = join(dist, 'cli');

/** npm packages compiled into the bundle; every other package is imported from node_modules. */
const BUNDLED_PACKAGES = new Set(['commander']);

/**
 * Our modules that locate files beside themselves (import.meta.url): loaded from dist/src/. Any
 * other bundled module that reads import.meta must find its files from anywhere under dist/ (as
 * core/paths.ts and core/package-version.ts do, walking up to the package): checked below.
 */
const KEEP_IN_PLACE = [
  'src/train/worker/worker-script.js',
  'src/cluster/extract-shard.js',
  'src/cluster/shard-stats-in-thread.js',
  'src/triage/part-pool.js',
].map((p) => join(dist, p));

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`). */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

const externals: Plugin = {
  name: 'layerlab-externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || BUNDLED_PACKAGES.has(packageOf(args.path))) return undefined;
      return { path: args.path, external: true };
    });
    b.onResolve({ filter: /^\./ }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      if (!KEEP_IN_PLACE.includes(target)) return undefined;
      // the path from the importing chunk (dist/cli/) to the module in dist/src/
      return { path: relative(outdir, target), external: true };
    });
  },
};

/** Bundled modules known to read import.meta from any folder under dist/. */
const LOCATION_FREE = ['src/core/paths.js', 'src/core/package-version.js'].map((p) => join(dist, p));

rmSync(outdir, { recursive: true, force: true });
const { metafile } = await build({
  entryPoints: { main: join(dist, 'src', 'cli', 'main.js') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  chunkNames: '[name]-[hash]', // beside main.js: an external's relative path holds from every chunk
  plugins: [externals],
  // commander is CommonJS and calls require() for Node's modules; an ES module has no require
  banner: {
    js: "import { createRequire as __layerlabRequire } from 'node:module'; const require = __layerlabRequire(import.meta.url);",
  },
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  absWorkingDir: packageRoot(), // metafile inputs are relative to it
});

/** Modules a front action imports that the front holds itself (`store ls` formats its table). */
const FRONT_INLINE = ['src/store/format-store.js'].map((p) => join(dist, p));
const frontMain = join(dist, 'src', 'cli', 'main.js');

const frontModules: Plugin = {
  name: 'layerlab-front',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      // commander needs child_process only to run an external subcommand, which layerlab has none
      // of; loading it (with net, dgram and streams) at every start costs some milliseconds
      if (/^(node:)?child_process$/.test(args.path) && args.importer.includes('node_modules'))
        return { path: 'child_process', namespace: 'lazy-builtin' };
      if (args.path.startsWith('node:')) return undefined;
      const bare = /^[^./]/.test(args.path);
      const target = bare ? args.path : resolve(args.resolveDir, args.path);
      if (args.kind === 'dynamic-import') {
        if (FRONT_INLINE.includes(target)) return undefined;
        return { path: bare ? target : relative(dist, target), namespace: 'hand-over' };
      }
      if (bare && !BUNDLED_PACKAGES.has(packageOf(args.path)))
        // CommonJS would turn the import into require(), which loads a package differently
        return { errors: [{ text: `the front imports ${args.path} statically; import it in the action` }] };
      return undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `let loaded; module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require('node:${args.path}'))[key] });`,
      loader: 'js',
    }));
    // Rejects every import of it, not only the first (a module that threw once is not run again):
    // its exports refuse to be read, which the bundle's import() does.
    b.onLoad({ filter: /.*/, namespace: 'hand-over' }, (args) => ({
      contents: `const { HandOver } = require(${JSON.stringify(frontMain)});
const refuse = () => { throw new HandOver(${JSON.stringify(`import ${args.path}`)}); };
module.exports = new Proxy({}, { get: refuse, has: refuse, ownKeys: refuse, getOwnPropertyDescriptor: refuse });`,
      resolveDir: dist,
      loader: 'js',
    }));
  },
};

const front = await build({
  entryPoints: [join(dist, 'src', 'cli', 'front.js')],
  outfile: join(outdir, 'front.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  plugins: [frontModules],
  // bin passes the file's URL in (see bin/layerlab.js); core/paths.ts walks up from it
  define: {
    'import.meta.url': '__layerlabFrontUrl',
    // no package.json to find and read at every start; bin runs no front older than package.json
    LAYERLAB_FRONT_VERSION: JSON.stringify(
      (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version,
    ),
  },
  banner: { js: "const __layerlabFrontUrl = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  absWorkingDir: packageRoot(),
});

const misplaced = [...Object.keys(metafile.inputs), ...Object.keys(front.metafile.inputs)]
  .filter((input) => !input.includes(':'))
  .map((input) => resolve(packageRoot(), input))
  .filter((file) => file.startsWith(dist) && !LOCATION_FREE.includes(file))
  .filter((file) => readFileSync(file, 'utf8').includes('import.meta'));
if (misplaced.length > 0) {
  rmSync(outdir, { recursive: true, force: true });
  throw new Error(
    `bundle-cli: ${misplaced.join(', ')} read import.meta, which in the bundle names dist/cli/; add them to KEEP_IN_PLACE in scripts/bundle-cli.ts`,
  );
}
