// Types of ./typescript.js: ts-morph's `ts` namespace (the module itself is ts-morph's bundled compiler).
export { ts } from 'ts-morph';
