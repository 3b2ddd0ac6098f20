// Which rules are on for a file, at which severity and with which options: the rules' defaults,
// then the configuration's `rules`, then each matching override in order. Shared by the scan and
// its worker threads, so that both decide the same.
import picomatch from 'picomatch';
import { rules as registry } from '../rules/index.js';
import type { ResolvedConfig, RuleSetting } from './config/types.js';
import { merge } from './core/engine.js';
import type { AnyRule, Severity } from './core/types.js';

export interface Enabled {
  rule: AnyRule;
  severity: Severity;
  options: Record<string, unknown>;
}

export function applySetting(rule: AnyRule, setting: RuleSetting | undefined, base: Enabled | null): Enabled | null {
  if (setting === undefined) return base;
  if (setting === 'off') return null;
  return { rule, severity: setting.severity, options: merge(rule.defaultOptions as Record<string, unknown>, setting.options) };
}

/** The rules enabled for one file: defaults, then the config's rules, then matching overrides. */
export function rulesFor(relPath: string | null, config: ResolvedConfig, overrideMatchers: Array<(p: string) => boolean>): Enabled[] {
  const out: Enabled[] = [];
  for (const rule of registry) {
    let enabled: Enabled | null = { rule, severity: rule.severity, options: rule.defaultOptions as Record<string, unknown> };
    enabled = applySetting(rule, config.rules[rule.id], enabled);
    if (relPath !== null) {
      config.overrides.forEach((o: ResolvedConfig['overrides'][number], i: number) => {
        if (overrideMatchers[i]?.(relPath)) {
          const base = enabled ?? { rule, severity: rule.severity, options: rule.defaultOptions as Record<string, unknown> };
          enabled = o.rules[rule.id] === undefined ? enabled : applySetting(rule, o.rules[rule.id], base);
        }
      });
    }
    if (enabled) out.push(enabled);
  }
  return out;
}

/** The configuration's override matchers, in order (for `rulesFor`). */
export function overrideMatchersOf(config: ResolvedConfig): Array<(p: string) => boolean> {
  return config.overrides.map((o) => picomatch(o.files, { dot: true }));
}
