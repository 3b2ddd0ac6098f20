// A dependency loaded on first use, for those only some projects or some scans need (ajv: a
// configuration with rule options; yaml: a pnpm workspace; dockerfile-ast: a Dockerfile; globby: a
// scan that lists the tree, which one after a change to sources only does not): loading each costs
// a process 25–80 ms, and every scan that parses starts a process.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `load()` requires `specifier` the first time it is called and answers the same module after. */
export function lazyRequire<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}

/** globby, an ES module: `require` loads one without a flag on Node 20.19+ and 22.12+ (package.json `engines`). */
export const globby = lazyRequire<typeof import('globby')>('globby');
