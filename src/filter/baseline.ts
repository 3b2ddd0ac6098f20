// Baselines (`prodcheck baseline --output FILE`, then `--baseline FILE`): adopt prodcheck on an
// old codebase without fixing everything first. The baseline records today's findings by
// fingerprint; later scans hide exactly those and say how many of them were fixed since.
// Fingerprints come from the rule, the file, the enclosing symbol and the finding's own code
// (src/core/fingerprint.ts), never the line: moving code up or down keeps a finding baselined,
// and a new finding of the same rule in the same file has a new fingerprint, so it shows (a
// per-file-and-rule count, like ESLint's bulk suppressions, would hide it).
import { UsageError } from '../config/errors.js';
import { countBySeverity } from '../core/findings.js';
import { readJsonInput } from './json-input.js';
import type { Report } from '../core/types.js';

export interface BaselineEntry {
  fingerprint: string;
  /** The rest is for people reading the file (and its diffs in review); matching uses the fingerprint only. */
  ruleId: string;
  file: string;
  line: number;
  message: string;
}

export interface Baseline {
  schemaVersion: 1;
  tool: 'prodcheck';
  /** The prodcheck version of the scan the baseline was made from. */
  createdWith: string;
  findings: BaselineEntry[];
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A baseline of every finding of `report`, sorted (file, line, ruleId, fingerprint) so the same scan gives the same bytes. */
export function createBaseline(report: Report): Baseline {
  const seen = new Set<string>();
  const findings: BaselineEntry[] = [];
  for (const f of report.findings) {
    if (seen.has(f.fingerprint)) continue;
    seen.add(f.fingerprint);
    findings.push({ fingerprint: f.fingerprint, ruleId: f.ruleId, file: f.file, line: f.line, message: f.message });
  }
  findings.sort(
    (a, b) => compareStrings(a.file, b.file) || a.line - b.line || compareStrings(a.ruleId, b.ruleId) || compareStrings(a.fingerprint, b.fingerprint),
  );
  return { schemaVersion: 1, tool: 'prodcheck', createdWith: report.tool.version, findings };
}

/** The baseline file's text: two-space JSON with a final newline (keys in a fixed order). */
export function renderBaseline(baseline: Baseline): string {
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

/** Checks a parsed baseline file; `source` (the path) names it in the one-line error. */
export function asBaseline(value: unknown, source: string): Baseline {
  const fail = (why: string): never => {
    throw new UsageError(`--baseline: ${source} ${why}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('is not a prodcheck baseline (expected a JSON object)');
  const v = value as Record<string, unknown>;
  if (typeof v.tool === 'object' && v.tool !== null && (v.tool as Record<string, unknown>).name === 'prodcheck') {
    return fail('is a prodcheck report, not a baseline (create one with: prodcheck baseline --output FILE)');
  }
  if (v.tool !== 'prodcheck') return fail('is not a prodcheck baseline (expected "tool": "prodcheck"; create one with: prodcheck baseline --output FILE)');
  if (v.schemaVersion !== 1) return fail(`has schemaVersion ${JSON.stringify(v.schemaVersion)}; this prodcheck reads schemaVersion 1`);
  if (!Array.isArray(v.findings)) return fail('has no "findings" array');
  v.findings.forEach((entry: unknown, i) => {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    if (typeof e.fingerprint !== 'string' || e.fingerprint === '') fail(`findings[${i}].fingerprint must be a non-empty string`);
  });
  return value as Baseline;
}

/** Reads and checks a baseline file. */
export function readBaseline(path: string): Baseline {
  const value = readJsonInput(path, '--baseline', (p) => `${p} does not exist (create it with: prodcheck baseline --output ${p})`);
  return asBaseline(value, path);
}

/**
 * The report without the baselined findings: `summary` recomputed, `score`, `rules` and
 * `fixFirst` left whole (baselined debt is still debt), and `baseline` saying how many findings
 * were hidden and how many baseline entries no longer match any finding (fixed, or their code
 * changed so much that it is a different finding now). Apply it before the changed-lines filter,
 * or entries in files the change did not touch would count as fixed.
 */
export function applyBaseline(report: Report, baseline: Baseline): Report {
  const known = new Set(baseline.findings.map((e) => e.fingerprint));
  const present = new Set(report.findings.map((f) => f.fingerprint));
  const findings = report.findings.filter((f) => !known.has(f.fingerprint));
  let fixed = 0;
  for (const fp of known) if (!present.has(fp)) fixed++;
  return {
    ...report,
    summary: { ...report.summary, findings: findings.length, bySeverity: countBySeverity(findings) },
    findings,
    baseline: { hidden: report.findings.length - findings.length, fixed },
  };
}

