// File roles: what a file is for, decided from its path and from what the facts pass saw in it.
// Rules use roles for their "must not flag" guards (tests, CLI scripts, browser code, configs).
import type { FileRole } from '../core/types.js';

const TEST_DIRS = new Set(['test', 'tests', '__tests__', '__test__', 'e2e', 'spec', '__mocks__', 'cypress', 'playwright', 'testing', 'fixtures', '__fixtures__']);
/** `integration-tests`, `e2e_tests`, `medusa-test-utils`: a test word between separators (not `latest`). */
const TEST_DIR_WORD = /(^|[-_])(tests?|testing|e2e)([-_]|$)/;
/** Tests, and the data they share: `orders.mock.ts`, `users.fixtures.ts`. */
const TEST_FILE = /\.(test|spec|e2e-spec|e2e|integration|int-spec|mocks?|fixtures?)\.[cm]?[jt]sx?$/i;
/**
 * A file named only `test.js` / `spec.ts` (a mocha suite next to the app it tests), a test
 * runner's setup module outside a test directory: `src/test-setup.ts` (a `globalSetup` or
 * `setupFiles` entry), or the test data next to the code it stands in for (`src/connectors/sms/mock.ts`,
 * imported by `index.test.ts`). Not `global-setup.ts`: an application can name its own bootstrap so.
 */
const TEST_BASENAME = /^(tests?|spec|test-?setup|mocks?|test-?utils)\.[cm]?[jt]sx?$/i;
/** One-shot programs: scripts, command-line tools, benchmarks, code generators, database migrations (`alterations/` in logto). */
const CLI_DIRS = new Set(['bin', 'scripts', 'script', 'cli', 'tools', 'migrations', 'alterations', 'seeds', 'seeders', 'commands', 'bench', 'benchmark', 'benchmarks', 'codegen']);
/** Seed and migration scripts, wherever they live (`src/prisma/seed.ts`, `src/db/migrate.ts`). */
const CLI_FILE = /^(seeds?|seeders?|migrate|migrations?)([.-][\w.-]*)?\.[cm]?[jt]s$/;
const CONFIG_FILE =
  /(^|\/)(\.?[\w-]+\.config|\.eslintrc|\.prettierrc|\.babelrc|gulpfile|gruntfile|knexfile|ecosystem\.config|(jest|vitest)([.-][\w-]+)?\.setup|setup-tests?|\.mocharc|nodemon|webpack\.[\w.-]+|rollup\.[\w.-]+)\.[cm]?[jt]sx?$/i;
const BROWSER_DIRS = new Set(['public', 'static', 'client', 'frontend', 'www', 'assets']);

export interface RoleEvidence {
  /** The first line starts with `#!`. */
  shebang: boolean;
  /** JSX, `window`/`document`/`localStorage` read as globals, React's hooks or Next.js's client router imported, or a `'use client'` directive. */
  browserSyntax: boolean;
  /** Imports a Node built-in or a server framework. */
  serverImports: boolean;
  /** Reads `process.argv`: a command-line program, unless it also starts a server. */
  readsArgv: boolean;
  /** Calls `.listen(…)`: a server entry point. */
  listens: boolean;
  /** The nearest package.json is a front-end package (React, Vue, … and no server framework). */
  frontendPackage?: boolean;
}

/** Whether a file's path alone makes it a test (the `test` role does not depend on its content). */
export function isTestPath(relPath: string): boolean {
  let known = testPaths.get(relPath);
  if (known === undefined) {
    known = testPath(relPath);
    testPaths.set(relPath, known);
  }
  return known;
}

/** `isTestPath`'s answers (a scan asks about every file several times; an editor session about a project's files). */
const testPaths = new Map<string, boolean>();

function testPath(relPath: string): boolean {
  const segments = relPath.toLowerCase().split('/');
  const base = segments[segments.length - 1] ?? '';
  return TEST_FILE.test(base) || TEST_BASENAME.test(base) || segments.slice(0, -1).some((d) => TEST_DIRS.has(d) || TEST_DIR_WORD.test(d));
}

export function fileRoles(relPath: string, evidence: RoleEvidence): Set<FileRole> {
  const roles = new Set<FileRole>();
  const segments = relPath.toLowerCase().split('/');
  const dirs = segments.slice(0, -1);
  const base = segments[segments.length - 1] ?? '';
  if (isTestPath(relPath)) roles.add('test');
  const cliPath = dirs.some((d) => CLI_DIRS.has(d)) || CLI_FILE.test(base);
  if (evidence.shebang || cliPath || (evidence.readsArgv && !evidence.listens)) roles.add('cli');
  if (CONFIG_FILE.test(relPath)) roles.add('config');
  const browserHints = evidence.browserSyntax || evidence.frontendPackage === true || /\.[jt]sx$/.test(base) || dirs.some((d) => BROWSER_DIRS.has(d));
  if (!evidence.serverImports && browserHints) roles.add('browser');
  if (roles.size === 0) roles.add('server');
  return roles;
}
