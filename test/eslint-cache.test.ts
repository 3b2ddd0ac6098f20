// The plugin's project facts in a long-lived ESLint process (an editor): the first lint under a
// root parses the project, later lints parse only the linted file, and a change on disk of a module
// the file imports (through a barrel's `export *` too) is picked up by re-parsing that module alone.
// Parses are counted with a spy on prodcheck's one parse function.
import { utimesSync, writeFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import tsParser from '@typescript-eslint/parser';
import type { Linter } from 'eslint';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseText } from '../src/core/parse.js';
import plugin from '../src/eslint/index.js';
import { clearProjectCache, lastCacheEvent } from '../src/eslint/project-cache.js';
import { ESLINT_MAJORS } from './support/eslint-majors.js';
import { writeProject } from './support/fixtures.js';

vi.mock('../src/core/parse.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/core/parse.js')>();
  return { ...original, parseText: vi.fn(original.parseText) };
});
const parses = vi.mocked(parseText);

const ASYNC_AUDIT = "export async function recordAudit(action: string): Promise<void> {\n  await fetch('https://audit.internal/events', { method: 'POST', body: action, signal: AbortSignal.timeout(2000) });\n}\n";
const SYNC_AUDIT = "const pending: string[] = [];\nexport function recordAudit(action: string): void {\n  pending.push(action);\n}\n";
const ORDERS = "import { recordAudit } from './services';\n\nexport async function cancelOrder(id: string) {\n  recordAudit(`order.cancelled:${id}`);\n  return { id, status: 'cancelled' };\n}\n";

function filler(n: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`src/catalog/product-${i}.ts`] = `export const product${i} = { sku: 'SKU-${i}', price: ${i * 10} };\n`;
  return files;
}

function bumpMtime(path: string, seconds: number): void {
  const { mtimeMs } = statSync(path);
  const t = new Date(mtimeMs + seconds * 1000);
  utimesSync(path, t, t);
}

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});
beforeEach(() => clearProjectCache());

for (const major of ESLINT_MAJORS) {
  describe(`project facts in one ${major.label} process`, () => {
    it('parses the project once, then one file per lint; refreshes a changed imported module by re-parsing it alone', async () => {
      const root = writeProject({
        'package.json': JSON.stringify({ name: 'orders-api', type: 'module', dependencies: { express: '^4.19.2' } }),
        'src/services/index.ts': "export * from './audit.service';\n",
        'src/services/audit.service.ts': ASYNC_AUDIT,
        'src/orders.service.ts': ORDERS,
        ...filler(6),
      });
      roots.push(root);
      const projectFiles = 9;
      const config: Linter.Config[] = [
        { files: ['**/*.ts'], languageOptions: { parser: tsParser as Linter.Parser } },
        { plugins: { prodcheck: plugin }, rules: { 'prodcheck/no-floating-promise': 'error' } },
      ];
      const eslint = new major.ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config });
      const filePath = join(root, 'src/orders.service.ts');
      const lint = async (text: string) => {
        const before = parses.mock.calls.length;
        const [result] = await eslint.lintText(text, { filePath });
        return { found: result?.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`) ?? [], parses: parses.mock.calls.length - before, event: lastCacheEvent().kind };
      };

      // First lint: the whole project (9 files) plus the editor's text.
      expect(await lint(ORDERS)).toEqual({ found: ['4:3 prodcheck/no-floating-promise'], parses: projectFiles + 1, event: 'load' });
      // Second lint of the same file: its own text only.
      expect(await lint(ORDERS)).toEqual({ found: ['4:3 prodcheck/no-floating-promise'], parses: 1, event: 'hit' });

      // The imported module (behind the barrel's `export *`) becomes synchronous on disk: re-parsed alone.
      writeFileSync(join(root, 'src/services/audit.service.ts'), SYNC_AUDIT);
      bumpMtime(join(root, 'src/services/audit.service.ts'), 5);
      expect(await lint(ORDERS)).toEqual({ found: [], parses: 2, event: 'refresh' });
      expect(await lint(ORDERS)).toEqual({ found: [], parses: 1, event: 'hit' });

      // The linted file saved with the editor's text: the editor's parse serves for the project facts.
      writeFileSync(filePath, ORDERS);
      bumpMtime(filePath, 5);
      expect(await lint(ORDERS)).toEqual({ found: [], parses: 1, event: 'refresh' });

      // A new module, created after the facts were built and imported by the editor's text: parsed alone.
      writeFileSync(join(root, 'src/services/retention.ts'), "export async function purgeExpired(): Promise<number> {\n  const res = await fetch(`${process.env.RETENTION_URL}/purge`, { method: 'POST' });\n  return res.status;\n}\n");
      const withRetention = `import { purgeExpired } from './services/retention';\n${ORDERS}\nexport function nightly() {\n  purgeExpired();\n}\n`;
      expect(await lint(withRetention)).toEqual({ found: ['10:3 prodcheck/no-floating-promise'], parses: 2, event: 'new-files' });
      expect(await lint(withRetention)).toEqual({ found: ['10:3 prodcheck/no-floating-promise'], parses: 1, event: 'hit' });

      // package.json changes what everything means: the project is loaded again (now 10 files).
      bumpMtime(join(root, 'package.json'), 5);
      expect(await lint(withRetention)).toEqual({ found: ['10:3 prodcheck/no-floating-promise'], parses: projectFiles + 2, event: 'load' });
    });
  });
}
