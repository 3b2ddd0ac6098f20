// Synthetic reports for the reporter tests: findings and a report around them, so that a test
// states only what it is about (a budget, a cap, an escape) and not a whole scan.
import { CATEGORIES, SEVERITIES, type Finding, type Report, type Severity } from '../../src/core/types.js';

type FindingDefaults = Pick<Finding, 'ruleId' | 'category' | 'severity' | 'column' | 'endColumn' | 'message'>;

/** A finding maker: `defaults` for the rule's fields, each call gives at least a file and a line. */
export function findingMaker(defaults: FindingDefaults): (over: Partial<Finding> & Pick<Finding, 'file' | 'line'>) => Finding {
  return (over) => ({ ...defaults, endLine: over.line, fingerprint: `${over.file}:${over.line}`, ...over });
}

/** A schema-1 report holding `findings`, with the given overall score and file count. */
export function reportOf(findings: Finding[], score: { overall: number; grade: Report['score']['grade'] }, files: number): Report {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length])) as Record<Severity, number>;
  return {
    schemaVersion: 1,
    tool: { name: 'prodcheck', version: '0.1.0' },
    score: {
      ...score,
      categories: Object.fromEntries(CATEGORIES.map((c) => [c, { score: null, findings: 0 }])) as Report['score']['categories'],
    },
    summary: { files, findings: findings.length, bySeverity },
    rules: [],
    findings,
    errors: [],
    fixFirst: [],
  };
}

/** A `require-http-timeout` finding (an `axios.get` without a timeout) at the given place. */
export const httpTimeoutFinding = findingMaker({
  ruleId: 'require-http-timeout',
  category: 'resilience',
  severity: 'high',
  column: 5,
  endColumn: 30,
  message: '`axios.get` has no timeout: pass `{ timeout }` or create the client with one',
});
