import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'require-lockfile';
const missing = (install: string, lockfile: string, frozen: string) =>
  `No lockfile is committed for the 4 dependencies of package.json, so every install resolves their ranges again: run \`${install}\` and commit \`${lockfile}\`, then install with \`${frozen}\` in CI and Docker`;

describe(RULE, () => {
  it('flags a package with dependencies and no lockfile, at package.json', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'no-lockfile');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'package.json', line: 1, column: 1, message: missing('npm install', 'package-lock.json', 'npm ci') }]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('names the package manager that package.json declares', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'pnpm-project-without-lockfile'))).toEqual([
      { file: 'package.json', line: 1, column: 1, message: missing('pnpm install', 'pnpm-lock.yaml', 'pnpm install --frozen-lockfile') },
    ]);
  });

  it('judges the repository root: a tool\'s lockfile in a subdirectory does not count', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'lockfile-only-in-a-subdirectory'))).toEqual([
      { file: 'package.json', line: 1, column: 1, message: missing('npm install', 'package-lock.json', 'npm ci') },
    ]);
  });

  it('is not applicable without package.json or without dependencies', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'no-package-json'))).toBe(0);
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'no-dependencies'))).toBe(0);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
