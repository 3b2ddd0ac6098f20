// The scoring model's properties from DESIGN.md, each a test, and docs/scoring.md's worked example.
import { describe, expect, it } from 'vitest';
import type { Category, Finding, RuleSummary, Severity } from '../src/core/types.js';
import { CATEGORIES, SEVERITIES } from '../src/core/types.js';
import { gradeOf, scoreReport } from '../src/score/score.js';

function rule(id: string, category: Category, severity: Severity, sites: number, violations: number): RuleSummary {
  return { id, category, severity, sites, violations };
}

function findingsFor(rules: RuleSummary[]): Finding[] {
  return rules.flatMap((r) =>
    Array.from({ length: r.violations }, (_, i) => ({
      ruleId: r.id,
      category: r.category,
      severity: r.severity,
      file: 'src/app.ts',
      line: i + 1,
      column: 1,
      endLine: i + 1,
      endColumn: 2,
      message: 'm',
      fingerprint: '0',
    })),
  );
}

function exact(rules: RuleSummary[]) {
  return scoreReport(rules, findingsFor(rules)).score;
}

/** A seeded generator, so that a failing case is reproducible. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

function randomRules(next: () => number): RuleSummary[] {
  const n = 1 + Math.floor(next() * 8);
  return Array.from({ length: n }, (_, i) => {
    const sites = Math.floor(next() * 30);
    return rule(`rule-${i}`, CATEGORIES[Math.floor(next() * CATEGORIES.length)] ?? 'resilience', SEVERITIES[Math.floor(next() * 4)] ?? 'low', sites, Math.floor(next() * (sites + 1)));
  });
}

describe('score model', () => {
  it('is normalised by sites, not by size', () => {
    const few = exact([rule('require-http-timeout', 'resilience', 'high', 40, 3)]);
    const many = exact([rule('require-http-timeout', 'resilience', 'high', 40, 30)]);
    expect(few.overall).toBe(92);
    expect(many.overall).toBe(25);
    const bigger = exact([rule('require-http-timeout', 'resilience', 'high', 400, 30)]);
    expect(bigger.overall).toBe(92);
  });

  it('makes one critical finding visible in the overall score', () => {
    const clean = [rule('no-console-log', 'observability', 'medium', 200, 0), rule('async-handler-errors', 'resilience', 'critical', 300, 0)];
    const oneCritical = [clean[0]!, rule('async-handler-errors', 'resilience', 'critical', 300, 1)];
    expect(exact(clean).overall).toBe(100);
    expect(exact(oneCritical).overall).toBeLessThanOrEqual(90);
    expect(exact(oneCritical).grade).not.toBe('A');
  });

  it('never lowers the score when a finding is fixed or clean code is added (500 random projects)', () => {
    const next = random(42);
    for (let i = 0; i < 500; i++) {
      const rules = randomRules(next);
      const before = exact(rules);
      const target = Math.floor(next() * rules.length);
      const fixed = rules.map((r, j) => (j === target && r.violations > 0 ? { ...r, violations: r.violations - 1 } : r));
      const grown = rules.map((r, j) => (j === target ? { ...r, sites: r.sites + 1 + Math.floor(next() * 10) } : r));
      const withCleanRule = [...rules, rule('clean', CATEGORIES[Math.floor(next() * 6)] ?? 'security', 'high', 5, 0)];
      for (const after of [exact(fixed), exact(grown)]) {
        expect(after.overall ?? 0).toBeGreaterThanOrEqual(before.overall ?? 0);
        for (const c of CATEGORIES) expect(after.categories[c].score ?? 0).toBeGreaterThanOrEqual(before.categories[c].score ?? 0);
      }
      // A category that had no applicable rule becomes applicable at 100; the others do not move.
      const added = exact(withCleanRule);
      if (before.overall !== null) expect(added.overall ?? 0).toBeGreaterThanOrEqual(before.overall);
    }
  });

  it('leaves categories without an applicable rule null, and out of the overall', () => {
    const score = exact([rule('no-console-log', 'observability', 'medium', 10, 5), rule('no-in-memory-session', 'scalability', 'high', 0, 0)]);
    expect(score.categories.observability).toEqual({ score: 50, findings: 5 });
    expect(score.categories.scalability).toEqual({ score: null, findings: 0 });
    expect(score.categories.security.score).toBeNull();
    expect(score.overall).toBe(50);
    expect(exact([]).overall).toBeNull();
    expect(exact([]).grade).toBeNull();
  });

  it('grades on fixed boundaries', () => {
    expect([100, 90, 89, 80, 79, 70, 69, 60, 59, 0].map(gradeOf)).toEqual(['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D', 'F', 'F']);
  });

  it('reproduces the worked example of docs/scoring.md', () => {
    const rules = [
      rule('async-handler-errors', 'resilience', 'critical', 12, 1),
      rule('no-floating-promise', 'resilience', 'high', 40, 4),
      rule('require-http-timeout', 'resilience', 'high', 10, 5),
      rule('no-in-memory-session', 'scalability', 'high', 1, 1),
      rule('no-console-log', 'observability', 'medium', 50, 10),
    ];
    const { score, fixFirst } = scoreReport(rules, findingsFor(rules));
    expect(score).toEqual({
      overall: 45,
      grade: 'F',
      categories: {
        resilience: { score: 70, findings: 10 },
        scalability: { score: 0, findings: 1 },
        observability: { score: 80, findings: 10 },
        security: { score: null, findings: 0 },
        architecture: { score: null, findings: 0 },
        operations: { score: null, findings: 0 },
      },
    });
    expect(fixFirst).toEqual([
      { ruleId: 'no-in-memory-session', findings: 1, gain: 33.3 },
      { ruleId: 'async-handler-errors', findings: 1, gain: 9.7 },
      { ruleId: 'no-console-log', findings: 10, gain: 6.7 },
    ]);
  });
});
