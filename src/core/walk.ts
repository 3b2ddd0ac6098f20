// One walk of a project's tree for discovery: the source files and the repository-file candidates
// (../project/repository-files.ts) together, each with exactly the list its former globby call
// gave. A directory is read once; the build output, dependency and configured ignores are pruned
// as fast-glob pruned them (the same patterns, expanded by globby and compiled by micromatch with
// fast-glob's options), and .gitignore files are applied the way globby applied them (the same
// `ignore` package and the same rebasing of each file's patterns onto its directory), but only a
// directory's own and its ancestors' files are tested against a path, instead of every file of
// the repository. Where that restriction could change an answer (a .gitignore pattern reaching out
// of its directory, a directory name the `ignore` package would read as a pattern, two directory
// names equal but for case, which its case-insensitive rules could confuse), the walk gives up and
// the caller globs as before.
import { lstatSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix, relative, sep } from 'node:path';
import { globby } from './lazy.js';

interface IgnoreMatcher {
  add(patterns: readonly string[]): IgnoreMatcher;
  test(path: string): { ignored: boolean; unignored: boolean };
}
interface FastGlobTask {
  base: string;
  positive: string[];
  negative: string[];
}
interface GlobbyTask {
  patterns: string[];
  options: { ignore: string[] };
}

// The very modules globby uses (it depends on `ignore` 7, not the 5 found at the top of node_modules),
// loaded on the first walk: a scan that takes the previous scan's file lists walks nothing. The
// bundled CLI's globby exports them (./lazy.ts); from node_modules they are required from globby's
// own directory.
interface GlobbyParts {
  createIgnore: () => IgnoreMatcher;
  fastGlob: { generateTasks(patterns: string[], options: object): FastGlobTask[]; isDynamicPattern(pattern: string): boolean };
  micromatch: { makeRe(pattern: string, options: object): RegExp };
  generateGlobTasksSync(patterns: readonly string[], options: object): GlobbyTask[];
}
let globbyParts: GlobbyParts | undefined;
function fromGlobby(): GlobbyParts {
  if (!globbyParts) {
    const loaded = globby() as unknown as Partial<GlobbyParts> & Pick<GlobbyParts, 'generateGlobTasksSync'>;
    if (loaded.createIgnore && loaded.fastGlob && loaded.micromatch) {
      globbyParts = { createIgnore: loaded.createIgnore, fastGlob: loaded.fastGlob, micromatch: loaded.micromatch, generateGlobTasksSync: loaded.generateGlobTasksSync };
    } else {
      const requireFromGlobby = createRequire(createRequire(import.meta.url).resolve('globby'));
      globbyParts = {
        createIgnore: requireFromGlobby('ignore') as GlobbyParts['createIgnore'],
        fastGlob: requireFromGlobby('fast-glob') as GlobbyParts['fastGlob'],
        micromatch: requireFromGlobby('micromatch') as GlobbyParts['micromatch'],
        generateGlobTasksSync: loaded.generateGlobTasksSync,
      };
    }
  }
  return globbyParts;
}

/** What one list of the walk keeps: globby's patterns and options for it. */
export interface WalkList {
  /** globby's positive patterns. */
  patterns: readonly string[];
  /** globby's `dot`. */
  dot: boolean;
  /**
   * Where .gitignore files come from: 'repository' as `globby({ gitignore: true })` (those above the
   * root up to the git top too, symbolic links to them not read), 'root' as `isGitIgnoredSync({ cwd })`
   * (from the root down, symbolic links to them read).
   */
  gitignore: 'repository' | 'root';
  /** A cheap necessary condition on a file (its name, its relative path), tested before the patterns. */
  candidate?: (name: string, relPath: string) => boolean;
}

interface CompiledList {
  list: WalkList;
  /** fast-glob's deep filter: a directory matching one of these is not entered. */
  prune: RegExp | null;
  positive: RegExp | null;
  negative: RegExp | null;
  negativeAbsolute: RegExp | null;
  out: string[];
  /** Where paths are tested against .gitignore rules from: '' the root itself, else `prefix/` is prepended. */
  prefix: string;
  /** The rules that apply at the top (from above the root, and the root's own file). */
  rootRules: string[];
}

/** fast-glob's options for micromatch (Provider#_getMicromatchOptions with default settings). */
function micromatchOptions(dot: boolean): object {
  return { dot, matchBase: false, nobrace: false, nocase: false, noext: false, noglobstar: false, posix: true, strictSlashes: false };
}

