// A dependency loaded on first use, for those only some projects or some scans need (ajv: a
// configuration with rule options; yaml: a pnpm workspace; dockerfile-ast: a Dockerfile; globby: a
// scan that lists the tree, which one after a change to sources only does not): loading each costs
// a process 25–80 ms, and every scan that parses starts a process.
//
// The bundled CLI (src/cli/bundle.mjs) carries each of them as one file, its code with its own
// dependencies' (`vendor/<name>.cjs` beside the bundle's code), required through V8's code cache
// (./compile-cache.ts). From node_modules each is tens of files, resolved, read and compiled one by
// one: after the compiler is loaded, globby with the parts the walk uses took 60–95 ms here, yaml
// 24–36, dockerfile-ast 12–20; from the cached single files, 6.6, 2.6 and 5.3 ms (bench/README.md,
// "Seventeenth session"). The modules tsc compiles (the library, the ESLint plugin) and the tests,
// which have no vendor/ beside them, require the packages.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { compileCacheDirectory, requireCompiled } from './compile-cache.js';

const require = createRequire(import.meta.url);

/** The packages required on first use, each carried by the bundled CLI as `vendor/<name>.cjs` (src/cli/bundle.mjs builds one for each). */
export const VENDORED = ['ajv', 'yaml', 'dockerfile-ast', 'globby'] as const;
export type Vendored = (typeof VENDORED)[number];

/** Where the bundled CLI keeps them: beside the module this is bundled into. */
const VENDOR_DIR = new URL('./vendor/', import.meta.url);

/** The package: its bundled file when there is one beside this module, else from node_modules. */
function load(name: Vendored): unknown {
  const file = VENDOR_DIR.protocol === 'file:' ? fileURLToPath(new URL(`${name}.cjs`, VENDOR_DIR)) : null;
  if (file !== null && existsSync(file)) return requireCompiled(file, import.meta.url, compileCacheDirectory());
  return require(name);
}

/** `load()` requires the package the first time it is called and answers the same module after. */
export function lazyRequire<T>(name: Vendored): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load(name) as T);
}

/**
 * globby, an ES module: `require` loads one without a flag on Node 20.19+ and 22.12+ (package.json
 * `engines`). Its bundled file also exports the very `ignore`, `fast-glob` and `micromatch` it uses
 * (`createIgnore`, `fastGlob`, `micromatch`), for ./walk.ts.
 */
export const globby = lazyRequire<typeof import('globby')>('globby');
