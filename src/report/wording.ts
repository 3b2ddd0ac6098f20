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
