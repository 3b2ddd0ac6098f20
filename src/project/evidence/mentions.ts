// A cheap per-file test a collector makes before subscribing to node kinds: a collector whose
// evidence needs a name in the source (a package's module name, `process`, a SQL keyword) skips a
// file whose text never holds it. Exact, not a heuristic: a name the syntax tree holds (an
// identifier, a string literal's value, an import specifier) is a substring of the file's text
// unless it is written with an escape sequence, so a file with a backslash anywhere always counts
// as mentioning every name.
import type { ts } from 'ts-morph';

const escapes = new WeakMap<ts.SourceFile, boolean>();

/** The file's text holds a backslash, so an escape sequence could spell any name (asked once per file). */
export function mayEscape(sf: ts.SourceFile): boolean {
  let found = escapes.get(sf);
  if (found === undefined) {
    found = sf.text.includes('\\');
    escapes.set(sf, found);
  }
  return found;
}

/** The file's text holds one of `names`, or a backslash (then an escape could spell any of them). */
export function mentions(sf: ts.SourceFile, names: readonly string[]): boolean {
  if (mayEscape(sf)) return true;
  const text = sf.text;
  for (const name of names) if (text.includes(name)) return true;
  return false;
}
