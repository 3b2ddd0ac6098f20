// The pipe end to end through the programmatic API: discovery, parse errors, suppressions,
// configuration (rules off, severities, overrides, ignores), sites and the report's shape.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onlyRule, writeProject } from './support/fixtures.js';
import type { ResolvedConfig } from '../src/config/types.js';
import { scan } from '../src/scan.js';
import { UsageError } from '../src/config/errors.js';


// The pipe is probed with one rule, no-console-log: every other rule is off.
const base: ResolvedConfig = onlyRule('no-console-log');

const service = {
  'package.json': JSON.stringify({ name: 'billing', dependencies: { express: '^4.21.0' } }),
  'src/server.ts': "import { app } from './app';\n\napp.listen(3000, () => console.log('billing listening on 3000'));\n",
  'src/app.ts': "import express from 'express';\n\nexport const app = express();\napp.get('/health', (_req, res) => res.json({ ok: true }));\n",
  'src/broken.ts': 'export const = 1;\n',
  'src/jobs/report.ts': "// prodcheck-disable-next-line no-console-log -- a nightly job's banner\nconsole.log('nightly report');\nconsole.info('done');\n// prodcheck-disable-next-line no-such-rule\nexport {};\n",
};

describe('scan()', () => {
  it('reports findings sorted with fingerprints, keeps going past a file that does not parse, and lists suppression problems', async () => {
    const report = await scan({ root: writeProject(service), config: base });
    expect(report.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId} ${f.severity}`)).toEqual([
      'src/jobs/report.ts:3:1 no-console-log medium',
      'src/server.ts:3:24 no-console-log medium',
    ]);
    expect(report.findings.every((f) => /^[0-9a-f]{16}$/.test(f.fingerprint))).toBe(true);
    expect(report.errors).toEqual([
      { file: 'src/broken.ts', message: 'syntax error at 1:14 Variable declaration expected.' },
      { file: 'src/jobs/report.ts', message: '4:1 unknown rule id "no-such-rule" in prodcheck-disable-next-line' },
    ]);
    expect(report.summary).toEqual({ files: 4, findings: 2, bySeverity: { critical: 0, high: 0, medium: 2, low: 0 } });
    const rule = report.rules.find((r) => r.id === 'no-console-log');
    expect(rule).toEqual({ id: 'no-console-log', category: 'observability', severity: 'medium', sites: 3, violations: 2 });
  });

  it('reports a generated file nested too deep to analyse and goes on with the others', async () => {
    const generated = `export const matrix = ${'[\n'.repeat(5000)}0${'\n]'.repeat(5000)};\n`;
    const chained = `export const query = db${'\n  .where'.repeat(800)};\n`;
    const report = await scan({ root: writeProject({ ...service, 'src/generated/matrix.ts': generated, 'src/generated/query.ts': chained }), config: base });
    expect(report.errors.filter((e) => e.file.startsWith('src/generated/'))).toEqual([
      { file: 'src/generated/matrix.ts', message: 'nested too deeply to parse (Maximum call stack size exceeded): not analysed' },
      { file: 'src/generated/query.ts', message: 'syntax nested more than 500 levels deep at 1:22 (804 levels): not analysed' },
    ]);
    expect(report.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual(['src/jobs/report.ts:3 no-console-log', 'src/server.ts:3 no-console-log']);
  });

  it('writes nothing into the scanned repository', async () => {
    const root = writeProject(service);
    const listing = () =>
      (readdirSync(root, { recursive: true }) as string[])
        .sort()
        .map((p) => `${p} ${statSync(join(root, p)).mtimeMs}`);
    const before = listing();
    await scan({ root });
    expect(listing()).toEqual(before);
  });

  it('gives byte-identical JSON for the same input', async () => {
    const root = writeProject(service);
    const a = JSON.stringify(await scan({ root, config: base }));
    const b = JSON.stringify(await scan({ root, config: base }));
    expect(a).toBe(b);
  });

  it('applies rule settings, overrides and ignores from the configuration', async () => {
    const root = writeProject(service);
    const config: ResolvedConfig = {
      ...base,
      rules: { ...base.rules, 'no-console-log': { severity: 'high', options: {} } },
      overrides: [{ files: ['src/jobs/**'], rules: { 'no-console-log': 'off' } }],
    };
    const report = await scan({ root, config });
    expect(report.findings.map((f) => `${f.file}:${f.line} ${f.severity}`)).toEqual(['src/server.ts:3 high']);
    const ignored = await scan({ root, config: { ...base, ignores: ['src/server.ts'] } });
    expect(ignored.findings.map((f) => f.file)).toEqual(['src/jobs/report.ts']);
    const off = await scan({ root, config: { ...base, rules: { ...base.rules, 'no-console-log': 'off' } } });
    expect(off.findings).toEqual([]);
    expect(off.rules.some((r) => r.id === 'no-console-log')).toBe(false);
  });

  it('scores an empty directory as not applicable everywhere', async () => {
    const report = await scan({ root: writeProject({}), config: base });
    expect(report.score.overall).toBeNull();
    expect(report.score.grade).toBeNull();
    expect(Object.values(report.score.categories).every((c) => c.score === null && c.findings === 0)).toBe(true);
    expect(report.findings).toEqual([]);
  });

  it('refuses a missing path or a file with a UsageError', async () => {
    await expect(scan({ root: '/nonexistent/prodcheck-path', config: base })).rejects.toThrow(UsageError);
    const root = writeProject({ 'src/a.ts': '' });
    await expect(scan({ root: join(root, 'src/a.ts'), config: base })).rejects.toThrow(/not a directory/);
  });
});
