// The parser prodcheck loads (src/core/typescript.js, required directly to spare every process
// ts-morph's own start-up) must be the compiler ts-morph bundles, not some other TypeScript that
// node_modules happens to hold: the same module ts-morph's `ts` namespace wraps.
import { createRequire } from 'node:module';
import { ts as tsMorphTs } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { ts } from '../../src/core/typescript.js';

describe('the TypeScript prodcheck parses with', () => {
  it('is ts-morph\u2019s bundled compiler: the very functions and enums of its `ts`', () => {
    expect(ts.version).toBe(tsMorphTs.version);
    expect(ts.createSourceFile).toBe(tsMorphTs.createSourceFile);
    expect(ts.forEachChild).toBe(tsMorphTs.forEachChild);
    expect(ts.SyntaxKind).toBe(tsMorphTs.SyntaxKind);
  });

  it('is not the TypeScript installed beside it for the build (another version, another module)', () => {
    const standalone = createRequire(import.meta.url)('typescript') as typeof ts;
    expect(ts.createSourceFile).not.toBe(standalone.createSourceFile);
  });

  it('parses a service file with parent links set', () => {
    const sf = ts.createSourceFile('/repo/src/orders.service.ts', 'export async function createOrder(id: string) {\n  return db.orders.insert({ id });\n}\n', ts.ScriptTarget.Latest, true);
    const fn = sf.statements[0] as ts.FunctionDeclaration;
    expect(ts.isFunctionDeclaration(fn)).toBe(true);
    expect(fn.name?.text).toBe('createOrder');
    expect(fn.parent).toBe(sf);
  });
});
