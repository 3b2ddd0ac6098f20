// require-ci: a repository without continuous integration configuration at its root (GitHub
// Actions workflows, GitLab CI, Jenkins, CircleCI, Azure Pipelines, Bitbucket Pipelines, Travis,
// Drone, Buildkite, AWS CodeBuild, Cloud Build and a few more). Without CI nothing runs the tests,
// the type checker or the build before a change is merged: a commit that does not compile or that
// breaks a test reaches the main branch and the next deploy, and nobody learns of it until then.
import { posix } from 'node:path';
import { defineProjectRule } from '../src/core/rule.js';
import { repositoryRoot, rootFiles } from '../src/project/operations.js';

export default defineProjectRule({
  id: 'require-ci',
  repository: true,
  category: 'operations',
  severity: 'medium',
  recommended: true,
  defaultOptions: {},
  messages: {
    missing:
      'The repository has no CI configuration, so no change is built or tested before it is merged: add a workflow (`.github/workflows/ci.yml`, `.gitlab-ci.yml`, …) that installs with a frozen lockfile and runs the build and {{test}}',
  },
  docs: {
    description: 'Require a CI configuration at the repository root (GitHub Actions, GitLab CI, Jenkins, CircleCI, Azure Pipelines, Bitbucket Pipelines, …).',
    why:
      'Continuous integration is what makes tests, type checks and builds run on every change instead of when someone remembers. ' +
      'Without it a change that does not compile, breaks a test or changes the lockfile unexpectedly is merged and deployed, ' +
      'and the failure is discovered in production, by users, instead of on the pull request.',
    fix: 'Add a pipeline that runs on every push and pull request: install with `npm ci`, then the build, the linter and the tests (`.github/workflows/ci.yml` with `actions/setup-node`, or your CI service\'s equivalent).',
    sites: 'repositories (a package.json at the root)',
    examples: {
      invalid: [{ filename: 'package.json', code: '{\n  "name": "orders-api",\n  "scripts": { "test": "vitest run" }\n}\n' }],
      valid: [
        {
          filename: '.github/workflows/ci.yml',
          code: 'name: ci\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-node@v4\n        with: { node-version: 22 }\n      - run: npm ci\n      - run: npm test\n',
        },
      ],
    },
  },
  check(context) {
    const { facts } = context;
    if (!facts.packageJson) return;
    const root = repositoryRoot(facts);
    context.countSite();
    if (rootFiles(facts, 'ci', root).length > 0) return;
    context.report({ file: posix.join(root, 'package.json'), line: 1, column: 1, messageId: 'missing', data: { test: facts.packageJson.scripts.test ? '`npm test`' : 'the tests' } });
  },
});
