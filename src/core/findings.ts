// Small facts about a list of findings that every stage after the rules agrees on.
import { SEVERITIES, type Finding, type Severity } from './types.js';

/** How many findings there are of each severity (every severity present, zero or not). */
export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const out = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) out[f.severity]++;
  return out;
}
