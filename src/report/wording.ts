// Phrases every human-readable format prints the same way, so that the terminal, the PR comment
// and the HTML report say the same thing in the same words.
import type { AnyRule, FixFirst, Report } from '../core/types.js';

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** What fixing a "fix these first" rule covers: "2 of 12 log calls (console and logger)". */
export function fixFirstScope(report: Report, fix: FixFirst, rule: AnyRule | undefined): string {
  const sites = report.rules.find((r) => r.id === fix.ruleId)?.sites ?? fix.findings;
  return rule ? `${fix.findings} of ${sites} ${rule.docs.sites}` : plural(fix.findings, 'finding');
}

/** A piece of a message: plain text, or a backtick code span (`raw` keeps its fences). */
export type MessagePart = { code: false; text: string } | { code: true; text: string; raw: string };

/**
 * Splits a message into text and backtick code spans, matched the CommonMark way (a closing run of
 * the same length); an unmatched run of backticks stays text. Rules quote code in messages so.
 */
export function messageParts(message: string): MessagePart[] {
  const parts: MessagePart[] = [];
  let text = '';
  let i = 0;
  while (i < message.length) {
    const open = /`+/g;
    open.lastIndex = i;
    const m = open.exec(message);
    if (m === null) break;
    const fence = m[0];
    const close = new RegExp(`(?<!\`)${fence}(?!\`)`, 'g');
    close.lastIndex = m.index + fence.length;
    const end = close.exec(message);
    if (end === null) {
      text += message.slice(i, m.index + fence.length);
      i = m.index + fence.length;
      continue;
    }
    text += message.slice(i, m.index);
    if (text) parts.push({ code: false, text });
    text = '';
    parts.push({ code: true, text: message.slice(m.index + fence.length, end.index), raw: message.slice(m.index, end.index + fence.length) });
    i = end.index + fence.length;
  }
  text += message.slice(i);
  if (text) parts.push({ code: false, text });
  return parts;
}
