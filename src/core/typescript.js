// The TypeScript that parses every file: ts-morph's bundled copy (@ts-morph/common's typescript.js),
// loaded directly with require. Importing `ts` from 'ts-morph' in an ES module costs more for every
// process that parses (Node lexes ts-morph's CommonJS for its export names and loads ts-morph and
// @ts-morph/common around the compiler: about 0.2 s), and hands out a namespace object whose every
// member is a getter. Same compiler, same objects: test/core/typescript.test.ts checks that this is
// the very module ts-morph wraps. Plain JavaScript, because a TypeScript module cannot give a value
// loaded this way the `ts` namespace's types: typescript.d.ts beside it does. tsc does not emit it:
// `npm run build` and the tests' build (test/support/built.ts) copy it next to the compiled modules.
import { createRequire } from 'node:module';

export const ts = createRequire(import.meta.url)('@ts-morph/common/dist/typescript.js');
