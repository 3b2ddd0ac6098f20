// Baselines end to end on a real scan: a baselined finding stays hidden when code above it moves,
// a new finding of the same rule in the same file still shows, and a removed one counts as fixed.
// Then the file format: byte-stable output and one-line errors for missing, invalid and foreign files.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/types.js';
import { applyBaseline, asBaseline, createBaseline, readBaseline, renderBaseline } from '../../src/filter/baseline.js';
import { scan } from '../../src/scan.js';
import { onlyRule, writeProject, expectUsageError } from '../support/fixtures.js';
import { findingMaker, reportOf } from '../support/reports.js';

const config = onlyRule('no-console-log');
const SERVICE = 'src/services/orders.service.ts';

const original = [
  "import { db } from '../db';",
  '',
  'export async function createOrder(input: { sku: string }) {',
  "  console.log('creating order', input.sku);",
  '  return db.orders.insert(input);',
  '}',
  '',
].join('\n');

// Code added above the finding, and a second console.log in the same file and function.
const edited = [
  "import { db } from '../db';",
  "import { prices } from '../prices';",
  '',
  'export function priceOf(sku: string) {',
  '  return prices[sku] ?? 0;',
  '}',
  '',
  'export async function createOrder(input: { sku: string }) {',
  "  console.log('creating order', input.sku);",
  '  const order = await db.orders.insert(input);',
  "  console.log('created order', order.id);",
  '  return order;',
  '}',
  '',
].join('\n');

const withoutOriginal = edited.replace("  console.log('creating order', input.sku);\n", '');

function project(service: string): string {
  return writeProject({ 'package.json': JSON.stringify({ name: 'orders', dependencies: { express: '^4.21.0' } }), [SERVICE]: service });
}

describe('baselines on a real scan', () => {
  it('hides the baselined finding after code above it moved, shows the new one of the same rule and file, counts removed ones as fixed', async () => {
    const root = project(original);
    const before = await scan({ root, config });
    expect(before.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`)).toEqual([`${SERVICE}:4:3 no-console-log`]);
    const baseline = createBaseline(before);
    const file = join(root, '.prodcheck-baseline.json');
    writeFileSync(file, renderBaseline(baseline));
    const read = readBaseline(file);
    expect(read).toEqual(baseline);

    writeFileSync(join(root, SERVICE), edited);
    const after = await scan({ root, config });
    expect(after.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`)).toEqual([
      `${SERVICE}:9:3 no-console-log`,
      `${SERVICE}:11:3 no-console-log`,
    ]);
    const filtered = applyBaseline(after, read);
    expect(filtered.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId} ${f.message}`)).toEqual([
      `${SERVICE}:11:3 no-console-log \`console.log\` in server code: log through the structured logger (pino, winston) so the line has a level and fields`,
    ]);
    expect(filtered.baseline).toEqual({ hidden: 1, fixed: 0 });
    expect(filtered.summary).toEqual({ files: 1, findings: 1, bySeverity: { critical: 0, high: 0, medium: 1, low: 0 } });
    expect(filtered.score).toEqual(after.score); // baselined debt still counts in the score
    expect(filtered.rules).toEqual(after.rules);

    writeFileSync(join(root, SERVICE), withoutOriginal);
    const fixed = applyBaseline(await scan({ root, config }), read);
    expect(fixed.findings.map((f) => `${f.file}:${f.line}:${f.column}`)).toEqual([`${SERVICE}:10:3`]);
    expect(fixed.baseline).toEqual({ hidden: 0, fixed: 1 });
  });

  it('writes the same bytes for the same scan', async () => {
    const a = renderBaseline(createBaseline(await scan({ root: project(edited), config })));
    const b = renderBaseline(createBaseline(await scan({ root: project(edited), config })));
    expect(a).toBe(b);
    expect(Object.keys(JSON.parse(a) as object)).toEqual(['schemaVersion', 'tool', 'createdWith', 'findings']);
  });
});

const finding = findingMaker({ ruleId: 'no-console-log', category: 'observability', severity: 'medium', column: 3, endColumn: 40, message: 'console' });

