// Fixture helpers shared by the rule tests, the registry test and the ESLint parity test.
//
// Layout: fixtures/<rule-id>/{invalid,valid}/<case>/ — each case is a tiny project directory
// (source files, optionally package.json/tsconfig.json), scanned on its own with only that rule on.
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rules } from '../../rules/index.js';
import type { ResolvedConfig } from '../../src/config/types.js';
import { scan } from '../../src/scan.js';
import { UsageError } from '../../src/config/errors.js';
import { expect } from 'vitest';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
export const FIXTURES = join(ROOT, 'fixtures');

/** A configuration with only `ruleId` on (at its default severity and options). */
export function onlyRule(ruleId: string, options?: Record<string, unknown>): ResolvedConfig {
  const rulesConfig: ResolvedConfig['rules'] = {};
  for (const r of rules) if (r.id !== ruleId) rulesConfig[r.id] = 'off';
  if (options) {
    const rule = rules.find((r) => r.id === ruleId);
    if (rule) rulesConfig[ruleId] = { severity: rule.severity, options };
  }
  return { rules: rulesConfig, ignores: [], overrides: [], thresholds: { minScore: null, failOn: null }, source: null };
}

/** The rules the reporter tests show on the example project: the five flagship rules, so that new rules do not move their golden outputs. */
export const REPORTER_RULES = ['async-handler-errors', 'no-console-log', 'no-floating-promise', 'no-in-memory-session', 'require-http-timeout'];

/** A configuration with only `ruleIds` on. */
export function onlyRules(ruleIds: readonly string[]): ResolvedConfig {
  const config = onlyRule(ruleIds[0] ?? '');
  for (const id of ruleIds) delete config.rules[id];
  return config;
}

export interface Located {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Findings of one rule on a directory, as `{ file, line, column, message }`. */
export async function findingsOf(ruleId: string, dir: string, options?: Record<string, unknown>): Promise<Located[]> {
  const report = await scan({ root: dir, config: onlyRule(ruleId, options) });
  if (report.errors.length > 0) throw new Error(`errors scanning ${dir}: ${JSON.stringify(report.errors)}`);
  return report.findings.filter((f) => f.ruleId === ruleId).map(({ file, line, column, message }) => ({ file, line, column, message }));
}

/** Sites the rule counted on a directory. */
export async function sitesOf(ruleId: string, dir: string): Promise<number> {
  const report = await scan({ root: dir, config: onlyRule(ruleId) });
  return report.rules.find((r) => r.id === ruleId)?.sites ?? 0;
}

/** The case directories of a rule's valid or invalid fixtures (absolute, sorted). */
export function fixtureCases(ruleId: string, kind: 'valid' | 'invalid'): string[] {
  const dir = join(FIXTURES, ruleId, kind);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => statSync(join(dir, n)).isDirectory())
    .sort()
    .map((n) => join(dir, n));
}

export function fixtureCase(ruleId: string, kind: 'valid' | 'invalid', name: string): string {
  return join(FIXTURES, ruleId, kind, name);
}

/** A throw-away project directory under the OS temp dir with the given files (path → content). */
export function writeProject(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'prodcheck-test-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

/** `fn` throws a UsageError (the one-line user error the CLI prints) with exactly `message`. */
export function expectUsageError(fn: () => unknown, message: string): void {
  let error: unknown;
  try {
    fn();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(UsageError);
  expect((error as Error).message).toBe(message);
}
