// Inline suppressions:
//   // prodcheck-disable-next-line rule-a, rule-b -- reason
//   foo(); // prodcheck-disable-line rule-a
//   /* prodcheck-disable rule-a */ … /* prodcheck-enable rule-a */   (no ids: every rule)
import { ts } from './typescript.js';

interface Directive {
  kind: 'disable' | 'enable' | 'disable-line' | 'disable-next-line';
  /** Empty: every rule. */
  ruleIds: string[];
  /** 0-based line of the comment (start for block ranges, the end line for line directives). */
  line: number;
  column: number;
}

export interface Suppressions {
  isSuppressed(ruleId: string, line: number): boolean;
  /** Problems with the directives themselves (unknown rule ids), as `line:col message`. */
  problems: string[];
}

const DIRECTIVE = /^\s*prodcheck-(disable-next-line|disable-line|disable|enable)(?=\s|$)([^]*)$/;

function commentBody(text: string): string {
  return text.startsWith('//') ? text.slice(2) : text.slice(2, -2);
}

/** Every comment of the file: the trivia before and after each node covers them all, except
 * comments alone inside an empty block, which cannot suppress anything. */
function scanComments(sf: ts.SourceFile, onComment: (pos: number, end: number) => void): void {
  const { text } = sf;
  const visit = (node: ts.Node) => {
    for (const r of ts.getLeadingCommentRanges(text, node.pos) ?? []) onComment(r.pos, r.end);
    for (const r of ts.getTrailingCommentRanges(text, node.end) ?? []) onComment(r.pos, r.end);
    for (const r of ts.getLeadingCommentRanges(text, node.end) ?? []) onComment(r.pos, r.end);
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

export function parseSuppressions(sf: ts.SourceFile, knownRuleIds: ReadonlySet<string>): Suppressions {
  const directives: Directive[] = [];
  const problems: string[] = [];
  if (sf.text.includes('prodcheck-')) {
    const seen = new Set<number>();
    scanComments(sf, (pos, end) => {
      if (seen.has(pos)) return;
      seen.add(pos);
      const raw = sf.text.slice(pos, end);
      const m = DIRECTIVE.exec(commentBody(raw));
      if (!m) return;
      const kind = m[1] as Directive['kind'];
      const rest = (m[2] ?? '').split(/\s--\s|\s--$/)[0] ?? '';
      const ruleIds = rest.split(/[\s,]+/).filter(Boolean);
      const start = sf.getLineAndCharacterOfPosition(pos);
      const endLc = sf.getLineAndCharacterOfPosition(end);
      for (const id of ruleIds) {
        if (!knownRuleIds.has(id)) problems.push(`${start.line + 1}:${start.character + 1} unknown rule id "${id}" in prodcheck-${kind}`);
      }
      directives.push({ kind, ruleIds, line: kind === 'disable' || kind === 'enable' ? start.line : endLc.line, column: start.character });
    });
    directives.sort((a, b) => a.line - b.line || a.column - b.column);
  }

  return {
    problems,
    isSuppressed(ruleId, line1) {
      const line = line1 - 1;
      let blockDisabled = false;
      for (const d of directives) {
        const applies = d.ruleIds.length === 0 || d.ruleIds.includes(ruleId);
        if (!applies) continue;
        if (d.kind === 'disable-line' && d.line === line) return true;
        if (d.kind === 'disable-next-line' && d.line + 1 === line) return true;
        if (d.line > line) continue;
        if (d.kind === 'disable') blockDisabled = true;
        if (d.kind === 'enable') blockDisabled = false;
      }
      return blockDisabled;
    },
  };
}
