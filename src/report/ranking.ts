// The order in which a size-limited output (a PR comment, the runner's annotation budget) keeps
// findings: those on the lines a pull request changed first, then by severity, then by place.
// Shared so the comment and the annotations agree on what matters most.
import type { Finding, Severity } from '../core/types.js';
import { SEVERITIES } from '../core/types.js';
import { isOnChangedLine, type ChangedLines } from './changed.js';

export interface RankedFinding {
  finding: Finding;
  /** On a changed line; always false when no changed-lines information was given. */
  changed: boolean;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Findings most worth a reader's attention first; the same input always gives the same order. */
export function rankFindings(findings: readonly Finding[], changed?: ChangedLines): RankedFinding[] {
  return findings
    .map((finding) => ({ finding, changed: changed !== undefined && isOnChangedLine(changed, finding) }))
    .sort(
      (a, b) =>
        Number(b.changed) - Number(a.changed) ||
        severityRank(a.finding.severity) - severityRank(b.finding.severity) ||
        compareStrings(a.finding.file, b.finding.file) ||
        a.finding.line - b.finding.line ||
        a.finding.column - b.finding.column ||
        compareStrings(a.finding.ruleId, b.finding.ruleId),
    );
}
