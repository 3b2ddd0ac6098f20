// Documentation that cannot lie: every ❌ example of every rule's docs yields a finding of that
// rule and every ✅ example yields none, when run through the rule under the example's file name.
import { describe, expect, it } from 'vitest';
import { rules } from '../rules/index.js';
import { lintText } from '../src/core/engine.js';
import type { FileRule } from '../src/core/types.js';
import { findingsOf, writeProject } from './support/fixtures.js';

const fileRules = rules.filter((r): r is FileRule<Record<string, unknown>> => r.scope === 'file');
const projectRules = rules.filter((r) => r.scope === 'project');

describe('docs examples', () => {
  for (const rule of fileRules) {
    rule.docs.examples.invalid.forEach((example, i) => {
      it(`${rule.id} ❌ example ${i + 1} is flagged`, () => {
        const found = lintText({ text: example.code, filename: example.filename ?? 'example.ts', rules: [rule] });
        expect(found.length).toBeGreaterThan(0);
        expect(found.every((f) => f.ruleId === rule.id)).toBe(true);
      });
    });
    rule.docs.examples.valid.forEach((example, i) => {
      it(`${rule.id} ✅ example ${i + 1} is not flagged`, () => {
        expect(lintText({ text: example.code, filename: example.filename ?? 'example.ts', rules: [rule] })).toEqual([]);
      });
    });
  }
  // A project rule's example is a project of one file, scanned with only that rule on. A cycle,
  // env reads scattered over four modules and an `extends` chain need more files than an example
  // shows: those rules' fixtures carry their invalid cases.
  const needsSeveralFiles = new Set(['no-circular-import', 'no-scattered-env', 'require-strict-typescript']);
  for (const rule of projectRules) {
    if (!needsSeveralFiles.has(rule.id)) rule.docs.examples.invalid.forEach((example, i) => {
      it(`${rule.id} ❌ example ${i + 1} is flagged`, async () => {
        expect((await findingsOf(rule.id, writeProject({ [example.filename ?? 'example.ts']: example.code }))).length).toBeGreaterThan(0);
      });
    });
    rule.docs.examples.valid.forEach((example, i) => {
      it(`${rule.id} ✅ example ${i + 1} is not flagged`, async () => {
        expect(await findingsOf(rule.id, writeProject({ [example.filename ?? 'example.ts']: example.code }))).toEqual([]);
      });
    });
  }
});
