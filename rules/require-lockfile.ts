// require-lockfile: a package with dependencies and no committed lockfile (`package-lock.json`,
// `npm-shrinkwrap.json`, `yarn.lock`, `pnpm-lock.yaml`, `bun.lock`/`bun.lockb`) at the repository
// root. Every install then resolves the version ranges again: CI, the Docker build and production
// each get whatever was published that day, including a compromised or broken patch release, and
// the build that passed cannot be reproduced. A lockfile that .gitignore excludes is not committed.
import { posix } from 'node:path';
import { defineProjectRule } from '../src/core/rule.js';
import { repositoryRoot, rootFiles } from '../src/project/operations.js';

const LOCKFILE_OF: Record<string, string> = { npm: 'package-lock.json', yarn: 'yarn.lock', pnpm: 'pnpm-lock.yaml', bun: 'bun.lock' };

export default defineProjectRule({
  id: 'require-lockfile',
  repository: true,
  category: 'operations',
  severity: 'high',
  recommended: true,
  defaultOptions: {},
  messages: {
    missing:
      'No lockfile is committed for the {{count}} dependencies of package.json, so every install resolves their ranges again: run `{{install}}` and commit `{{lockfile}}`, then install with `{{frozen}}` in CI and Docker',
  },
  docs: {
    description: 'Require a committed lockfile (`package-lock.json`, `yarn.lock`, `pnpm-lock.yaml`, `bun.lock`).',
    why:
      'package.json holds version ranges. Without a lockfile each install picks the newest versions the ranges allow on that day, ' +
      'so CI, the Docker build and a developer machine run different dependency trees, a broken or compromised patch release reaches ' +
      'production without any change in the repository, and an earlier build cannot be reproduced to find out what changed.',
    fix: 'Run the install once (`npm install`, `yarn`, `pnpm install`), commit the lockfile it writes, remove it from .gitignore, and install with `npm ci` (or a frozen-lockfile install) in CI and Docker.',
    sites: 'packages with dependencies (at the repository root)',
    examples: {
      invalid: [{ filename: 'package.json', code: '{\n  "name": "orders-api",\n  "dependencies": { "express": "^4.21.0" }\n}\n' }],
      valid: [{ filename: 'package-lock.json', code: '{\n  "name": "orders-api",\n  "lockfileVersion": 3,\n  "packages": {}\n}\n' }],
    },
  },
  check(context) {
    const { facts } = context;
    const pkg = facts.packageJson;
    const count = Object.keys(pkg?.dependencies ?? {}).length;
    if (!pkg || count === 0) return;
    const root = repositoryRoot(facts);
    context.countSite();
    if (rootFiles(facts, 'lockfile', root).length > 0) return;
    const manager = typeof pkg.raw.packageManager === 'string' ? (/^(npm|yarn|pnpm|bun)@/.exec(pkg.raw.packageManager)?.[1] ?? 'npm') : 'npm';
    const frozen = manager === 'npm' ? 'npm ci' : `${manager} install --frozen-lockfile`;
    context.report({
      file: posix.join(root, 'package.json'),
      line: 1,
      column: 1,
      messageId: 'missing',
      data: { count, install: manager === 'yarn' ? 'yarn' : `${manager} install`, lockfile: LOCKFILE_OF[manager] ?? 'package-lock.json', frozen },
    });
  },
});
