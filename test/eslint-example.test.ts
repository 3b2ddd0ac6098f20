// End to end: the example project fixtures/projects/eslint-example linted by real ESLint (9 and 10)
// with its own eslint.config.js (`prodcheck.configs.recommended` in one line, typescript-eslint's
// parser for .ts), next to the CLI on the same project.
import { join } from 'node:path';
import type { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { rules } from '../rules/index.js';
import { scan } from '../src/scan.js';
import { ESLINT_MAJORS } from './support/eslint-majors.js';
import { FIXTURES } from './support/fixtures.js';

// The config imports the published entry point, `prodcheck/eslint-plugin`:
// test/vitest.config.ts maps it to the plugin's source.

const EXAMPLE = join(FIXTURES, 'projects', 'eslint-example');

const EXPECTED = [
  'src/jobs/restock-report.js:8:27 prodcheck/no-console-log warn: `console.warn` in server code: log through the structured logger (pino, winston) so the line has a level and fields',
  'src/routes/stock.ts:9:28 prodcheck/require-http-timeout error: `supplierApi.get` runs on an axios instance created without a timeout (src/clients/supplier.ts): set `timeout` in `axios.create`',
  'src/routes/stock.ts:18:5 prodcheck/no-floating-promise error: `reserveStock(…)` returns a promise that nobody awaits: `await` it, return it, or end it with `.catch(…)` (use `void` to opt out explicitly)',
  'src/server.ts:12:3 prodcheck/no-console-log warn: `console.log` in server code: log through the structured logger (pino, winston) so the line has a level and fields',
  'src/services/reservations.ts:12:9 prodcheck/require-http-timeout error: `supplierApi.post` runs on an axios instance created without a timeout (src/clients/supplier.ts): set `timeout` in `axios.create`',
];

describe('fixtures/projects/eslint-example with its eslint.config.js', () => {
  for (const major of ESLINT_MAJORS) {
    it(`${major.label}: \`eslint .\` reports the recommended rules' findings, cross-file ones included`, async () => {
      const config = ((await import(/* @vite-ignore */ join(EXAMPLE, 'eslint.config.js'))) as { default: Linter.Config[] }).default;
      const eslint = new major.ESLint({ cwd: EXAMPLE, overrideConfigFile: true, overrideConfig: config });
      const results = await eslint.lintFiles(['.']);
      const found = results.flatMap((r) =>
        r.messages.map((m) => `${r.filePath.slice(EXAMPLE.length + 1)}:${m.line}:${m.column} ${m.ruleId} ${m.severity === 2 ? 'error' : 'warn'}: ${m.message}`),
      );
      expect(found).toEqual(EXPECTED);
    });
  }

  it('the CLI reports the same file findings, plus the one an eslint-disable comment hides from ESLint', async () => {
    const report = await scan({ root: EXAMPLE });
    const fileScope = new Set(rules.filter((r) => r.scope === 'file').map((r) => r.id));
    expect(report.findings.filter((f) => fileScope.has(f.ruleId)).map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`)).toEqual([
      'src/jobs/restock-report.js:5:3 no-console-log',
      'src/jobs/restock-report.js:8:27 no-console-log',
      'src/routes/stock.ts:9:28 require-http-timeout',
      'src/routes/stock.ts:18:5 no-floating-promise',
      'src/server.ts:12:3 no-console-log',
      'src/services/reservations.ts:12:9 require-http-timeout',
    ]);
  });
});
