// Bundles the compiled CLI (dist/src/cli/bin.js) and its worker thread (dist/src/parallel/worker.js)
// into dist/cli/, the `prodcheck` command's code. A scan's process loads about 170 of prodcheck's
// modules and as many of its dependencies' before it reads a file; Node 20 resolves, reads and links
// each on its own, which costs every process (the CLI and each worker thread) about 0.12 s that one
// bundle does not (bench/README.md, "Eleventh session"). The library entry points and the ESLint
// plugin stay the modules tsc compiled (dist/src), which an editor loads once.
//
// Left outside the bundle:
// - the TypeScript compiler, which ./core/typescript.js requires through V8's code cache;
// - what is required on first use (ajv, yaml, dockerfile-ast, globby: ../core/lazy.ts), since those
//   are `require` calls a bundler does not follow. Each is bundled here into one CommonJS file of its
//   own, dist/cli/vendor/<name>.cjs, which ../core/lazy.ts requires through V8's code cache. globby's
//   also exports the very ignore, fast-glob and micromatch globby uses (../core/walk.ts needs those:
//   globby depends on ignore 7, not the 5 at the top of node_modules), taken from globby's directory
//   as globby's own imports are, so that the file holds one copy of each. (That file has no "use
//   strict": its entry is generated, and rolldown states none for it; from node_modules only ignore
//   runs sloppy. A second read found its file lists, .gitignore answers and reports the same as from
//   node_modules on 24 repositories.)
// - jsonc-parser, whose UMD build requires its parts by computed paths.
//
// Usage: node src/cli/bundle.mjs [DIST]   (after tsc; DIST defaults to dist/ beside src/)
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'rolldown';

const dist = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '../../dist'));
const out = join(dist, 'cli');
rmSync(out, { recursive: true, force: true });
await build({
  input: { prodcheck: join(dist, 'src/cli/bin.js'), worker: join(dist, 'src/parallel/worker.js') },
  platform: 'node',
  external: (id) => /^(node:|jsonc-parser(\/|$)|globby$)/.test(id),
  logLevel: 'warn',
  output: { dir: out, format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunk-[hash].js', sourcemap: false },
});

// The packages required on first use, one file each (the list is ../core/lazy.ts's).
const { VENDORED } = await import(pathToFileURL(join(dist, 'src/core/lazy.js')).href);
const require = createRequire(import.meta.url);
const fromGlobby = createRequire(require.resolve('globby'));
const GLOBBY_ENTRY = '\0prodcheck:globby';
const globbyEntry = [
  `export * from ${JSON.stringify(require.resolve('globby'))};`,
  `export { default as createIgnore } from ${JSON.stringify(fromGlobby.resolve('ignore'))};`,
  `export { default as fastGlob } from ${JSON.stringify(fromGlobby.resolve('fast-glob'))};`,
  `export { default as micromatch } from ${JSON.stringify(fromGlobby.resolve('micromatch'))};`,
].join('\n');
for (const name of VENDORED) {
  await build({
    input: name === 'globby' ? GLOBBY_ENTRY : require.resolve(name),
    platform: 'node',
    external: (id) => id.startsWith('node:'),
    plugins: [{ name: 'prodcheck-globby-entry', resolveId: (id) => (id === GLOBBY_ENTRY ? id : null), load: (id) => (id === GLOBBY_ENTRY ? globbyEntry : null) }],
    logLevel: 'warn',
    output: { file: join(out, 'vendor', `${name}.cjs`), format: 'cjs', sourcemap: false },
  });
}
