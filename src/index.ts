// prodcheck's programmatic API: `scan({ root })` returns the report object (JSON schema 1).
import { rules } from '../rules/index.js';
import { lintText as lintWithRules } from './core/engine.js';
import type { FileRule, RawFinding } from './core/types.js';

export { scan, scanWithSources, type ScanOptions, type ScanResult } from './scan.js';
export { rules, getRule } from '../rules/index.js';
export { loadConfig } from './config/load.js';
export { UsageError } from './config/errors.js';
export type * from './core/types.js';
export type { ResolvedConfig } from './config/types.js';

/** Runs file rules (all, or those named) on one in-memory file with default options. */
export function lintText(input: { text: string; filename: string; ruleIds?: string[] }): RawFinding[] {
  const selected = rules.filter(
    (r): r is FileRule<Record<string, unknown>> => r.scope === 'file' && (!input.ruleIds || input.ruleIds.includes(r.id)),
  );
  return lintWithRules({ text: input.text, filename: input.filename, rules: selected });
}
