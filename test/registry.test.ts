// Completeness, enforced for every registered rule: module, docs, fixtures, tests, docs page and
// README row. The docs page and the README table are generated from the rule modules; run
// `UPDATE_DOCS=1 npx vitest run test/registry.test.ts` after changing a rule's docs.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { rules } from '../rules/index.js';
import { parseText } from '../src/core/parse.js';
import { createHelpers } from '../src/core/helpers.js';
import { buildProjectFacts } from '../src/project/facts.js';
import { CATEGORIES, SEVERITIES } from '../src/core/types.js';
import { renderEditorRules, renderRuleMarkdown, renderRuleTable } from '../src/report/rule-docs.js';
import { FIXTURES, ROOT, fixtureCases } from './support/fixtures.js';

const UPDATE = process.env.UPDATE_DOCS === '1';
const README = join(ROOT, 'README.md');
const START = '<!-- rules:start -->';
const END = '<!-- rules:end -->';

function generated(path: string, expected: string): string {
  if (UPDATE) writeFileSync(path, expected);
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

describe('rule registry', () => {
  it('has unique kebab-case ids', () => {
    const ids = rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(?:-[a-z0-9]+)*$/);
  });

  for (const rule of rules) {
    describe(rule.id, () => {
      it('has its module, a category, a severity, messages and options that match the schema', () => {
        expect(existsSync(join(ROOT, 'rules', `${rule.id}.ts`))).toBe(true);
        expect(CATEGORIES).toContain(rule.category);
        expect(SEVERITIES).toContain(rule.severity);
        expect(Object.keys(rule.messages).length).toBeGreaterThan(0);
        for (const m of Object.values(rule.messages)) expect(m.length).toBeGreaterThan(20);
        if (rule.optionsSchema) expect(new Ajv({ strict: false }).validate(rule.optionsSchema, rule.defaultOptions)).toBe(true);
        else expect(rule.defaultOptions).toEqual({});
      });

      it('has docs: what, why, fix, sites, and examples of both kinds', () => {
        const { docs } = rule;
        expect(docs.description).toMatch(/\.$/);
        expect(docs.why.length).toBeGreaterThan(80);
        expect(docs.fix.length).toBeGreaterThan(20);
        expect(docs.sites.length).toBeGreaterThan(3);
        expect(docs.examples.invalid.length).toBeGreaterThan(0);
        expect(docs.examples.valid.length).toBeGreaterThan(0);
      });

      it('has invalid and valid fixtures and a test file', () => {
        expect(fixtureCases(rule.id, 'invalid').length).toBeGreaterThan(0);
        expect(fixtureCases(rule.id, 'valid').length).toBeGreaterThan(0);
        expect(existsSync(join(ROOT, 'test', 'rules', `${rule.id}.test.ts`))).toBe(true);
      });

      // The scan leaves test files that nothing imports unparsed (src/scan.ts): that is only right
      // while no file rule looks at a test file. Each invalid example, placed where tests live,
      // must get no listener from the rule.
      if (rule.scope === 'file') {
        it('looks at no test file', () => {
          for (const example of rule.docs.examples.invalid) {
            const filename = example.filename ?? 'src/service.ts';
            const base = filename.split('/').pop() as string;
            for (const relPath of [`test/${base}`, filename.replace(/(\.[cm]?[jt]sx?)$/, '.test$1'), `src/__tests__/${base}`]) {
              const path = `/repo/${relPath}`;
              const { sourceFile, text } = parseText(path, example.code);
              const facts = buildProjectFacts({ root: '/repo', files: [{ path, relPath, sourceFile }], readDisk: false });
              expect(facts.roles(path).has('test')).toBe(true);
              const listeners = rule.create({
                ruleId: rule.id,
                options: rule.defaultOptions,
                file: { path, relPath, sourceFile, text, roles: facts.roles(path) },
                project: facts,
                helpers: createHelpers(path, facts),
                report: () => undefined,
                countSite: () => undefined,
              } as unknown as Parameters<typeof rule.create>[0]);
              expect({ relPath, listeners: Object.keys(listeners) }).toEqual({ relPath, listeners: [] });
            }
          }
        });
      }

      it('has an up-to-date docs page', () => {
        const path = join(ROOT, 'docs', 'rules', `${rule.id}.md`);
        expect(generated(path, renderRuleMarkdown(rule))).toBe(renderRuleMarkdown(rule));
      });
    });
  }

  it('leaves nothing behind for a rule that is not registered', () => {
    const ids = new Set(rules.map((r) => r.id));
    const fixtureDirs = readdirSync(FIXTURES).filter((d) => d !== 'projects' && d !== 'handlers' && d !== 'taint');
    expect(fixtureDirs.filter((d) => !ids.has(d))).toEqual([]);
    const pages = readdirSync(join(ROOT, 'docs', 'rules')).map((f) => f.replace(/\.md$/, ''));
    expect(pages.filter((p) => !ids.has(p))).toEqual([]);
    const modules = readdirSync(join(ROOT, 'rules')).filter((f) => f !== 'index.ts' && f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
    expect(modules.filter((m) => !ids.has(m))).toEqual([]);
  });

  for (const [what, start, end, render] of [
    ['rule table', START, END, renderRuleTable],
    ['list of the rules the ESLint plugin shows', '<!-- eslint-rules:start -->', '<!-- eslint-rules:end -->', renderEditorRules],
  ] as const) {
    it(`has an up-to-date ${what} in the README`, () => {
      const readme = readFileSync(README, 'utf8');
      const at = readme.indexOf(start);
      const until = readme.indexOf(end);
      expect(at).toBeGreaterThan(-1);
      expect(until).toBeGreaterThan(at);
      const expected = `${readme.slice(0, at + start.length)}\n${render(rules)}\n${readme.slice(until)}`;
      expect(generated(README, expected)).toBe(expected);
    });
  }
});
