import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'docker-install-practice';
const notFrozen = (command: string, fix: string) =>
  `\`${command}\` can resolve versions other than the lockfile's, so the image runs dependencies nobody tested: use \`${fix}\`, which installs exactly the lockfile and fails when it is out of date`;

describe(RULE, () => {
  it('flags `npm install` in a single-stage image for both the lockfile and the dev dependencies', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'npm-install-in-single-stage');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'Dockerfile',
        line: 4,
        column: 1,
        message:
          '`npm install` does not hold to the lockfile and installs dev dependencies into the final image: use `npm ci --omit=dev` (or build in an earlier stage and install production dependencies only in the final one)',
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags an unfrozen yarn install in a build stage, not the frozen production install of the final stage', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'yarn-install-in-build-stage');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'Dockerfile', line: 4, column: 1, message: notFrozen('yarn install', 'yarn install --frozen-lockfile') }]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('flags `pnpm install` without --frozen-lockfile', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'pnpm-install-without-frozen-lockfile'))).toEqual([
      { file: 'Dockerfile', line: 5, column: 1, message: notFrozen('pnpm install', 'pnpm install --frozen-lockfile') },
    ]);
  });

  it('flags `npm ci` in the final stage with no omit, NODE_ENV or prune', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'npm-ci-with-dev-dependencies-in-final-image'))).toEqual([
      {
        file: 'Dockerfile',
        line: 4,
        column: 1,
        message: '`npm ci` in the final stage installs dev dependencies into the production image: use `npm ci --omit=dev`, or build in an earlier stage and prune before the final one',
      },
    ]);
  });

  it('finds `npm install` inside a RUN chained after system packages, past a comment line', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'npm-install-after-system-packages'))).toEqual([
      { file: 'Dockerfile', line: 5, column: 1, message: notFrozen('npm install --omit=dev', 'npm ci --omit=dev') },
    ]);
  });

  it('does not count global tool installs as dependency installs', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'global-tool-install'))).toBe(1);
  });

  it('is not applicable without a Dockerfile', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'no-dockerfile'))).toBe(0);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
