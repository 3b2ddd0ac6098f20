// How a finding quotes code: the source text of a callee or receiver on one line.
import type { ts } from './typescript.js';

const WORD = /[\p{ID_Continue}$]/u;

/**
 * The node's source text without its whitespace, except one space where dropping it would join two
 * tokens: `(await import('axios')).default.get`, `new Pool`, `a - -b` (not `awaitimport`, `newPool`,
 * `a--b`). Text that had no such place is what stripping every space gives.
 */
export function compactText(node: ts.Node): string {
  return node.getText().replace(/\s+/g, (space: string, at: number, text: string) => {
    const before = text[at - 1] ?? '';
    const after = text[at + space.length] ?? '';
    const joins = (WORD.test(before) && WORD.test(after)) || ((before === '+' || before === '-') && after === before);
    return joins ? ' ' : '';
  });
}
