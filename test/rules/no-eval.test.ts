import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-eval';
const EVAL = (callee: string) =>
  `\`${callee}\` runs code built at run time: whatever reaches it executes with the service's privileges — parse data with \`JSON.parse\`, or look the operation up in a map of functions`;
const TIMER = (callee: string) => `\`${callee}\` is given a string built at run time, which is evaluated as code: pass a function instead`;

describe(RULE, () => {
  it('flags eval of a request value', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'eval-of-stored-formula');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/pricing/discount.service.ts', line: 5, column: 22, message: EVAL('eval') }]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags new Function and Function with built code', async () => {
    const file = 'src/reports/filters.js';
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'function-constructor-from-template'))).toEqual([
      { file, line: 2, column: 10, message: EVAL('new Function') },
      { file, line: 6, column: 10, message: EVAL('Function') },
    ]);
  });

  it('flags vm.runInNewContext and new Script with dynamic code', async () => {
    const file = 'src/workflows/script-step.ts';
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'vm-with-dynamic-code'))).toEqual([
      { file, line: 5, column: 10, message: EVAL('vm.runInNewContext') },
      { file, line: 9, column: 10, message: EVAL('new vm.Script') },
    ]);
  });

  it('flags timers given a built string', async () => {
    const file = 'src/jobs/retry.js';
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'timer-with-built-string'))).toEqual([
      { file, line: 2, column: 3, message: TIMER('setTimeout') },
      { file, line: 6, column: 10, message: TIMER('setInterval') },
    ]);
  });

  it('counts constant evaluations as sites without flagging them', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'constant-code'))).toBe(3);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
