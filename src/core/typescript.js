// The TypeScript that parses every file: ts-morph's bundled copy (@ts-morph/common's typescript.js),
// loaded directly. Importing `ts` from 'ts-morph' in an ES module costs more for every process that
// parses (Node lexes ts-morph's CommonJS for its export names and loads ts-morph and
// @ts-morph/common around the compiler: about 0.2 s), and hands out a namespace object whose every
// member is a getter. Same compiler, same objects: test/core/typescript.test.ts checks that this is
// the very module ts-morph wraps. It is compiled through V8's code cache (./compile-cache.ts).
// Plain JavaScript, because a TypeScript module cannot give a value loaded this way the `ts`
// namespace's types: typescript.d.ts beside it does. tsc does not emit it: `npm run build` and the
// tests' build (test/support/built.ts) copy it next to the compiled modules.
import { compileCacheDirectory, requireCompiled } from './compile-cache.js';

export const ts = requireCompiled('@ts-morph/common/dist/typescript.js', import.meta.url, compileCacheDirectory());
