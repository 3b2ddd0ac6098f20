// The scoring model (docs/scoring.md explains it with a worked example).
//
// - A rule that checked sites scores 100 × (1 − violations / sites): normalised by the places the
//   rule looked at, so a big repository is not punished for being big.
// - A category is the severity-weighted mean of its applicable rules, minus a penalty for
//   critical findings (so one critical finding is always visible); no applicable rule → null.
// - The overall score is the mean of the non-null categories, minus a smaller critical penalty.
// Every term only rises when a finding is fixed or clean code is added, so the score is monotone.
import type { Category, CategoryScore, Finding, FixFirst, PackageScore, Report, RuleSummary, Severity } from '../core/types.js';
import type { WorkspacePackage } from '../project/workspaces.js';
import { CATEGORIES } from '../core/types.js';

export const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 8, high: 4, medium: 2, low: 1 };
/** Points a category loses per critical finding in it, and at most. */
export const CATEGORY_CRITICAL_PENALTY = { each: 10, max: 30 };
/** Points the overall score loses per critical finding, and at most. */
export const OVERALL_CRITICAL_PENALTY = { each: 5, max: 20 };
export const GRADES: Array<{ grade: 'A' | 'B' | 'C' | 'D'; min: number }> = [
  { grade: 'A', min: 90 },
  { grade: 'B', min: 80 },
  { grade: 'C', min: 70 },
  { grade: 'D', min: 60 },
];

export type Score = Report['score'];

function ruleScore(rule: RuleSummary): number | null {
  const sites = Math.max(rule.sites, rule.violations);
  if (sites === 0) return null;
  return 100 * (1 - rule.violations / sites);
}

function penalty(criticals: number, p: { each: number; max: number }): number {
  return Math.min(p.max, criticals * p.each);
}

function criticalCount(rules: readonly RuleSummary[]): number {
  return rules.reduce((n, r) => n + (r.severity === 'critical' ? r.violations : 0), 0);
}

/** Unrounded scores: categories (null when not applicable) and overall. */
function exactScores(rules: readonly RuleSummary[]): { categories: Record<Category, number | null>; overall: number | null } {
  const categories = {} as Record<Category, number | null>;
  for (const category of CATEGORIES) {
    let weighted = 0;
    let weights = 0;
    const inCategory = rules.filter((r) => r.category === category);
    for (const rule of inCategory) {
      const s = ruleScore(rule);
      if (s === null) continue;
      weighted += s * SEVERITY_WEIGHT[rule.severity];
      weights += SEVERITY_WEIGHT[rule.severity];
    }
    categories[category] = weights === 0 ? null : Math.max(0, weighted / weights - penalty(criticalCount(inCategory), CATEGORY_CRITICAL_PENALTY));
  }
  const applicable = CATEGORIES.map((c) => categories[c]).filter((s): s is number => s !== null);
  const overall =
    applicable.length === 0
      ? null
      : Math.max(0, applicable.reduce((a, b) => a + b, 0) / applicable.length - penalty(criticalCount(rules), OVERALL_CRITICAL_PENALTY));
  return { categories, overall };
}

export function gradeOf(score: number | null): Score['grade'] {
  if (score === null) return null;
  return GRADES.find((g) => score >= g.min)?.grade ?? 'F';
}

/** Rounds down so that a score shown as 90 really reached 90. */
function shown(score: number): number {
  return Math.floor(score + 1e-9);
}

/** The report's score and the fixes that would raise the overall score most (at most `limit`). */
export function scoreReport(rules: readonly RuleSummary[], findings: readonly Finding[], limit = 3): { score: Score; fixFirst: FixFirst[] } {
  const exact = exactScores(rules);
  const categories = {} as Record<Category, CategoryScore>;
  for (const category of CATEGORIES) {
    const s = exact.categories[category];
    categories[category] = { score: s === null ? null : shown(s), findings: findings.filter((f) => f.category === category).length };
  }
  const overall = exact.overall === null ? null : shown(exact.overall);
  const fixFirst: FixFirst[] = [];
  if (exact.overall !== null) {
    for (const rule of rules) {
      if (rule.violations === 0) continue;
      const fixed = exactScores(rules.map((r) => (r === rule ? { ...r, violations: 0 } : r)));
      const gain = Math.round(((fixed.overall ?? 0) - exact.overall) * 10) / 10;
      if (gain > 0) fixFirst.push({ ruleId: rule.id, findings: rule.violations, gain });
    }
    fixFirst.sort((a, b) => b.gain - a.gain || a.findings - b.findings || (a.ruleId < b.ruleId ? -1 : 1));
  }
  return { score: { overall, grade: gradeOf(overall), categories }, fixFirst: fixFirst.slice(0, limit) };
}

/** A monorepo's packages, each scored on its own findings and sites with the report's rule severities. */
export function scorePackages(
  packages: readonly WorkspacePackage[],
  packageSites: ReadonlyMap<string, ReadonlyMap<string, number>>,
  findings: readonly Finding[],
  rules: readonly RuleSummary[],
  packageOf: (file: string) => WorkspacePackage,
): PackageScore[] {
  const byPackage = new Map<string, Finding[]>();
  for (const f of findings) {
    const path = packageOf(f.file).path;
    const own = byPackage.get(path);
    if (own) own.push(f);
    else byPackage.set(path, [f]);
  }
  const out: PackageScore[] = [];
  for (const pkg of packages) {
    const own = byPackage.get(pkg.path) ?? [];
    // A package with no scanned file and no finding (a manifest-only package) is left out.
    const siteCounts = packageSites.get(pkg.path);
    if (!siteCounts && own.length === 0) continue;
    const summaries = rules.map((r) => {
      const v = own.filter((f) => f.ruleId === r.id).length;
      return { ...r, sites: Math.max(siteCounts?.get(r.id) ?? 0, v), violations: v };
    });
    out.push({ name: pkg.name, path: pkg.path, score: scoreReport(summaries, own).score.overall });
  }
  return out;
}
