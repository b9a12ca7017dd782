#!/usr/bin/env node
/**
 * `npm run build` / `prepare`: bundle every command into one file with esbuild (docs/ARCHITECTURE.md,
 * "Bundled commands"): no module resolution and one file read at start-up. Code a path does not need
 * (the XML reader, graphology, ts-graphviz, execa, …) stays behind a dynamic import(), which esbuild
 * turns into a lazily run module wrapper, so it is only pre-parsed. zod is not bundled at all: the
 * error path loads it from node_modules (src/model/schemas-zod.ts).
 *
 * One file per command measured faster than code splitting into shared chunks (a small XML run:
 * 129 ms CPU against 166 ms; --help the same), the chunks' extra module resolution outweighing the
 * pre-parsing of unused code.
 *
 * Layout (bin/ shims and installed users depend on it):
 *   dist/src/cli/<command>.js   one entry per command (bin/dydisnix-<command> imports it)
 *   dist/src/ids/read-ids.js    the readIdsSync helper that JS models import (docs/ids.md)
 *   dist/bench/<area>.js        the benchmark modules (`npm run bench`)
 *   dist/vendor/<package>.js    large dependencies some paths load lazily (see VENDORED)
 * Modules find package files (nix/, libexec/, share/, package.json) through src/package-root.ts,
 * which does not depend on this layout. Type checking is `npm run typecheck` (tsc), not this.
 */
import { readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ts = (dir) =>
  readdirSync(path.join(root, dir))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f));

const cliEntryPoints = [...ts('src/cli').filter((f) => !f.endsWith('program.ts')), 'src/ids/read-ids.ts'];

/**
 * node:child_process and node:crypto are not in Node's start-up snapshot: loading either costs ~10 ms
 * of every start, and a bundle hoists the imports of every module in it, including those only a lazy
 * path runs (commander's executable subcommands, Nix evaluation, temp-file names). Our code and
 * commander get stand-ins instead that load the real module on first call.
 */
const LAZY_BUILTINS = ['child_process', 'crypto'];
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(builder) {
    builder.onResolve({ filter: new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`) }, (args) => {
      const fromDependency = args.importer.includes(`${path.sep}node_modules${path.sep}`);
      if (fromDependency && !args.importer.includes(`${path.sep}node_modules${path.sep}commander${path.sep}`)) return undefined;
      return { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' };
    });
    builder.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, async (args) => {
      const real = await import(`node:${args.path}`);
      // Functions only: a class or constant imported from here fails the build ("No matching export").
      const names = Object.keys(real).filter((name) => name !== 'default' && typeof real[name] === 'function' && /^[a-z]/.test(name));
      const lines = [
        "import { createRequire } from 'node:module';",
        'let real;',
        `const load = () => (real ??= createRequire(import.meta.url)('node:${args.path}'));`,
        ...names.map((name) => `export function ${name}(...args) { return load().${name}(...args); }`),
        'export default new Proxy({}, { get: (_, key) => load()[key] });',
      ];
      return { contents: lines.join('\n'), loader: 'js' };
    });
  },
};

/**
 * Large dependencies that only some code paths use are bundled once each into dist/vendor/ and
 * imported from there, so that their own imports of Node built-ins (execa's streams, tty, …) load
 * only when the path that needs them runs; inside a command's bundle they would load at every start.
 */
const VENDORED = ['execa', 'ts-graphviz', 'graphology', 'graphology-dag'];
/**
 * CommonJS-only packages among them: an ES module bundled from a CommonJS entry exports only
 * `default`, so their entry re-exports module.exports' functions by name (listed at build time).
 */
const COMMONJS_VENDORED = new Set(['graphology-dag']);
const commonJsEntries = {
  name: 'commonjs-entries',
  setup(builder) {
    builder.onResolve({ filter: /^commonjs-entry:/ }, (args) => ({ path: args.path.slice('commonjs-entry:'.length), namespace: 'commonjs-entry' }));
    builder.onLoad({ filter: /.*/, namespace: 'commonjs-entry' }, (args) => {
      const names = Object.keys(createRequire(path.join(root, 'package.json'))(args.path)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name));
      return { contents: `import m from '${args.path}';\nexport const { ${names.join(', ')} } = m;\nexport default m;\n`, loader: 'js', resolveDir: root };
    });
  },
};
const vendored = (vendorDir) => ({
  name: 'vendored',
  setup(builder) {
    builder.onResolve({ filter: new RegExp(`^(${VENDORED.join('|')})$`) }, (args) =>
      args.kind === 'entry-point' || args.namespace === 'commonjs-entry' ? undefined : { path: `${vendorDir}/${args.path}.js`, external: true },
    );
  },
});

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'bundle',
  // highs (the exact modes' WASM solver) finds its .wasm beside its own module: loaded from node_modules.
  external: ['highs'],
  // Bundled CommonJS dependencies (graphology, its helpers) call require() for Node built-ins.
  banner: { js: "import { createRequire as __dydisnixCreateRequire } from 'node:module'; const require = __dydisnixCreateRequire(import.meta.url);" },
  legalComments: 'linked',
  logLevel: 'warning',
};

rmSync(path.join(root, 'dist'), { recursive: true, force: true });
await Promise.all([
  // dist/vendor/<package>.js; graphology-dag imports the one graphology beside it.
  build({
    ...common,
    entryPoints: Object.fromEntries(VENDORED.map((name) => [name, COMMONJS_VENDORED.has(name) ? `commonjs-entry:${name}` : name])),
    outdir: 'dist/vendor',
    plugins: [commonJsEntries, vendored('.')],
  }),
  // dist/src/cli/*.js and dist/src/ids/read-ids.js
  build({ ...common, entryPoints: cliEntryPoints, outbase: 'src', outdir: 'dist/src', plugins: [lazyBuiltins, vendored('../../vendor')] }),
  build({ ...common, entryPoints: ts('bench'), outbase: 'bench', outdir: 'dist/bench', plugins: [lazyBuiltins, vendored('../vendor')] }),
]);
