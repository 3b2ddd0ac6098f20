import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Linter } from 'eslint';
import { rules } from '../rules/index.js';
import plugin from '../src/eslint/index.js';
import { VERSION } from '../src/version.js';

const fileRules = rules.filter((r) => r.scope === 'file');

describe('ESLint plugin object', () => {
  it('carries meta.name, meta.version and meta.namespace', () => {
    expect(plugin.meta).toEqual({ name: 'prodcheck', version: VERSION, namespace: 'prodcheck' });
  });

  it('exposes every file rule, and only file rules, with meta from the rule module', () => {
    expect(Object.keys(plugin.rules).sort()).toEqual(fileRules.map((r) => r.id).sort());
    for (const rule of fileRules) {
      const meta = plugin.rules[rule.id]?.meta;
      expect(meta?.docs?.description).toBe(rule.docs.description);
      expect(meta?.docs?.url).toBe(`https://github.com/prodcheck/prodcheck/blob/main/docs/rules/${rule.id}.md`);
      expect(meta?.messages).toEqual(rule.messages);
      expect(meta?.schema).toEqual([rule.optionsSchema ?? { type: 'object', properties: {}, additionalProperties: false }]);
      expect(meta?.hasSuggestions ?? false).toBe(rule.hasSuggestions ?? false);
    }
  });

  it('configs.recommended is a flat config that references the plugin itself and turns on the recommended rules', () => {
    const rec = plugin.configs.recommended;
    expect(rec?.plugins.prodcheck).toBe(plugin);
    const expected = Object.fromEntries(
      fileRules.filter((r) => r.recommended).map((r) => [`prodcheck/${r.id}`, r.severity === 'critical' || r.severity === 'high' ? 'error' : 'warn']),
    );
    expect(rec?.rules).toEqual(expected);
  });

  it('runs under espree through the Linter class, and prodcheck-disable comments silence a finding', () => {
    // Flat configs match files under the working directory, so the file name lives there; the
    // project root is set to that (empty) directory so the lint does not read this repository.
    const linter = new Linter({ configType: 'flat' });
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
    const messages = linter.verify(code, [{ files: ['**/*.js'], plugins: { prodcheck: plugin as never }, settings: { prodcheck: { root: join(process.cwd(), 'billing-api') } }, rules: { 'prodcheck/no-console-log': 'warn' } }], join(process.cwd(), 'billing-api/src/server.js'));
    expect(messages.map((m) => [m.ruleId, m.line, m.column])).toEqual([['prodcheck/no-console-log', 3, 1]]);
  });

  it('turns a rule suggestion into an ESLint suggestion that applies the same edit', () => {
    const linter = new Linter({ configType: 'flat' });
    const code = "export async function notify(url) {\n  await fetch(url, { method: 'POST' });\n}\n";
    const messages = linter.verify(code, [{ files: ['**/*.js'], plugins: { prodcheck: plugin as never }, settings: { prodcheck: { root: join(process.cwd(), 'billing-api') } }, rules: { 'prodcheck/require-http-timeout': 'error' } }], join(process.cwd(), 'billing-api/src/notify.js'));
    expect(messages.map((m) => [m.ruleId, m.line, m.column])).toEqual([['prodcheck/require-http-timeout', 2, 9]]);
    const suggestion = messages[0]?.suggestions?.[0];
    expect(suggestion?.desc).toBe('Abort after 10 s: add `signal: AbortSignal.timeout(10_000)`');
    const fix = suggestion?.fix;
    const fixed = fix ? code.slice(0, fix.range[0]) + fix.text + code.slice(fix.range[1]) : code;
    expect(fixed).toBe("export async function notify(url) {\n  await fetch(url, { method: 'POST', signal: AbortSignal.timeout(10_000) });\n}\n");
  });
});
