import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf, writeProject } from '../support/fixtures.js';

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

  it('holds pnpm to its CI default only where CI reaches the install and no option turns it off', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'ci-that-does-not-freeze-pnpm');
    expect(await findingsOf(RULE, dir)).toEqual([
      // `ARG CI=true` of the base stage ends with that stage.
      { file: 'Dockerfile', line: 8, column: 1, message: notFrozen('pnpm install', 'pnpm install --frozen-lockfile') },
      { file: 'Dockerfile', line: 17, column: 1, message: notFrozen('pnpm install --prod --no-frozen-lockfile', 'pnpm install --frozen-lockfile --prod') },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('flags a Yarn 1 install under `ENV CI=true`: only pnpm freezes the lockfile in CI', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'yarn-classic-install-under-ci-env'))).toEqual([
      { file: 'Dockerfile', line: 5, column: 1, message: notFrozen('yarn install', 'yarn install --frozen-lockfile') },
    ]);
  });

  it('flags `pnpm install` under CI when CI is `false` or overridden, the lockfile is missing, or .npmrc sets the lockfile mode', async () => {
    const project = (dockerfile: string, extra: Record<string, string> = {}) =>
      writeProject({
        'package.json': JSON.stringify({ name: 'accounts-api', scripts: { start: 'node dist/main.js' }, dependencies: { koa: '^2.15.3' }, devDependencies: { typescript: '^5.7.2' } }),
        'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
        'src/main.ts': "import Koa from 'koa';\nnew Koa().listen(3000);\n",
        Dockerfile: `FROM node:22-alpine AS build\nWORKDIR /app\n${dockerfile}\nCOPY . .\nRUN pnpm build\n\nFROM node:22-alpine\nWORKDIR /app\nCOPY --from=build /app/dist ./dist\nUSER node\nCMD ["node", "dist/main.js"]\n`,
        ...extra,
      });
    const flagged = (command: string, line = 4) => [{ file: 'Dockerfile', line, column: 1, message: notFrozen(command, 'pnpm install --frozen-lockfile') }];
    expect(await findingsOf(RULE, project('ENV CI=true\nRUN pnpm install'))).toEqual([]);
    expect(await findingsOf(RULE, project('ENV CI=false\nRUN pnpm install'))).toEqual(flagged('pnpm install'));
    expect(await findingsOf(RULE, project('ARG CI=true\nRUN CI= pnpm install'))).toEqual(flagged('CI= pnpm install'));
    // An ENV wins over an ARG of the same name.
    expect(await findingsOf(RULE, project('ENV CI=false\nARG CI=true\nRUN pnpm install'))).toEqual(flagged('pnpm install', 5));
    expect(await findingsOf(RULE, project('ENV CI=true\nRUN pnpm install --prefer-frozen-lockfile'))).toEqual(flagged('pnpm install --prefer-frozen-lockfile'));
    expect(await findingsOf(RULE, project('ENV CI=true npm_config_frozen_lockfile=false\nRUN pnpm install'))).toEqual(flagged('pnpm install'));
    expect(await findingsOf(RULE, project('ENV CI=true\nRUN pnpm install', { '.npmrc': 'prefer-frozen-lockfile=true\n' }))).toEqual(flagged('pnpm install'));
    const withoutLockfile = project('ENV CI=true\nRUN pnpm install');
    rmSync(join(withoutLockfile, 'pnpm-lock.yaml'));
    expect(await findingsOf(RULE, withoutLockfile)).toEqual(flagged('pnpm install'));
  });

  it('counts pnpm installs under CI (ENV, inherited ENV, ARG, inline) as sites it accepts', async () => {
    for (const [name, sites] of [['pnpm-install-under-ci-env', 2], ['ci-from-base-stage-or-inline', 2], ['ci-build-argument', 1]] as const) {
      expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', name)), name).toBe(sites);
    }
  });

  it('does not judge the integration-test image, only the production Dockerfile next to it', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'integration-test-dockerfile'))).toBe(1);
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
