// The changed-lines filter (`--changed-since <ref>`): a pull request is judged on the lines it
// added or changed, not on the debt it inherited. The lines come from git: the diff between the
// merge base of `ref` and HEAD and the working tree, renames followed, untracked files whole. The
// score stays the whole repository's; `compareScore` puts it next to the base branch's report.
//
// Git runs through execFileSync with an argument list, never a shell, with every option that
// user configuration could change pinned (colour, prefixes, external diff tools, rename detection),
// so the parse below sees one format whatever the developer's or the CI's ~/.gitconfig says.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../config/errors.js';
import { countBySeverity } from '../core/findings.js';
import { readJsonInput } from './json-input.js';
import type { AnyRule, Finding, Report } from '../core/types.js';
import type { ChangedLines } from '../report/changed.js';
import { isOnChangedLine } from '../report/changed.js';

const FLAG = '--changed-since';
// A diff of a whole monorepo since an old ref can be large; the default 1 MiB would cut it off.
const MAX_BUFFER = 512 * 1024 * 1024;

/** git exited with an error: its first stderr line. */
class GitFailure extends Error {
  constructor(
    readonly reason: string,
    readonly status: number | null,
  ) {
    super(reason);
  }
}

function git(root: string, args: string[]): string {
  try {
    return execFileSync('git', ['-c', 'core.quotePath=false', ...args], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: MAX_BUFFER,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string | Buffer; status?: number | null };
    if (e.code === 'ENOENT') throw new UsageError(`${FLAG}: git was not found on PATH (it is needed to find the changed lines)`);
    throw new GitFailure(String(e.stderr ?? '').trim().split('\n')[0] ?? '', e.status ?? null);
  }
}

/** `"b/sub/tab\té.txt"` → `b/sub/tab	é.txt`: git's C-style quoting of unusual paths, octal escapes as UTF-8 bytes. */
export function unquoteGitPath(raw: string): string {
  if (!raw.startsWith('"') || !raw.endsWith('"') || raw.length < 2) return raw;
  const bytes: number[] = [];
  const simple: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  const body = raw.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = body[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The `b/` path of a `diff --git a/p b/p` header (same path on both sides: renames have their own line). */
function headerPath(header: string): string | undefined {
  const quoted = /^"(?:[^"\\]|\\.)*" ("(?:[^"\\]|\\.)*")$/.exec(header);
  const b = quoted?.[1] !== undefined ? unquoteGitPath(quoted[1]) : header.slice(Math.floor(header.length / 2) + 1);
  return b.startsWith('b/') ? b.slice(2) : undefined;
}

/**
 * Parses `git diff --unified=0` output into new-side line numbers per new path (repository
 * relative). Every file the diff names gets an entry, even with no added line (a rename, a pure
 * deletion of lines, a mode change, a binary file): it changed, which is what project findings
 * ask about. Deleted files have no new side and no entry.
 */
export function parseUnifiedDiff(diff: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const block of diff.split(/^(?=diff --git )/m)) {
    if (!block.startsWith('diff --git ')) continue;
    const lines = block.split('\n');
    if (lines.some((l) => l.startsWith('deleted file mode'))) continue;
    const plus = lines.find((l) => l.startsWith('+++ '));
    const renamed = lines.find((l) => l.startsWith('rename to '));
    const path = plus !== undefined
      ? unquoteGitPath(plus.slice(4).replace(/\t$/, '')).replace(/^b\//, '')
      : renamed !== undefined
        ? unquoteGitPath(renamed.slice('rename to '.length))
        : headerPath((lines[0] ?? '').slice('diff --git '.length));
    if (path === undefined || path === '/dev/null') continue;
    const changed = out.get(path) ?? new Set<number>();
    out.set(path, changed);
    for (const line of lines) {
      // `@@ -a[,b] +c[,d] @@`: d lines from c on the new side; d omitted means 1, d = 0 a pure deletion.
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!m) continue;
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      for (let n = start; n < start + count; n++) changed.add(n);
    }
  }
  return out;
}

function lineCount(path: string): number {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return 0; // a directory symlink, an unreadable file: it is still a new file, with no lines to point at
  }
  if (text === '') return 0;
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

/**
 * The lines added or changed since the merge base of `ref` and HEAD, keyed by POSIX path
 * relative to `root` (which may be a subdirectory of the repository; files outside it are left
 * out). Decisions:
 * - the diff is against the working tree, so committed, staged and unstaged edits all count: a
 *   developer running it locally sees what the pull request will show once pushed (CI checkouts
 *   are clean, so there it is exactly the pull request's diff);
 * - renames are followed: a renamed file is keyed by its new path, with only its edited lines;
 * - untracked files that are not ignored count whole (every line is new), since they will be
 *   added with the change; ignored files never count;
 * - a file that changed without an added line (a rename, only deleted lines) is in the map with
 *   no lines, so project findings about it still show.
 */
/**
 * Where the scanned root sits inside its git repository (`services/orders/`), '' at the top or
 * outside git. Code scanning reads SARIF paths from the repository's top, not the scanned folder.
 */
