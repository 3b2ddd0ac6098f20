import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'require-ci';
const missing =
  'The repository has no CI configuration, so no change is built or tested before it is merged: add a workflow (`.github/workflows/ci.yml`, `.gitlab-ci.yml`, …) that installs with a frozen lockfile and runs the build and `npm test`';

describe(RULE, () => {
  it('flags a repository without CI configuration, at package.json', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'no-ci-configuration');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'package.json', line: 1, column: 1, message: missing }]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('does not count a workflow directory below the root, which GitHub does not run', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'workflow-outside-the-root'))).toEqual([{ file: 'package.json', line: 1, column: 1, message: missing }]);
  });

  it('is not applicable without package.json', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'no-package-json'))).toBe(0);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