describe('createBaseline', () => {
  it('records fingerprint, rule, file, line and message, sorted by file, line, rule', () => {
    const report: Report = reportOf(
      [
        finding({ file: 'src/b.ts', line: 2, fingerprint: 'ffff000011112222' }),
        finding({ file: 'src/a.ts', line: 7, fingerprint: 'aaaa000011112222', ruleId: 'require-http-timeout' }),
        finding({ file: 'src/a.ts', line: 7, fingerprint: 'bbbb000011112222' }),
      ],
      { overall: 80, grade: 'B' },
      2,
    );
    expect(renderBaseline(createBaseline(report))).toBe(
      `${JSON.stringify(
        {
          schemaVersion: 1,
          tool: 'prodcheck',
          createdWith: '0.1.0',
          findings: [
            { fingerprint: 'bbbb000011112222', ruleId: 'no-console-log', file: 'src/a.ts', line: 7, message: 'console' },
            { fingerprint: 'aaaa000011112222', ruleId: 'require-http-timeout', file: 'src/a.ts', line: 7, message: 'console' },
            { fingerprint: 'ffff000011112222', ruleId: 'no-console-log', file: 'src/b.ts', line: 2, message: 'console' },
          ],
        },
        null,
        2,
      )}\n`,
    );
  });
});

describe('readBaseline', () => {
  const dir = writeProject({
    'broken.json': '{ "schemaVersion": 1, ',
    'eslint.json': JSON.stringify({ 'src/a.ts': { 'no-console': { count: 2 } } }),
    'report.json': JSON.stringify(reportOf([], { overall: 80, grade: 'B' }, 1)),
    'future.json': JSON.stringify({ schemaVersion: 2, tool: 'prodcheck', createdWith: '9.0.0', findings: [] }),
    'no-findings.json': JSON.stringify({ schemaVersion: 1, tool: 'prodcheck', createdWith: '0.1.0' }),
    'bad-entry.json': JSON.stringify({ schemaVersion: 1, tool: 'prodcheck', createdWith: '0.1.0', findings: [{ fingerprint: 'abc' }, { ruleId: 'x' }] }),
    'bom.json': `\uFEFF${JSON.stringify({ schemaVersion: 1, tool: 'prodcheck', createdWith: '0.1.0', findings: [] })}`,
  });
  const at = (name: string) => join(dir, name);

  it('names the problem in one line', () => {
    expectUsageError(() => readBaseline(at('missing.json')), `--baseline: ${at('missing.json')} does not exist (create it with: prodcheck baseline --output ${at('missing.json')})`);
    expect(() => readBaseline(at('broken.json'))).toThrow(new RegExp(`^--baseline: ${at('broken.json')} is not valid JSON \\(`));
    expectUsageError(
      () => readBaseline(at('eslint.json')),
      `--baseline: ${at('eslint.json')} is not a prodcheck baseline (expected "tool": "prodcheck"; create one with: prodcheck baseline --output FILE)`,
    );
    expectUsageError(
      () => readBaseline(at('report.json')),
      `--baseline: ${at('report.json')} is a prodcheck report, not a baseline (create one with: prodcheck baseline --output FILE)`,
    );
    expectUsageError(() => readBaseline(at('future.json')), `--baseline: ${at('future.json')} has schemaVersion 2; this prodcheck reads schemaVersion 1`);
    expectUsageError(() => readBaseline(at('no-findings.json')), `--baseline: ${at('no-findings.json')} has no "findings" array`);
    expectUsageError(() => readBaseline(at('bad-entry.json')), `--baseline: ${at('bad-entry.json')} findings[1].fingerprint must be a non-empty string`);
    expectUsageError(() => asBaseline(null, 'x.json'), '--baseline: x.json is not a prodcheck baseline (expected a JSON object)');
    expectUsageError(() => readBaseline(dir), `--baseline: cannot read ${dir} (EISDIR)`);
  });

  it('reads a file with a byte order mark', () => {
    expect(readBaseline(at('bom.json'))).toEqual({ schemaVersion: 1, tool: 'prodcheck', createdWith: '0.1.0', findings: [] });
  });

  it('leaves the report alone and gives hidden 0, fixed n for an unrelated baseline', () => {
    const report = reportOf([finding({ file: 'src/a.ts', line: 1 })], { overall: 90, grade: 'A' }, 1);
    const baseline = { schemaVersion: 1 as const, tool: 'prodcheck' as const, createdWith: '0.1.0', findings: [{ fingerprint: 'x', ruleId: 'no-console-log', file: 'src/z.ts', line: 3, message: 'console' }] };
    const out = applyBaseline(report, baseline);
    expect(out.findings).toEqual(report.findings);
    expect(out.baseline).toEqual({ hidden: 0, fixed: 1 });
  });
});
