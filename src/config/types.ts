// The configuration a scan runs with, after loading and validation.
import type { Severity } from '../core/types.js';

/** A rule's setting: off, or on at a severity with options merged over the rule's defaults. */
export type RuleSetting = 'off' | { severity: Severity; options: Record<string, unknown> };

export interface ConfigOverride {
  /** Globs relative to the scanned root (POSIX). */
  files: string[];
  rules: Record<string, RuleSetting>;
}

export interface ResolvedConfig {
  /** Rule id → setting; a rule not listed runs at its default severity and options. */
  rules: Record<string, RuleSetting>;
  /** Globs (relative to the root) of files not to scan, on top of .gitignore and the built-in ones. */
  ignores: string[];
  overrides: ConfigOverride[];
  thresholds: { minScore: number | null; failOn: Severity | 'none' | null };
  /** Where the configuration came from, for messages (`null`: defaults). */
  source: string | null;
}

export const EMPTY_CONFIG: ResolvedConfig = {
  rules: {},
  ignores: [],
  overrides: [],
  thresholds: { minScore: null, failOn: null },
  source: null,
};
