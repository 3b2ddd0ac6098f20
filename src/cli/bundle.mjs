// Bundles the compiled CLI (dist/src/cli/bin.js) and its worker thread (dist/src/parallel/worker.js)
// into dist/cli/, the `prodcheck` command's code. A scan's process loads about 170 of prodcheck's
// modules and as many of its dependencies' before it reads a file; Node 20 resolves, reads and links
// each on its own, which costs every process (the CLI and each worker thread) about 0.12 s that one
// bundle does not (bench/README.md, "Eleventh session"). The library entry points and the ESLint
// plugin stay the modules tsc compiled (dist/src), which an editor loads once.
//
// Left outside the bundle, loaded from node_modules as before:
// - the TypeScript compiler, which ./core/typescript.js requires through V8's code cache;
// - what is required on first use (ajv, yaml, dockerfile-ast, globby: ../core/lazy.ts), since
//   those are `require` calls a bundler does not follow; globby also because ../core/walk.ts
//   requires the very modules globby uses (its ignore, fast-glob and micromatch, from the installed
//   globby), which a copy inside the bundle would not be;
// - jsonc-parser, whose UMD build requires its parts by computed paths.
//
// Usage: node src/cli/bundle.mjs [DIST]   (after tsc; DIST defaults to dist/ beside src/)
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
