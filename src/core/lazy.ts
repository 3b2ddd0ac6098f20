// A CommonJS dependency loaded on first use, for those only some projects need (ajv: a configuration
// with rule options; yaml: a pnpm workspace; dockerfile-ast: a Dockerfile): loading each costs a
// process 25–50 ms, and every scan that parses starts a process.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `load()` requires `specifier` the first time it is called and answers the same module after. */
export function lazyRequire<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}
