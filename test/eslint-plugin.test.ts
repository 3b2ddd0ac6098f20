// The ESLint plugin object (meta, rules, flat configs) and how it behaves inside ESLint 9 and 10:
// espree and typescript-eslint's parser, the configs in one line, `--cache` and `--print-config`,
// disable comments of both kinds, suggestions as ESLint suggestions, fixes as ESLint fixes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tsParser from '@typescript-eslint/parser';
import type { ESLint, Linter } from 'eslint';
import type { Linter as Linter10 } from 'eslint-v10';
import { ts } from 'ts-morph';
import { afterAll, describe, expect, it } from 'vitest';
import { rules } from '../rules/index.js';
import type { FileRule } from '../src/core/types.js';
import plugin, { eslintRuleIds, toEslintRule } from '../src/eslint/index.js';
import { VERSION } from '../src/version.js';
import { ESLINT_MAJORS } from './support/eslint-majors.js';
import { writeProject } from './support/fixtures.js';

const fileRules = rules.filter((r) => r.scope === 'file');
const level = (severity: string) => (severity === 'critical' || severity === 'high' ? 'error' : 'warn');

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});
function project(files: Record<string, string>): string {
  const root = writeProject({ 'package.json': JSON.stringify({ name: 'billing-api', type: 'module', dependencies: { express: '^4.19.2' } }), ...files });
  temps.push(root);
  return root;
}

describe('ESLint plugin object', () => {
  it('carries meta.name, meta.version and meta.namespace', () => {
    expect(plugin.meta).toEqual({ name: 'prodcheck', version: VERSION, namespace: 'prodcheck' });
  });

  it('exposes every file rule, and only file rules, with meta from the rule module', () => {
    expect(Object.keys(plugin.rules).sort()).toEqual(fileRules.map((r) => r.id).sort());
    expect([...eslintRuleIds].sort()).toEqual(fileRules.map((r) => r.id).sort());
    for (const rule of fileRules) {
      const meta = plugin.rules[rule.id]?.meta;
      expect(meta?.type).toBe(rule.category === 'security' || rule.severity === 'critical' || rule.severity === 'high' ? 'problem' : 'suggestion');
      expect(meta?.docs?.description).toBe(rule.docs.description);
      expect(meta?.docs?.url).toBe(`https://github.com/prodcheck/prodcheck/blob/main/docs/rules/${rule.id}.md`);
      expect(meta?.messages).toEqual(rule.messages);
      expect(meta?.schema).toEqual([rule.optionsSchema ?? { type: 'object', properties: {}, additionalProperties: false }]);
      expect(meta?.hasSuggestions ?? false).toBe(rule.hasSuggestions ?? false);
      expect(meta?.fixable).toBe(rule.fixable ? 'code' : undefined);
    }
  });

  it('configs.recommended (the recommended file rules) and configs.strict (every file rule) are flat configs that reference the plugin itself', () => {
    const expected = (chosen: typeof fileRules) => Object.fromEntries(chosen.map((r) => [`prodcheck/${r.id}`, level(r.severity)]));
    expect(plugin.configs.recommended).toEqual({ name: 'prodcheck/recommended', plugins: { prodcheck: plugin }, rules: expected(fileRules.filter((r) => r.recommended)) });
    expect(plugin.configs.strict).toEqual({ name: 'prodcheck/strict', plugins: { prodcheck: plugin }, rules: expected(fileRules) });
    expect(plugin.configs.recommended.plugins.prodcheck).toBe(plugin);
    expect(plugin.configs.strict.plugins.prodcheck).toBe(plugin);
  });

  it("is typed to fit ESLint 9's and ESLint 10's own config types without a cast (typed eslint.config.ts)", () => {
    const nine: Linter.Config[] = [{ files: ['**/*.ts'] }, plugin.configs.recommended, { plugins: { prodcheck: plugin }, rules: { 'prodcheck/no-console-log': ['warn', { allow: ['warn'] }] } }];
    const ten: Linter10.Config[] = [{ files: ['**/*.ts'] }, plugin.configs.strict, { plugins: { prodcheck: plugin } }];
    expect(nine.length + ten.length).toBe(6);
  });
});

