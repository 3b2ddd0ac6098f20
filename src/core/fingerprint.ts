// Finding fingerprints: stable when lines above a finding move, so that baselines and code
// scanning can follow a finding across edits. Built from the rule, the file, the finding's own
// code (whitespace-normalised) and its occurrence index among identical ones, never the line.
import { createHash } from 'node:crypto';

export interface FingerprintInput {
  ruleId: string;
  file: string;
  code: string;
}

/** Fingerprints in input order; identical (rule, file, code) triples are told apart by occurrence. */
export function fingerprints(items: readonly FingerprintInput[]): string[] {
  const seen = new Map<string, number>();
  return items.map(({ ruleId, file, code }) => {
    const normalised = code.replace(/\s+/g, ' ').trim().slice(0, 300);
    const key = `${ruleId}\0${file}\0${normalised}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return createHash('sha256').update(`${key}\0${n}`).digest('hex').slice(0, 16);
  });
}