export function repositoryPrefix(root: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--show-prefix'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export function changedLinesSince(root: string, ref: string): ChangedLines {
  // A missing cwd makes the spawn fail with ENOENT too, which would read as "git is missing".
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new UsageError(`${FLAG}: not a directory: ${root}`);
  let top: string;
  let prefix: string;
  try {
    [top = '', prefix = ''] = git(root, ['rev-parse', '--show-toplevel', '--show-prefix']).split('\n');
  } catch (err) {
    if (err instanceof GitFailure) throw new UsageError(`${FLAG}: ${root} is not in a git repository${err.reason ? ` (git: ${err.reason})` : ''}`);
    throw err;
  }
  // A ref starting with '-' would be read as an option by git.
  if (ref === '' || ref.startsWith('-')) throw new UsageError(`${FLAG}: unknown git ref "${ref}"`);
  try {
    git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch (err) {
    if (err instanceof GitFailure) throw new UsageError(`${FLAG}: unknown git ref "${ref}"`);
    throw err;
  }
  let base: string;
  try {
    git(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  } catch (err) {
    if (err instanceof GitFailure) throw new UsageError(`${FLAG}: the repository has no commit yet (HEAD does not point at one)`);
    throw err;
  }
  try {
    base = git(root, ['merge-base', ref, 'HEAD']).trim();
  } catch (err) {
    if (err instanceof GitFailure) {
      throw new UsageError(
        `${FLAG}: "${ref}" and HEAD have no common ancestor (in a shallow clone, fetch the history: actions/checkout with fetch-depth: 0)`,
      );
    }
    throw err;
  }

  const diff = git(root, [
    'diff',
    '--unified=0',
    '--find-renames',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--ignore-submodules',
    '--no-relative',
    '--src-prefix=a/',
    '--dst-prefix=b/',
    base,
    '--',
  ]);
  const changed = parseUnifiedDiff(diff);

  // Untracked files under root (ls-files lists the current directory's by default).
  const untracked = git(root, ['ls-files', '--others', '--exclude-standard', '--full-name', '-z']).split('\0');
  for (const file of untracked) {
    if (file === '' || file.endsWith('/')) continue; // a nested repository is listed as a directory
    const lines = new Set<number>();
    for (let n = 1, count = lineCount(join(top, file)); n <= count; n++) lines.add(n);
    changed.set(file, lines);
  }

  const out = new Map<string, ReadonlySet<number>>();
  for (const [file, lines] of [...changed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (file.startsWith(prefix)) out.set(file.slice(prefix.length), lines);
  }
  return out;
}

export interface ChangedFilterOptions {
  /** Rule metadata by id (the registry's, or a cached report's catalog); project-scope rules' findings count when their file changed at all. */
  ruleOf: (id: string) => AnyRule | undefined;
}

/**
 * The report restricted to findings on changed lines (a file rule's finding: its start line is a
 * changed line; a project rule's finding: its file changed at all). `findings` and `summary` are
 * recomputed; `score`, `rules`, `fixFirst` and `errors` stay the whole repository's, and
 * `changed` says how much changed and how many findings were hidden.
 */
export function filterToChanged(report: Report, changed: ChangedLines, options: ChangedFilterOptions): Report {
  const { ruleOf } = options;
  const keep = (f: Finding): boolean =>
    ruleOf(f.ruleId)?.scope === 'project' ? changed.has(f.file) : isOnChangedLine(changed, f);
  const findings = report.findings.filter(keep);
  let lines = 0;
  for (const set of changed.values()) lines += set.size;
  return {
    ...report,
    summary: { ...report.summary, findings: findings.length, bySeverity: countBySeverity(findings) },
    findings,
    changed: { files: changed.size, lines, findingsHidden: report.findings.length - findings.length },
  };
}

/**
 * Checks that `value` (a parsed JSON file) is a prodcheck schema-1 report, as far as comparing
 * scores needs; `source` names it in the error (`--compare: base.json …`).
 */
export function asReport(value: unknown, source: string): Report {
  const fail = (why: string): never => {
    throw new UsageError(`--compare: ${source} ${why}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('is not a prodcheck JSON report (expected an object)');
  const v = value as Record<string, unknown>;
  const tool = v.tool as Record<string, unknown> | undefined;
  if (typeof tool !== 'object' || tool === null || tool.name !== 'prodcheck') return fail('is not a prodcheck JSON report (expected "tool": { "name": "prodcheck" }; write one with --format json)');
  if (v.schemaVersion !== 1) return fail(`has schemaVersion ${JSON.stringify(v.schemaVersion)}; this prodcheck reads schemaVersion 1`);
  const score = v.score as Record<string, unknown> | undefined;
  if (typeof score !== 'object' || score === null || !(score.overall === null || typeof score.overall === 'number')) {
    return fail('has no "score.overall" (a number or null)');
  }
  return value as Report;
}

/** Reads and checks a saved JSON report (`prodcheck --format json --output base.json` on the base branch). */
export function readReport(path: string): Report {
  return asReport(readJsonInput(path, '--compare', (p) => `cannot read ${p}: no such file`), path);
}

/**
 * The base's overall score and the change to this report's, rounded to a tenth; null where either
 * score is null (nothing applicable to score).
 */
export function compareScore(report: Report, baseReport: Report): { base: number | null; delta: number | null } {
  const base = asReport(baseReport, 'the base report').score.overall;
  const overall = report.score.overall;
  if (base === null) return { base: null, delta: null };
  return { base, delta: overall === null ? null : Math.round((overall - base) * 10) / 10 };
}
