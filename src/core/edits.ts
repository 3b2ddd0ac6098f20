// Text edits that rules offer as fixes or suggestions, built once so every rule formats alike.
import { ts } from './typescript.js';
import type { TextEdit } from './types.js';

/**
 * Adds `property` (e.g. `signal: AbortSignal.timeout(10_000)`) to an object literal: into `{}`,
 * after the last property on the same line, or on a new line with the last property's indent.
 */
export function addPropertyEdit(literal: ts.ObjectLiteralExpression, property: string): TextEdit {
  const sf = literal.getSourceFile();
  const last = literal.properties[literal.properties.length - 1];
  if (!last) return { start: literal.getStart(sf), end: literal.end, text: `{ ${property} }` };
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line;
  const lastLine = lineOf(last.getStart(sf));
  if (lastLine === lineOf(literal.getStart(sf))) return { start: last.end, end: last.end, text: `, ${property}` };
  const indent = /^[ \t]*/.exec(sf.text.slice(sf.getPositionOfLineAndCharacter(lastLine, 0)))?.[0] ?? '';
  return { start: last.end, end: last.end, text: `,\n${indent}${property}` };
}

/** Appends an argument after `after` (`fetch(url)` → `fetch(url, { … })`). */
export function addArgumentEdit(after: ts.Node, argument: string): TextEdit {
  return { start: after.end, end: after.end, text: `, ${argument}` };
}
