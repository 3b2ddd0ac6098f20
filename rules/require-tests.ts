// require-tests: a package with no test files and no working `test` script (npm's default
// `echo "Error: no test specified" && exit 1`, or a script that only echoes, counts as none). No
// change to such a service can be checked before it ships: every refactoring, dependency upgrade
// and bug fix is verified by users in production. Test files are files with the test role (under
// `test/`, `__tests__/`, `e2e/`, named `*.test.ts`, `*.spec.js`); fixtures and mocks alone are not tests.
import { posix } from 'node:path';
import { defineProjectRule } from '../src/core/rule.js';
import type { ProjectFacts } from '../src/project/facts.js';
import { packageJsonKeyPosition, repositoryRoot } from '../src/project/operations.js';
import { relativePath } from '../src/project/services.js';

/** npm's placeholder and scripts that only print, exit or succeed: they test nothing. */
const PLACEHOLDER = /^(?:(?:echo\b[^&|;]*|exit\s+\d+|true|:)\s*(?:&&|\|\||;)?\s*)+$/;
/** Directories that hold test data, not tests. */
const TEST_DATA_DIR = /(^|\/)(__)?(fixtures?|mocks?|stubs?|snapshots?)(__)?\//i;

function hasTestFiles(facts: ProjectFacts): boolean {
  for (const file of [...facts.modules.keys(), ...facts.unusedTests]) {
    if (!facts.roles(file).has('test')) continue;
    const rel = relativePath(facts, file);
    if (!TEST_DATA_DIR.test(rel) || /\.(test|spec)\.[cm]?[jt]sx?$/.test(rel)) return true;
  }
  return false;
}

export default defineProjectRule({
  id: 'require-tests',
  repository: true,
  category: 'operations',
  severity: 'medium',
  recommended: true,
  defaultOptions: {},
  messages: {
    missing: 'The package has no test files and no `test` script: add tests (`*.test.ts` with vitest, jest, or `node --test`) and a `test` script that runs them',
    placeholder:
      'The `test` script is `{{script}}` and the package has no test files: write tests (`*.test.ts` with vitest, jest, or `node --test`) and make `test` run them',
  },
  docs: {
    description: 'Require tests: test files, or a `test` script other than npm\'s "no test specified" placeholder.',
    why:
      'A service without tests can only be checked by running it in production. Every refactoring, dependency upgrade and bug fix ' +
      'is verified by users, CI has nothing to run, and the upgrades that other rules ask for (a framework major, a driver with timeouts) ' +
      'become risky enough that nobody makes them.',
    fix: 'Start with tests of the request handlers (supertest against the app, or `fastify.inject`) and of the business logic, and set `"test": "vitest run"` (or jest, `node --test`) in package.json.',
    sites: 'packages (at the repository root)',
    examples: {
      invalid: [{ filename: 'package.json', code: '{\n  "name": "orders-api",\n  "scripts": {\n    "test": "echo \\"Error: no test specified\\" && exit 1"\n  }\n}\n' }],
      valid: [{ filename: 'test/orders.test.ts', code: "import { expect, it } from 'vitest';\nimport { totalOf } from '../src/orders.js';\n\nit('sums line items', () => {\n  expect(totalOf([{ price: 5, quantity: 2 }])).toBe(10);\n});\n" }],
    },
  },
  check(context) {
    const { facts } = context;
    const pkg = facts.packageJson;
    if (!pkg) return;
    const root = repositoryRoot(facts);
    context.countSite();
    const testScripts = Object.entries(pkg.scripts).filter(([name]) => name === 'test' || name.startsWith('test:'));
    if (testScripts.some(([, command]) => !PLACEHOLDER.test(command.trim())) || hasTestFiles(facts)) return;
    const file = posix.join(root, 'package.json');
    const script = pkg.scripts.test;
    if (script !== undefined) {
      context.report({ file, ...packageJsonKeyPosition(pkg.text, ['scripts', 'test']), messageId: 'placeholder', data: { script: script.length > 60 ? `${script.slice(0, 57)}…` : script } });
    } else context.report({ file, line: 1, column: 1, messageId: 'missing' });
  },
});
