import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/core/parse.js';
import { parseSuppressions } from '../../src/core/suppressions.js';

const known = new Set(['no-console-log', 'require-http-timeout']);

function suppressed(code: string, ruleId: string): number[] {
  const { sourceFile } = parseText('/p/a.ts', code);
  const s = parseSuppressions(sourceFile, known);
  const lines = code.split('\n').length;
  return Array.from({ length: lines }, (_, i) => i + 1).filter((line) => s.isSuppressed(ruleId, line));
}

describe('inline suppressions', () => {
  it('disable-next-line and disable-line silence one line, for the named rules only', () => {
    const code = [
      '// prodcheck-disable-next-line no-console-log -- boot banner',
      "console.log('a');",
      "console.log('b'); // prodcheck-disable-line no-console-log",
      "console.log('c');",
      '/* prodcheck-disable-next-line require-http-timeout */',
      "console.log('d');",
    ].join('\n');
    expect(suppressed(code, 'no-console-log')).toEqual([2, 3]);
    expect(suppressed(code, 'require-http-timeout')).toEqual([6]);
  });

  it('disable … enable silences a range; without ids it applies to every rule', () => {
    const code = ['a();', '/* prodcheck-disable */', 'b();', 'c();', '/* prodcheck-enable */', 'd();', '// prodcheck-disable no-console-log', 'e();'].join('\n');
    expect(suppressed(code, 'no-console-log')).toEqual([2, 3, 4, 7, 8]);
    expect(suppressed(code, 'require-http-timeout')).toEqual([2, 3, 4]);
  });

  it('reports unknown rule ids and ignores directives inside strings', () => {
    const code = ["const s = '// prodcheck-disable-next-line no-console-log';", "console.log(s);", '// prodcheck-disable-next-line no-consol-log', 'x();'].join('\n');
    const { sourceFile } = parseText('/p/a.ts', code);
    const s = parseSuppressions(sourceFile, known);
    expect(s.isSuppressed('no-console-log', 2)).toBe(false);
    expect(s.problems).toEqual(['3:1 unknown rule id "no-consol-log" in prodcheck-disable-next-line']);
  });
});
