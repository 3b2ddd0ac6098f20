// Parity: ESLint, running the prodcheck plugin through its own `ESLint` class and a flat config,
// reports exactly what the CLI engine reports on every fixture: ids, lines, columns, messages.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { rules } from '../rules/index.js';
import plugin from '../src/eslint/index.js';
import { scan } from '../src/scan.js';
import { FIXTURES, fixtureCases, onlyRule } from './support/fixtures.js';

interface Row {
  file: string;
  ruleId: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

function eslintConfig(root: string, ruleIds: readonly string[]): Linter.Config[] {
  return [
    {
      files: ['**/*.js', '**/*.mjs', '**/*.cjs', '**/*.jsx'],
      languageOptions: { ecmaVersion: 'latest', sourceType: 'module', parserOptions: { ecmaFeatures: { jsx: true } } },
    },
    { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
    { files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'], languageOptions: { parser: tsParser as Linter.Parser } },
    {
      plugins: { prodcheck: plugin as unknown as ESLint.Plugin },
      settings: { prodcheck: { root } },
      rules: Object.fromEntries(ruleIds.map((id) => [`prodcheck/${id}`, 'error'])),
    },
  ];
}

async function viaEslint(root: string, ruleIds: readonly string[]): Promise<Row[]> {
  const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: eslintConfig(root, ruleIds) });
  const results = await eslint.lintFiles(['.']);
  const rows: Row[] = [];
  for (const r of results) {
    const file = r.filePath.slice(root.length + 1).split('\\').join('/');
    for (const m of r.messages) {
      if (!m.ruleId) throw new Error(`ESLint could not lint ${file}: ${m.message}`);
      rows.push({ file, ruleId: m.ruleId.replace(/^prodcheck\//, ''), line: m.line, column: m.column, endLine: m.endLine ?? m.line, endColumn: m.endColumn ?? m.column, message: m.message });
    }
  }
  return sort(rows);
}

async function viaCli(root: string, ruleIds: readonly string[]): Promise<Row[]> {
  const config = onlyRule(ruleIds[0] ?? '');
  for (const id of ruleIds) delete config.rules[id];
  const report = await scan({ root, config });
  return sort(report.findings.map(({ file, ruleId, line, column, endLine, endColumn, message }) => ({ file, ruleId, line, column, endLine, endColumn, message })));
}

function sort(rows: Row[]): Row[] {
  return rows.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : 1)));
}

const fileRuleIds = rules.filter((r) => r.scope === 'file').map((r) => r.id);

describe('ESLint plugin parity with the CLI', () => {
  for (const id of fileRuleIds) {
    for (const kind of ['invalid', 'valid'] as const) {
      for (const dir of fixtureCases(id, kind)) {
        it(`${id} ${kind}/${dir.split('/').pop()}`, async () => {
          const cli = await viaCli(dir, [id]);
          expect(await viaEslint(dir, [id])).toEqual(cli);
          if (kind === 'invalid') expect(cli.length).toBeGreaterThan(0);
        });
      }
    }
  }

  const projects = join(FIXTURES, 'projects');
  let names: string[] = [];
  try {
    names = readdirSync(projects);
  } catch {
    names = [];
  }
  for (const name of names) {
    it(`every file rule on projects/${name}`, async () => {
      const dir = join(projects, name);
      const cli = await viaCli(dir, fileRuleIds);
      expect(await viaEslint(dir, fileRuleIds)).toEqual(cli);
    });
  }
});
