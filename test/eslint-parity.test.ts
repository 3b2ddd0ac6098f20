// Parity: ESLint 9 and ESLint 10, running the prodcheck plugin through their own `ESLint` class and a
// flat config, report exactly what the CLI engine reports on every fixture of every file rule:
// ids, lines, columns, end positions, messages; and the same suggestions and fixes, with the same
// edits. Inline `eslint-disable` and `prodcheck-disable` comments both silence a finding in ESLint.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tsParser from '@typescript-eslint/parser';
import type { ESLint, Linter } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { rules } from '../rules/index.js';
import { loadSources } from '../src/core/discover.js';
import { checkFile } from '../src/core/engine.js';
import { normaliseText, SOURCE_EXTENSIONS } from '../src/core/parse.js';
import type { FileRule, TextEdit } from '../src/core/types.js';
import plugin from '../src/eslint/index.js';
import { buildProjectFacts } from '../src/project/facts.js';
import { scan } from '../src/scan.js';
import { ESLINT_MAJORS, type EslintMajor } from './support/eslint-majors.js';
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

/** A finding's edits as the fixed text they produce: the fix, then each suggestion (its message and result). */
interface Edits {
  at: string;
  fix: string | null;
  suggestions: Array<{ desc: string; output: string }>;
}

/**
 * `inlineConfig: false` (the parity runs): ESLint ignores `eslint-disable` comments as the CLI does,
 * so both see the same findings; `prodcheck-disable` comments are the engine's and apply in both.
 */
function eslintConfig(root: string, ruleIds: readonly string[], inlineConfig: boolean): Linter.Config[] {
  return [
    { linterOptions: { reportUnusedDisableDirectives: 'off', noInlineConfig: !inlineConfig } },
    {
      files: ['**/*.js', '**/*.mjs', '**/*.cjs', '**/*.jsx'],
      languageOptions: { ecmaVersion: 'latest', sourceType: 'module', parserOptions: { ecmaFeatures: { jsx: true } } },
    },
    { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
    { files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'], languageOptions: { parser: tsParser as Linter.Parser } },
    {
      plugins: { prodcheck: plugin },
      settings: { prodcheck: { root } },
      rules: Object.fromEntries(ruleIds.map((id) => [`prodcheck/${id}`, 'error'])),
    },
  ];
}

async function lintWith(major: EslintMajor, root: string, ruleIds: readonly string[], inlineConfig = false): Promise<ESLint.LintResult[]> {
  const eslint = new major.ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: eslintConfig(root, ruleIds, inlineConfig) });
  const results = await eslint.lintFiles(['.']);
  // With inline config off, ESLint notes each `eslint-disable` comment it ignores: not a finding.
  for (const r of results) r.messages = r.messages.filter((m) => m.ruleId || !/has no effect because you have 'noInlineConfig'/.test(m.message));
  for (const r of results) for (const m of r.messages) if (!m.ruleId) throw new Error(`${major.label} could not lint ${r.filePath}: ${m.message}`);
  return results;
}

const relOf = (root: string, path: string) => path.slice(root.length + 1).split('\\').join('/');

