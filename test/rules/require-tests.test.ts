import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'require-tests';
const placeholder = (script: string) =>
  `The \`test\` script is \`${script}\` and the package has no test files: write tests (\`*.test.ts\` with vitest, jest, or \`node --test\`) and make \`test\` run them`;

describe(RULE, () => {
  it('flags npm\'s placeholder test script, at the script', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'npm-placeholder-test-script');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'package.json', line: 8, column: 5, message: placeholder('echo "Error: no test specified" && exit 1') }]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags a package with neither a test script nor test files, at package.json', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'no-test-script-and-no-tests'))).toEqual([
      {
        file: 'package.json',
        line: 1,
        column: 1,
        message: 'The package has no test files and no `test` script: add tests (`*.test.ts` with vitest, jest, or `node --test`) and a `test` script that runs them',
      },
    ]);
  });

  it('does not take fixtures for tests, nor a script that only echoes for a test run', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'only-fixtures-and-an-echo-script'))).toEqual([
      { file: 'package.json', line: 8, column: 5, message: placeholder("echo 'tests coming soon'") },
    ]);
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
