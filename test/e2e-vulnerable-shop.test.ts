// End to end on the deliberately vulnerable sample app fixtures/projects/vulnerable-shop: every
// sink line marked `// vuln: <rule-id>` gets exactly that rule's finding, every line marked
// `// safe: <rule-id>` gets none, the injection rules report nothing anywhere else, and each
// cross-file flow's trace reaches the sink marked `// vuln-sink: <rule-id>` in the other file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { globbySync } from 'globby';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/core/types.js';
import { scan } from '../src/scan.js';
import { FIXTURES } from './support/fixtures.js';

const APP = join(FIXTURES, 'projects', 'vulnerable-shop');
const INJECTION_RULES = ['no-command-injection', 'no-nosql-injection', 'no-open-redirect', 'no-path-traversal', 'no-reflected-xss', 'no-sql-injection', 'no-ssrf'];

interface Marker {
  kind: 'vuln' | 'safe' | 'vuln-sink';
  ruleId: string;
  file: string;
  line: number;
}

function markers(): Marker[] {
  const out: Marker[] = [];
  for (const file of globbySync('src/**/*.ts', { cwd: APP }).sort()) {
    readFileSync(join(APP, file), 'utf8')
      .split('\n')
      .forEach((text, i) => {
        for (const m of text.matchAll(/\/\/ (vuln-sink|vuln|safe): ([a-z-]+)/g)) out.push({ kind: m[1] as Marker['kind'], ruleId: m[2] as string, file, line: i + 1 });
      });
  }
  return out;
}

describe('the vulnerable sample app fixtures/projects/vulnerable-shop', () => {
  let report: Report;
  const planted = markers();
  const key = (m: { ruleId: string; file: string; line: number }) => `${m.file}:${m.line} ${m.ruleId}`;
  beforeAll(async () => {
    report = await scan({ root: APP });
  });

  it('plants flaws and safe counterparts for every injection rule', () => {
    for (const ruleId of INJECTION_RULES) {
      expect(planted.filter((m) => m.ruleId === ruleId && m.kind === 'vuln').length, ruleId).toBeGreaterThan(2);
      expect(planted.filter((m) => m.ruleId === ruleId && m.kind === 'safe').length, ruleId).toBeGreaterThan(2);
    }
  });

  it('finds exactly the planted flaws: one finding per vuln marker, none on safe lines or elsewhere', () => {
    expect(report.errors).toEqual([]);
    const found = report.findings.filter((f) => INJECTION_RULES.includes(f.ruleId)).map(key);
    const expected = planted.filter((m) => m.kind === 'vuln').map(key);
    expect(found.sort()).toEqual(expected.sort());
  });

  it('names the request source and the sink in each message, and carries the flow as a trace ending at the sink', () => {
    for (const f of report.findings.filter((x) => INJECTION_RULES.includes(x.ruleId))) {
      expect(f.message, key(f)).toMatch(/^`[^`]+` reaches `[^`]+`/);
      expect(f.trace?.length ?? 0, key(f)).toBeGreaterThan(1);
      expect(f.cwe, key(f)).toMatch(/^CWE-\d+$/);
    }
  });

  it('follows the cross-file flows into the service or repository that holds the sink', () => {
    const sinks = planted.filter((m) => m.kind === 'vuln-sink');
    expect(sinks.length).toBeGreaterThanOrEqual(3);
    for (const sink of sinks) {
      const through = report.findings.filter((f) => f.ruleId === sink.ruleId && f.file !== sink.file && f.trace?.some((s) => s.file === sink.file && s.line === sink.line));
      expect(through.length, key(sink)).toBe(1);
    }
  });
});