function rowsOf(root: string, results: ESLint.LintResult[]): Row[] {
  const rows: Row[] = [];
  for (const r of results) {
    for (const m of r.messages) {
      rows.push({ file: relOf(root, r.filePath), ruleId: (m.ruleId ?? '').replace(/^prodcheck\//, ''), line: m.line, column: m.column, endLine: m.endLine ?? m.line, endColumn: m.endColumn ?? m.column, message: m.message });
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

function sort<T extends { file: string; line: number; column: number; ruleId: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : 1)));
}

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** The engine's fixes and suggestions on every file of `root` (the CLI's pipe: load, facts, checkFile). */
function engineEdits(root: string, rule: FileRule<Record<string, unknown>>): Edits[] {
  const { parsed } = loadSources(root, []);
  const facts = buildProjectFacts({ root, files: parsed });
  const out: Edits[] = [];
  for (const p of parsed) {
    const file = { path: p.path, relPath: p.relPath, sourceFile: p.sourceFile, text: p.text, roles: facts.roles(p.path) };
    for (const f of checkFile(file, facts, [{ rule, severity: rule.severity, options: rule.defaultOptions }], new Set(rules.map((r) => r.id))).findings) {
      out.push({
        at: `${p.relPath}:${f.line}:${f.column}`,
        fix: f.fix ? applyEdits(p.text, f.fix) : null,
        suggestions: (f.suggest ?? []).map((s) => ({ desc: s.message, output: applyEdits(p.text, s.edits) })),
      });
    }
  }
  return out.sort((a, b) => (a.at < b.at ? -1 : 1));
}

function eslintEdits(root: string, results: ESLint.LintResult[]): Edits[] {
  const out: Edits[] = [];
  for (const r of results) {
    const text = normaliseText(readFileSync(r.filePath, 'utf8'));
    const apply = (fix: { range: [number, number]; text: string }) => text.slice(0, fix.range[0]) + fix.text + text.slice(fix.range[1]);
    for (const m of r.messages) {
      out.push({
        at: `${relOf(root, r.filePath)}:${m.line}:${m.column}`,
        fix: m.fix ? apply(m.fix) : null,
        suggestions: (m.suggestions ?? []).map((s) => ({ desc: s.desc, output: apply(s.fix) })),
      });
    }
  }
  return out.sort((a, b) => (a.at < b.at ? -1 : 1));
}

const fileRules = rules.filter((r): r is FileRule<Record<string, unknown>> => r.scope === 'file');
const fileRuleIds = fileRules.map((r) => r.id);

describe('ESLint plugin parity with the CLI, on ESLint 9 and 10', () => {
  for (const rule of fileRules) {
    const { id } = rule;
    const offersEdits = rule.fixable === true || rule.hasSuggestions === true;
    for (const kind of ['invalid', 'valid'] as const) {
      for (const dir of fixtureCases(id, kind)) {
        it(`${id} ${kind}/${dir.split('/').pop()}`, async () => {
          const cli = await viaCli(dir, [id]);
          if (kind === 'invalid') expect(cli.length).toBeGreaterThan(0);
          const engine = offersEdits ? engineEdits(dir, rule) : [];
          for (const major of ESLINT_MAJORS) {
            const results = await lintWith(major, dir, [id]);
            expect(rowsOf(dir, results), major.label).toEqual(cli);
            if (offersEdits) expect(eslintEdits(dir, results), `${major.label}: fixes and suggestions`).toEqual(engine);
          }
        });
      }
    }
  }

  const projects = join(FIXTURES, 'projects');
  for (const name of readdirSync(projects).filter((n) => statSync(join(projects, n)).isDirectory())) {
    it(`every file rule on projects/${name}`, async () => {
      const dir = join(projects, name);
      const cli = await viaCli(dir, fileRuleIds);
      for (const major of ESLINT_MAJORS) expect(rowsOf(dir, await lintWith(major, dir, fileRuleIds)), major.label).toEqual(cli);
    }, 60_000);
  }
});

// ---- inline comments: both kinds silence every finding of a rule in ESLint ----

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** A copy of a fixture case with `header` written at the top of every source file (after a shebang). */
function copyWithHeader(dir: string, header: string): string {
  const root = mkdtempSync(join(tmpdir(), 'prodcheck-disable-'));
  temps.push(root);
  cpSync(dir, root, { recursive: true });
  const visit = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) visit(path);
      else if (SOURCE_EXTENSIONS.some((e) => name.endsWith(e))) {
        const text = readFileSync(path, 'utf8');
        const shebang = text.startsWith('#!') ? text.slice(0, text.indexOf('\n') + 1) : '';
        writeFileSync(path, `${shebang}${header}\n${text.slice(shebang.length)}`);
      }
    }
  };
  visit(root);
  return root;
}

describe('inline comments silence a finding in ESLint 9 and 10', () => {
  for (const id of fileRuleIds) {
    const first = fixtureCases(id, 'invalid')[0];
    if (!first) continue;
    it(`${id}: /* eslint-disable prodcheck/${id} */ and /* prodcheck-disable ${id} */`, async () => {
      const viaEslintComment = copyWithHeader(first, `/* eslint-disable prodcheck/${id} */`);
      const viaProdcheckComment = copyWithHeader(first, `/* prodcheck-disable ${id} -- silenced by the test */`);
      expect(await viaCli(viaProdcheckComment, [id])).toEqual([]);
      for (const major of ESLINT_MAJORS) {
        expect(rowsOf(viaEslintComment, await lintWith(major, viaEslintComment, [id], true)), `${major.label}: eslint-disable`).toEqual([]);
        expect(rowsOf(viaProdcheckComment, await lintWith(major, viaProdcheckComment, [id], true)), `${major.label}: prodcheck-disable`).toEqual([]);
      }
    });
  }
});
