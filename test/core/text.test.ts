import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/core/parse.js';
import { compactText } from '../../src/core/text.js';

/** compactText of the expression of the file's first statement. */
function compact(code: string): string {
  const { sourceFile } = parseText('/p/src/app.ts', code);
  const first = sourceFile.statements[0];
  if (!first) throw new Error('no statement');
  return compactText(first);
}

describe('compactText', () => {
  it('drops whitespace between tokens that stay apart without it', () => {
    expect(compact('this.ordersService\n  .create(\n    input,\n  );')).toBe('this.ordersService.create(input,);');
    expect(compact("axios . get ( url , { headers } )")).toBe('axios.get(url,{headers})');
  });
  it('keeps one space where two tokens would join: keywords, identifiers, repeated + or -', () => {
    expect(compact("(await   import('axios')).default.get")).toBe("(await import('axios')).default.get");
    expect(compact('new\n  Pool()')).toBe('new Pool()');
    expect(compact('a - -b')).toBe('a- -b');
    expect(compact('a + +b')).toBe('a+ +b');
    expect(compact('a - +b')).toBe('a-+b');
  });
});