function compile(root: string, list: WalkList, ignore: readonly string[]): CompiledList | null {
  // globby's own expansion of the ignore patterns (an existing directory `x` becomes `x/**`, `**/x` becomes `**/x/**`).
  const { generateGlobTasksSync, fastGlob, micromatch } = fromGlobby();
  const globbyTasks = generateGlobTasksSync(list.patterns, { cwd: root, ignore: [...ignore], dot: list.dot, onlyFiles: true, followSymbolicLinks: false });
  if (globbyTasks.length !== 1) return null;
  const [globbyTask] = globbyTasks as [GlobbyTask];
  const tasks = fastGlob.generateTasks(globbyTask.patterns, { cwd: root, ignore: globbyTask.options.ignore, dot: list.dot });
  if (tasks.length !== 1 || tasks[0]!.base !== '.') return null;
  const { positive, negative } = tasks[0]!;
  const re = (patterns: string[], dot: boolean) => anyOf(patterns.map((p) => micromatch.makeRe(p, micromatchOptions(dot))));
  const isAbsolute = (p: string) => p.startsWith('/');
  const affectsDepth = (p: string) => p.endsWith('/**') || !fastGlob.isDynamicPattern(posix.basename(p));
  return {
    list,
    prune: re(negative.filter(affectsDepth), list.dot),
    positive: re(positive, list.dot),
    negative: re(negative.filter((p) => !isAbsolute(p)), true),
    negativeAbsolute: re(negative.filter(isAbsolute), true),
    out: [],
    prefix: '',
    rootRules: [],
  };
}

/**
 * One expression matching what any of these matches (fast-glob tests them one by one); null for
 * none. Expressions with back-references or differing flags are not joined (then: give up).
 */
function anyOf(expressions: RegExp[]): RegExp | null {
  if (expressions.length === 0) return null;
  const flags = expressions[0]!.flags;
  if (expressions.some((e) => e.flags !== flags || /\\[1-9k]/.test(e.source))) throw new GiveUp();
  return new RegExp(expressions.map((e) => `(?:${e.source})`).join('|'), flags);
}

