// File roles: what a file is for, decided from its path and from what the facts pass saw in it.
// Rules use roles for their "must not flag" guards (tests, CLI scripts, browser code, configs).
import type { FileRole } from '../core/types.js';

const TEST_DIRS = new Set(['test', 'tests', '__tests__', '__test__', 'e2e', 'spec', '__mocks__', 'cypress', 'playwright', 'test-utils', 'testing']);
const TEST_FILE = /\.(test|spec|e2e-spec|e2e|integration|int-spec)\.[cm]?[jt]sx?$/i;
const CLI_DIRS = new Set(['bin', 'scripts', 'script', 'cli', 'tools', 'migrations', 'seeds', 'seeders']);
const CONFIG_FILE =
  /(^|\/)(\.?[\w-]+\.config|\.eslintrc|\.prettierrc|\.babelrc|gulpfile|gruntfile|knexfile|ecosystem\.config|jest\.setup|vitest\.setup|setup-tests?|\.mocharc|nodemon|webpack\.[\w.-]+|rollup\.[\w.-]+)\.[cm]?[jt]sx?$/i;
const BROWSER_DIRS = new Set(['public', 'static', 'client', 'frontend', 'www', 'assets']);

export interface RoleEvidence {
  /** The first line starts with `#!`. */
  shebang: boolean;
  /** JSX, or `window`/`document`/`localStorage` read as globals. */
  browserSyntax: boolean;
  /** Imports a Node built-in or a server framework. */
  serverImports: boolean;
}

export function fileRoles(relPath: string, evidence: RoleEvidence): Set<FileRole> {
  const roles = new Set<FileRole>();
  const segments = relPath.toLowerCase().split('/');
  const dirs = segments.slice(0, -1);
  const base = segments[segments.length - 1] ?? '';
  if (TEST_FILE.test(base) || dirs.some((d) => TEST_DIRS.has(d))) roles.add('test');
  if (evidence.shebang || dirs.some((d) => CLI_DIRS.has(d))) roles.add('cli');
  if (CONFIG_FILE.test(relPath)) roles.add('config');
  if (!evidence.serverImports && (evidence.browserSyntax || dirs.some((d) => BROWSER_DIRS.has(d)))) roles.add('browser');
  if (roles.size === 0) roles.add('server');
  return roles;
}