for (const major of ESLINT_MAJORS) {
  describe(`the plugin in ${major.label}`, () => {
    it('runs under espree through the Linter class; prodcheck-disable and eslint-disable comments silence a finding', () => {
      const root = project({});
      const linter = new major.Linter({ cwd: root });
      const code = [
        "const express = require('express');",
        'const app = express();',
        "console.log('listening');",
        '// prodcheck-disable-next-line no-console-log -- boot banner',
        "console.info('ready');",
        '// eslint-disable-next-line prodcheck/no-console-log',
        "console.warn('ok');",
        'app.listen(3000);',
      ].join('\n');
      const config: Linter.Config[] = [{ files: ['**/*.js'], plugins: { prodcheck: plugin }, rules: { 'prodcheck/no-console-log': 'warn' } }];
      const messages = linter.verify(code, config, join(root, 'src/server.js'));
      expect(messages.map((m) => [m.ruleId, m.line, m.column, m.endLine, m.endColumn])).toEqual([['prodcheck/no-console-log', 3, 1, 3, 25]]);
    });

    it('turns a rule suggestion into an ESLint suggestion that applies the same edit', () => {
      const root = project({});
      const linter = new major.Linter({ cwd: root });
      const code = "export async function notify(url) {\n  await fetch(url, { method: 'POST' });\n}\n";
      const messages = linter.verify(code, [{ files: ['**/*.js'], plugins: { prodcheck: plugin }, rules: { 'prodcheck/require-http-timeout': 'error' } }], join(root, 'src/notify.js'));
      expect(messages.map((m) => [m.ruleId, m.line, m.column])).toEqual([['prodcheck/require-http-timeout', 2, 9]]);
      const suggestion = messages[0]?.suggestions?.[0];
      expect(suggestion?.desc).toBe('Abort after 10 s: add `signal: AbortSignal.timeout(10_000)`');
      const fix = suggestion?.fix;
      const fixed = fix ? code.slice(0, fix.range[0]) + fix.text + code.slice(fix.range[1]) : code;
      expect(fixed).toBe("export async function notify(url) {\n  await fetch(url, { method: 'POST', signal: AbortSignal.timeout(10_000) });\n}\n");
    });

    it('turns a rule fix into an ESLint fix that `--fix` applies', () => {
      // No registered rule is fixable yet, so a small one shows the conversion: `console.log` → `console.info`.
      const fixing = {
        ...fileRules[0]!,
        id: 'prefer-console-info',
        fixable: true,
        messages: { useInfo: 'Use `console.info` instead of `console.{{method}}` in this module.' },
        create: (context) => ({
          CallExpression(call: ts.CallExpression) {
            const callee = call.expression;
            if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'log') return;
            context.report({ node: callee.name, messageId: 'useInfo', data: { method: 'log' }, fix: [{ start: callee.name.getStart(), end: callee.name.end, text: 'info' }] });
          },
        }),
      } as FileRule<Record<string, unknown>>;
      const root = project({});
      const linter = new major.Linter({ cwd: root });
      const testPlugin = { meta: { name: 'fix-test' }, rules: { 'prefer-console-info': toEslintRule(fixing) } } as unknown as ESLint.Plugin;
      const config: Linter.Config[] = [{ files: ['**/*.js'], plugins: { t: testPlugin }, rules: { 't/prefer-console-info': 'error' } }];
      const code = "export function boot() {\n  console.log('up');\n}\n";
      const messages = linter.verify(code, config, join(root, 'src/boot.js'));
      expect(messages.map((m) => [m.line, m.column, m.message, m.fix])).toEqual([[2, 11, 'Use `console.info` instead of `console.log` in this module.', { range: [35, 38], text: 'info' }]]);
      expect(linter.verifyAndFix(code, config, join(root, 'src/boot.js')).output).toBe("export function boot() {\n  console.info('up');\n}\n");
    });

    it('works from one line of eslint.config.js with typescript-eslint on TypeScript and espree on JavaScript, configs.recommended and configs.strict', async () => {
      const root = project({
        'src/clients/catalog.ts': "import axios from 'axios';\nexport async function loadCatalog(): Promise<unknown> {\n  const res = await axios.get('https://catalog.internal/items');\n  return res.data;\n}\n",
        'src/jobs/nightly.js': "export function nightly(store) {\n  setInterval(() => store.flush(), 60_000);\n  console.log('nightly job armed');\n}\n",
      });
      const lint = async (config: Linter.Config) => {
        const eslint = new major.ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tsParser as Linter.Parser } }, config] });
        return (await eslint.lintFiles(['.'])).flatMap((r) => r.messages.map((m) => `${r.filePath.slice(root.length + 1)}:${m.line}:${m.column} ${m.ruleId} ${m.severity}`));
      };
      expect(await lint(plugin.configs.recommended)).toEqual(['src/clients/catalog.ts:3:21 prodcheck/require-http-timeout 2', 'src/jobs/nightly.js:3:3 prodcheck/no-console-log 1']);
      const strict = await lint(plugin.configs.strict);
      expect(strict).toContain('src/clients/catalog.ts:3:21 prodcheck/require-http-timeout 2');
      expect(strict).toContain('src/jobs/nightly.js:3:3 prodcheck/no-console-log 1');
    });

    it('supports --cache and --print-config (the plugin meta makes the config serialisable)', async () => {
      const root = project({ 'src/server.js': "console.log('booting');\n" });
      const cacheDir = mkdtempSync(join(tmpdir(), 'prodcheck-eslintcache-'));
      temps.push(cacheDir);
      const options = { cwd: root, overrideConfigFile: true as const, overrideConfig: [plugin.configs.recommended], cache: true, cacheLocation: join(cacheDir, '.eslintcache') };
      for (let i = 0; i < 2; i++) {
        const results = await new major.ESLint(options).lintFiles(['.']);
        expect(results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`))).toEqual(['1:1 prodcheck/no-console-log']);
      }
      const printed = JSON.stringify(await new major.ESLint(options).calculateConfigForFile(join(root, 'src/server.js')));
      expect(printed).toContain(`prodcheck@${VERSION}`);
      expect(printed).toContain('"prodcheck/no-console-log"');
    });
  });
}
