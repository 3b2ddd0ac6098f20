// The changed-lines filter on real git repositories: the merge base (not the tip of the base
// branch), edits committed and not, renames with edits, pure renames, deletions, untracked and
// ignored files, a scanned root below the repository's top; then the filter on a report and the
// comparison with a saved base report.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getRule } from '../../rules/index.js';
import { expectUsageError } from '../support/fixtures.js';
import { UsageError } from '../../src/config/errors.js';
import type { AnyRule, Finding } from '../../src/core/types.js';
import {
  asReport,
  changedLinesSince,
  compareScore,
  filterToChanged,
  parseUnifiedDiff,
  readReport,
  unquoteGitPath,
} from '../../src/filter/changed-since.js';
import type { ChangedLines } from '../../src/report/changed.js';
import { httpTimeoutFinding, reportOf } from '../support/reports.js';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

const numbered = (prefix: string, n: number): string => Array.from({ length: n }, (_, i) => `export const ${prefix}${i + 1} = ${i + 1};\n`).join('');

/** Plain object of a ChangedLines map, for exact comparison. */
function plain(changed: ChangedLines): Record<string, number[]> {
  return Object.fromEntries([...changed].map(([file, lines]) => [file, [...lines].sort((a, b) => a - b)]));
}

describe('changedLinesSince', () => {
  let repo: string;

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'prodcheck-changed-'));
    git(repo, 'init', '-q', '-b', 'main');
    write(repo, {
      '.gitignore': 'dist/\n',
      'package.json': '{ "name": "orders" }\n',
      'README.md': '# orders\n\nThe orders service.\n',
      'src/orders.ts': numbered('order', 5),
      'src/legacy-client.ts': numbered('client', 10),
      'src/removed.ts': numbered('gone', 3),
      'src/café.ts': numbered('cafe', 2),
      'docs/plan.md': 'plan\n',
    });
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'base');
    git(repo, 'checkout', '-q', '-b', 'feature');
    // The base branch moves on after the branch point: none of this is the pull request's change.
    git(repo, 'checkout', '-q', 'main');
    write(repo, { 'package.json': '{ "name": "orders", "private": true }\n', 'src/orders.ts': numbered('order', 5) + 'export const onMain = 1;\n' });
    git(repo, 'commit', '-q', '-am', 'main moves on');
    git(repo, 'checkout', '-q', 'feature');

    // Committed on the branch: an edited line and an added one, a rename with an edit, a pure
    // rename to a name with a space, a deleted file, an edited file with a non-ASCII name.
    write(repo, { 'src/orders.ts': numbered('order', 5).replace('order2 = 2', 'order2 = 20') + 'export const order6 = 6;\n' });
    renameSync(join(repo, 'src/legacy-client.ts'), join(repo, 'src/http-client.ts'));
    write(repo, { 'src/http-client.ts': numbered('client', 10).replace('client3 = 3', 'client3 = 33') });
    renameSync(join(repo, 'docs/plan.md'), join(repo, 'docs/release plan.md'));
    rmSync(join(repo, 'src/removed.ts'));
    write(repo, { 'src/café.ts': 'export const cafe1 = 10;\n' + 'export const cafe2 = 2;\n' });
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'feature');

    // Not committed: an unstaged edit, an untracked file, an ignored file.
    write(repo, { 'README.md': '# orders service\n\nThe orders service.\n' });
    write(repo, { 'src/refunds.ts': numbered('refund', 3), 'dist/bundle.js': 'console.log(1);\n' });
  });

  it('maps each changed file (new path) to its added or changed lines since the merge base, untracked files whole', () => {
    expect(plain(changedLinesSince(repo, 'main'))).toEqual({
      'README.md': [1],
      'docs/release plan.md': [],
      'src/café.ts': [1],
      'src/http-client.ts': [3],
      'src/orders.ts': [2, 6],
      'src/refunds.ts': [1, 2, 3],
    });
  });

  it('keys files relative to a scanned root below the repository top and leaves out the rest', () => {
    expect(plain(changedLinesSince(join(repo, 'src'), 'main'))).toEqual({
      'café.ts': [1],
      'http-client.ts': [3],
      'orders.ts': [2, 6],
      'refunds.ts': [1, 2, 3],
    });
  });

  it('is empty against HEAD itself except for uncommitted and untracked changes', () => {
    expect(plain(changedLinesSince(repo, 'HEAD'))).toEqual({ 'README.md': [1], 'src/refunds.ts': [1, 2, 3] });
  });

  it('names the problem: not a repository, an unknown ref, no common ancestor, no directory, git missing', () => {
    const plainDir = mkdtempSync(join(tmpdir(), 'prodcheck-nogit-'));
    let error: unknown;
    try {
      changedLinesSince(plainDir, 'main');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(new RegExp(`^--changed-since: ${plainDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not in a git repository`));

    expectUsageError(() => changedLinesSince(repo, 'origin/nope'), '--changed-since: unknown git ref "origin/nope"');
    expectUsageError(() => changedLinesSince(repo, '--output=/tmp/x'), '--changed-since: unknown git ref "--output=/tmp/x"');

    const orphan = mkdtempSync(join(tmpdir(), 'prodcheck-orphan-'));
    git(orphan, 'init', '-q', '-b', 'main');
    write(orphan, { 'a.ts': 'export {};\n' });
    git(orphan, 'add', '-A');
    git(orphan, 'commit', '-q', '-m', 'one');
    git(orphan, 'checkout', '-q', '--orphan', 'other');
    git(orphan, 'commit', '-q', '-m', 'unrelated');
    expectUsageError(
      () => changedLinesSince(orphan, 'main'),
      '--changed-since: "main" and HEAD have no common ancestor (in a shallow clone, fetch the history: actions/checkout with fetch-depth: 0)',
    );

    const empty = mkdtempSync(join(tmpdir(), 'prodcheck-empty-'));
    git(empty, 'init', '-q', '-b', 'main');
    expectUsageError(() => changedLinesSince(empty, 'main'), '--changed-since: unknown git ref "main"');

    expectUsageError(() => changedLinesSince(join(plainDir, 'nope'), 'main'), `--changed-since: not a directory: ${join(plainDir, 'nope')}`);

    const path = process.env.PATH;
    process.env.PATH = join(plainDir, 'no-bin');
    try {
      expectUsageError(() => changedLinesSince(repo, 'main'), '--changed-since: git was not found on PATH (it is needed to find the changed lines)');
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('parseUnifiedDiff', () => {
  it('reads hunks with and without counts, pure deletions, quoted paths, binary files and deletions', () => {
    const diff = [
      'diff --git a/src/a.ts b/src/a.ts',
      'index 1..2 100644',
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -3 +3 @@ x',
      '-old',
      '+new',
      '@@ -10,2 +9,0 @@',
      '-gone',
      '-gone',
      '@@ -20,0 +19,2 @@',
      '+++ an added line that looks like a header',
      '+second',
      'diff --git "a/src/caf\\303\\251 \\"x\\".ts" "b/src/caf\\303\\251 \\"x\\".ts"',
      '--- "a/src/caf\\303\\251 \\"x\\".ts"',
      '+++ "b/src/caf\\303\\251 \\"x\\".ts"',
      '@@ -1 +1 @@',
      '-a',
      '+b',
      'diff --git a/logo.png b/logo.png',
      'index 1..2 100644',
      'Binary files a/logo.png and b/logo.png differ',
      'diff --git a/src/old.ts b/src/old.ts',
      'deleted file mode 100644',
      '--- a/src/old.ts',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-x',
      '',
    ].join('\n');
    expect(Object.fromEntries([...parseUnifiedDiff(diff)].map(([f, l]) => [f, [...l]]))).toEqual({
      'src/a.ts': [3, 19, 20],
      'src/café "x".ts': [1],
      'logo.png': [],
    });
  });

  it('unquotes git paths: octal UTF-8 bytes and C escapes', () => {
    expect(unquoteGitPath('"b/caf\\303\\251.ts"')).toBe('b/café.ts');
    expect(unquoteGitPath('"b/tab\\there\\\\.ts"')).toBe('b/tab\there\\.ts');
    expect(unquoteGitPath('b/plain.ts')).toBe('b/plain.ts');
  });
});

const finding = httpTimeoutFinding;

describe('filterToChanged', () => {
  const findings: Finding[] = [
    finding({ file: 'Dockerfile', line: 1, ruleId: 'dockerfile-sigterm', category: 'operations', severity: 'critical' }),
    finding({ file: 'package.json', line: 1, ruleId: 'dockerfile-sigterm', category: 'operations', severity: 'critical' }),
    finding({ file: 'src/clients.ts', line: 4 }),
    finding({ file: 'src/clients.ts', line: 9, severity: 'medium', ruleId: 'no-console-log', category: 'observability' }),
    finding({ file: 'src/orders.ts', line: 12 }),
    finding({ file: 'src/orders.ts', line: 40, severity: 'low' }),
  ];
  const report = { ...reportOf(findings, { overall: 64, grade: 'D' }, 30), fixFirst: [{ ruleId: 'require-http-timeout', findings: 4, gain: 9.5 }] };
  const changed: ChangedLines = new Map([
    ['Dockerfile', new Set<number>()],
    ['src/clients.ts', new Set([9, 10])],
    ['src/orders.ts', new Set([12, 13, 14])],
  ]);
  const ruleOf = (id: string): AnyRule | undefined => (id === 'dockerfile-sigterm' ? ({ ...getRule('no-console-log'), scope: 'project' } as AnyRule) : getRule(id));

  it('keeps findings on changed lines and project findings of changed files, recounts the summary, keeps the score', () => {
    const filtered = filterToChanged(report, changed, { ruleOf });
    expect(filtered.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual([
      'Dockerfile:1 dockerfile-sigterm',
      'src/clients.ts:9 no-console-log',
      'src/orders.ts:12 require-http-timeout',
    ]);
    expect(filtered.summary).toEqual({ files: 30, findings: 3, bySeverity: { critical: 1, high: 1, medium: 1, low: 0 } });
    expect(filtered.changed).toEqual({ files: 3, lines: 5, findingsHidden: 3 });
    expect(filtered.score).toBe(report.score);
    expect(filtered.rules).toBe(report.rules);
    expect(filtered.fixFirst).toEqual([{ ruleId: 'require-http-timeout', findings: 4, gain: 9.5 }]);
    expect(report.findings).toHaveLength(6); // the input is left alone
  });

  it('treats an unknown rule id as a file rule (its line must have changed)', () => {
    const filtered = filterToChanged(report, new Map([['Dockerfile', new Set<number>()]]), { ruleOf: getRule });
    expect(filtered.findings).toEqual([]);
    expect(filtered.changed).toEqual({ files: 1, lines: 0, findingsHidden: 6 });
  });
});

describe('compareScore and readReport', () => {
  const head = reportOf([], { overall: 71.5, grade: 'C' }, 3);

  it('gives the base score and the change, null where a score is null', () => {
    expect(compareScore(head, reportOf([], { overall: 64, grade: 'D' }, 3))).toEqual({ base: 64, delta: 7.5 });
    expect(compareScore(head, reportOf([], { overall: 80.2, grade: 'B' }, 3))).toEqual({ base: 80.2, delta: -8.7 });
    const nothing = { ...head, score: { ...head.score, overall: null, grade: null } };
    expect(compareScore(head, nothing)).toEqual({ base: null, delta: null });
    expect(compareScore(nothing, head)).toEqual({ base: 71.5, delta: null });
  });

  it('reads a saved JSON report and rejects missing, invalid and foreign files with one line naming the problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodcheck-compare-'));
    write(dir, {
      'base.json': `${JSON.stringify(reportOf([], { overall: 64, grade: 'D' }, 3))}\n`,
      'broken.json': '{ "schemaVersion": 1,',
      'sarif.json': JSON.stringify({ version: '2.1.0', runs: [] }),
      'future.json': JSON.stringify({ schemaVersion: 2, tool: { name: 'prodcheck', version: '9.0.0' }, score: { overall: 1 } }),
    });
    expect(compareScore(head, readReport(join(dir, 'base.json')))).toEqual({ base: 64, delta: 7.5 });
    expectUsageError(() => readReport(join(dir, 'missing.json')), `--compare: cannot read ${join(dir, 'missing.json')}: no such file`);
    expect(() => readReport(join(dir, 'broken.json'))).toThrow(new RegExp(`^--compare: ${join(dir, 'broken.json')} is not valid JSON \\(`));
    expectUsageError(
      () => readReport(join(dir, 'sarif.json')),
      `--compare: ${join(dir, 'sarif.json')} is not a prodcheck JSON report (expected "tool": { "name": "prodcheck" }; write one with --format json)`,
    );
    expectUsageError(() => readReport(join(dir, 'future.json')), `--compare: ${join(dir, 'future.json')} has schemaVersion 2; this prodcheck reads schemaVersion 1`);
    expectUsageError(() => asReport([], 'x.json'), '--compare: x.json is not a prodcheck JSON report (expected an object)');
  });
});
