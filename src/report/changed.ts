// The lines a pull request added or changed, as the filter stage hands them to the reporters:
// POSIX path relative to the scanned root → 1-based line numbers of the head version.
// The git diff that produces the map lives in src/filter/; this module only names the shape and
// answers "is this finding new on the changed lines?" the same way for every format.
import type { Finding } from '../core/types.js';

export type ChangedLines = ReadonlyMap<string, ReadonlySet<number>>;

/**
 * A finding is on a changed line when its start line is one: that is the line every face points
 * at (annotation, link, SARIF region). A finding spanning a whole function is not "new" because
 * one line inside it was edited. A finding without a line (line 0: a project finding about a
 * file) counts when its file is in the map at all.
 */
export function isOnChangedLine(changed: ChangedLines, finding: Pick<Finding, 'file' | 'line'>): boolean {
  const lines = changed.get(finding.file);
  if (lines === undefined) return false;
  return finding.line <= 0 || lines.has(finding.line);
}