// globby's reading of an ignore file (ignore.js: normalizeIgnoreFileLine, readIgnoreFileLines, applyBaseToPattern).
function normalizeLine(line: string): string {
  line = line.replace(/^\uFEFF/u, '');
  let end = line.length;
  while (end > 0 && /\s/u.test(line[end - 1]!)) end--;
  if (end === line.length) return line;
  let backslashes = 0;
  for (let i = end - 1; i >= 0 && line[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1 ? line.slice(0, end) + ' ' : line.slice(0, end);
}

function ignoreFileLines(content: string): string[] {
  return content
    .split(/\r?\n/)
    .map(normalizeLine)
    .filter((line) => line && !line.startsWith('#'));
}

function rebase(pattern: string, base: string): string {
  if (!base) return pattern;
  const negative = pattern[0] === '!';
  const clean = negative ? pattern.slice(1) : pattern;
  const slash = clean.indexOf('/');
  const inner = slash !== -1 && slash !== clean.length - 1;
  const result = !inner ? posix.join(base, '**', clean) : clean.startsWith('/') ? posix.join(base, clean.slice(1)) : posix.join(base, clean);
  return negative ? '!' + result : result;
}

/** A directory path the `ignore` package reads literally at the head of a pattern. */
const PLAIN_BASE = /^(?:[\w@+\-.,~%=()]+\/)*[\w@+\-.,~%=()]+$/;

/** globby's git top: the nearest directory from `dir` up holding `.git` (a directory or a file). */
function gitRootOf(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    try {
      const stat = statSync(join(current, '.git'));
      if (stat.isDirectory() || stat.isFile()) return current;
    } catch {
      // not here
    }
    if (dirname(current) === current) return undefined;
  }
}

class GiveUp extends Error {}

function readRules(path: string, base: string, scoped: boolean): string[] {
  const rules = ignoreFileLines(readFileSync(path, 'utf8')).map((line) => rebase(line, base));
  if (scoped && base) {
    if (!PLAIN_BASE.test(base)) throw new GiveUp();
    for (const rule of rules) if (!(rule[0] === '!' ? rule.slice(1) : rule).startsWith(base + '/')) throw new GiveUp();
  }
  return rules;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The top rules of a list: for 'repository', the .gitignore files from the git top down to the root; for 'root', the root's. */
function topRules(root: string, compiled: CompiledList): void {
  const own = join(root, '.gitignore');
  const followLinks = compiled.list.gitignore === 'root';
  const readable = (path: string) => {
    try {
      const stat = lstatSync(path);
      return stat.isFile() || (followLinks && stat.isSymbolicLink() && isFile(path));
    } catch {
      return false;
    }
  };
  if (compiled.list.gitignore === 'root') {
    if (readable(own)) compiled.rootRules = readRules(own, '', false);
    return;
  }
  const gitRoot = gitRootOf(root);
  if (gitRoot === undefined) {
    if (readable(own)) compiled.rootRules = readRules(own, '', false);
    return;
  }
  compiled.prefix = relative(gitRoot, root).split(sep).join('/');
  const chain: string[] = [];
  for (let dir = root; ; dir = dirname(dir)) {
    chain.unshift(dir);
    if (dir === gitRoot || dirname(dir) === dir) break;
  }
  for (const dir of chain) {
    const path = join(dir, '.gitignore');
    if (!readable(path)) continue;
    // globby globs these with the search's ignore patterns; an excluded one (a parent named like a
    // build directory) is not read.
    if (dir !== root && compiled.negative?.test(path)) continue;
    const base = relative(gitRoot, dir).split(sep).join('/');
    compiled.rootRules.push(...readRules(path, base, false));
  }
}

interface ListState {
  compiled: CompiledList;
  rules: string[];
  matcher: IgnoreMatcher | null;
}

function matcherOf(rules: string[]): IgnoreMatcher | null {
  return rules.length === 0 ? null : fromGlobby().createIgnore().add(rules);
}

/**
 * Walks the tree under `root` once and returns each list's files (POSIX, relative, sorted), or null
 * when a .gitignore or a directory name could make the answer differ from globby's (then glob).
 */
export function walkLists(root: string, ignore: readonly string[], lists: readonly WalkList[]): string[][] | null {
  try {
    const compiled = lists.map((list) => compile(root, list, ignore));
    if (compiled.some((c) => c === null)) return null;
    const all = compiled as CompiledList[];
    const sharedTop: Array<IgnoreMatcher | null> = [];
    for (const c of all) topRules(root, c);
    const top: ListState[] = all.map((c, i) => {
      // Lists with the same top rules share one matcher (and so its cache of directories' answers).
      const same = all.findIndex((o) => o.prefix === c.prefix && o.rootRules.length === c.rootRules.length && o.rootRules.every((r, j) => r === c.rootRules[j]));
      const matcher = same < i ? (sharedTop[same] ?? null) : matcherOf(c.rootRules);
      sharedTop[i] = matcher;
      // The root itself is never ignored, but a rule above it can ignore it (then everything under it).
      if (matcher && c.prefix && matcher.test(c.prefix + '/').ignored) return null;
      return { compiled: c, rules: c.rootRules, matcher };
    }).filter((s): s is ListState => s !== null);
    walkDirectory(root, '', top, false);
    return all.map((c) => c.out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  } catch (error) {
    if (error instanceof GiveUp) return null;
    throw error;
  }
}

function readDirectory(abs: string): Dirent[] {
  try {
    return readdirSync(abs, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
}

const testPath = (state: ListState, rel: string): boolean => state.matcher !== null && state.matcher.test(state.compiled.prefix ? `${state.compiled.prefix}/${rel}` : rel).ignored;

/**
 * `states`: the lists still alive in this directory (not pruned, not ignored), each with the
 * .gitignore rules of this directory's ancestors. `noIgnoreFiles`: under a `flow-typed`
 * directory, whose .gitignore files globby never reads.
 */
function walkDirectory(abs: string, rel: string, states: ListState[], noIgnoreFiles: boolean): void {
  const entries = readDirectory(abs);
  // This directory's own .gitignore: its rules join those of the ancestors, and can ignore the directory itself.
  if (!noIgnoreFiles) {
    const own = entries.find((e) => e.name === '.gitignore');
    if (own && !own.isDirectory()) {
      const path = join(abs, '.gitignore');
      const texts = new Map<string, string[]>();
      const next: ListState[] = [];
      // Lists that shared their parent's matcher share this directory's.
      const made = new Map<IgnoreMatcher | null, ListState>();
      for (const state of states) {
        const readable = own.isFile() || (state.compiled.list.gitignore === 'root' && own.isSymbolicLink() && isFile(path));
        if (!readable || rel === '') {
          next.push(state);
          continue;
        }
        const base = state.compiled.prefix ? `${state.compiled.prefix}/${rel}` : rel;
        const text = texts.get(base) ?? readRules(path, base, true);
        texts.set(base, text);
        const shared = state.matcher && made.get(state.matcher);
        const rules = shared ? shared.rules : [...state.rules, ...text];
        const updated: ListState = { compiled: state.compiled, rules, matcher: shared ? shared.matcher : matcherOf(rules) };
        if (state.matcher && !shared) made.set(state.matcher, updated);
        if (!testPath(updated, rel + '/')) next.push(updated);
      }
      states = next;
      if (states.length === 0) return;
    }
  }
  const seen = new Set<string>();
  for (const entry of entries) {
    const name = entry.name;
    const childRel = rel === '' ? name : `${rel}/${name}`;
    if (entry.isDirectory()) {
      const lower = name.toLowerCase();
      if (seen.has(lower)) throw new GiveUp();
      seen.add(lower);
      const alive = states.filter((s) => !s.compiled.prune?.test(childRel) && !testPath(s, childRel + '/'));
      if (alive.length > 0) walkDirectory(join(abs, name), childRel, alive, noIgnoreFiles || name === 'flow-typed');
    } else if (entry.isFile()) {
      for (const state of states) {
        const c = state.compiled;
        if (c.list.candidate && !c.list.candidate(name, childRel)) continue;
        if (!c.positive?.test(childRel)) continue;
        if (c.negative?.test(childRel)) continue;
        if (c.negativeAbsolute?.test(join(abs, name))) continue;
        if (testPath(state, childRel)) continue;
        c.out.push(childRel);
      }
    }
  }
}
