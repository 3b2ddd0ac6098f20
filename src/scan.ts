// The pipe, end to end: discover → parse → project facts → rules → findings → score.
// Every stage is a function of the previous one's output; nothing reaches back.
import { statSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { getRule, rules as registry } from '../rules/index.js';
import { failureMessage, UsageError } from './config/errors.js';
import { loadConfig } from './config/load.js';
import type { ResolvedConfig } from './config/types.js';
import { readSources, type FileStamp } from './core/discover.js';
import { discoverWithRepository } from './project/repository-files.js';
import { hashBytes } from './core/files.js';
import { countBySeverity } from './core/findings.js';
import { fingerprints } from './core/fingerprint.js';
import { redactSources } from './core/secrets.js';
import { buildTypedProgram, readTypesConfig } from './core/type-info.js';
import type { ts } from 'ts-morph';
import type { TaintSummaries } from './core/taint.js';
import type { Finding, RawFinding, Report, ReportError, RuleSummary, Severity } from './core/types.js';
import { buildProjectFacts, createResolver, projectShape, type ProjectFacts, type ProjectShape } from './project/facts.js';
import { importTargets, type ModuleFacts } from './project/modules.js';
import type { RequestReach } from './project/request-reach.js';
import { localShard, workerShard, type ShardHandle } from './parallel/pool.js';
import { byOwner, parallelShards, reachStart, requestReach, splitShards, type ReachMemo, type ReachUnits } from './parallel/plan.js';
import { REACH_ROOT, type BuiltModule, type FileResult, type PrepareInput, type ShardFile } from './parallel/shard.js';
import { unchanged } from './cache/inputs.js';
import { readFileCache, storedSummaries, writeFileCache, type FileCache, type FileEntry, type StoredReach } from './cache/file-cache.js';
import { decode, stringifyEncoded } from './cache/json.js';
import { combineReads, withoutOwnReads, esc, MEMO_PREFIX, NO_READS, replay, staleReaders, type FileReads, type Step } from './cache/record.js';
import { fileCacheKey, fileContext } from './cache/file-key.js';
import { overrideMatchersOf, rulesFor } from './rules-for.js';
import type { WorkspacePackage } from './project/workspaces.js';
import { isTestPath } from './project/roles.js';
import { relativePath } from './project/services.js';
import { scorePackages, scoreReport } from './score/score.js';
import { VERSION } from './version.js';

export interface ScanOptions {
  /** The directory to scan. */
  root: string;
  /** The configuration; when omitted, it is loaded from the root (prodcheck.config.json or package.json). */
  config?: ResolvedConfig;
  /**
   * Use the TypeScript type checker where rules can (slower; needs a tsconfig.json at the root and
   * the project's installed dependencies): one program from the root's tsconfig.json.
   */
  types?: boolean;
  /** Threads for parsing and checking (default 1): this one and `jobs - 1` worker threads, for projects of enough files. */
  jobs?: number;
  /** Fewest files for which worker threads are used (default ./parallel/plan.ts `PARALLEL_MIN_FILES`). */
  parallelMinFiles?: number;
  /** The per-file cache's directory (./cache/file-cache.ts); none: no per-file cache. */
  cacheDir?: string;
  /** One line about the cache (ignored, unwritable) for stderr. */
  note?: (message: string) => void;
  /**
   * The previous scan's discovered files with their stamps, when nothing but the contents of source
   * files can have changed since (the whole-scan cache checked every directory, input and the
   * configuration): discovery is skipped, and unchanged files are read only when needed.
   */
  known?: {
    files: Readonly<Record<string, FileStamp | null>>;
    /** The repository files' paths (../project/repository-files.ts) that discovery listed then. */
    repository: readonly string[];
  };
  /**
   * A previous scan's stamps of the source files (by relative path), whatever changed since: a file
   * that is the one stamped, unchanged (./core/files.ts `sameStat`), is not read up front (its
   * stamp, hash and skip hold), also when discovery lists the tree again.
   */
  stamps?: Readonly<Record<string, FileStamp | null>>;
  /**
   * The project's shape as a previous scan read it (../project/facts.ts `projectShape`), given when
   * every input it reads is unchanged (none added or removed), and it read no file outside them (a
   * tsconfig an `extends` leads to out of the root or into node_modules: `untracked`).
   */
  shape?: ProjectShape;
  onProgress?: (progress: { done: number; total: number }) => void;
}

export interface ScanResult {
  report: Report;
  /** The text of a scanned file by its report path, for code frames. */
  source(relPath: string): string | undefined;
  /** Every discovered source file (POSIX, relative, sorted) with what it was when read: the cache's record of the inputs. */
  stamps: ReadonlyMap<string, FileStamp | null>;
  /** The repository files' paths (../project/repository-files.ts), as discovered. */
  repository: readonly string[];
  /** The project's shape (packages, path mappings), for a later scan that finds its inputs unchanged. */
  shape: ProjectShape;
  /** Secret ranges masked in `source` (see ../core/secrets.ts `redactSources`), for a cached report's code frames. */
  redactions: ReadonlyArray<{ file: string; start: number; end: number }>;
  /** What the scan did (for `PRODCHECK_DEBUG_CACHE=1`, tests and the benchmark): threads used, files parsed and checked. */
  stats: ScanStats;
}

export interface ScanStats {
  threads: number;
  /** Source files read when discovered (the others were known unchanged, and read only if needed). */
  read: number;
  /** Discovery walked the tree (false: the previous scan's lists held). */
  listed: boolean;
  /** The project's shape was the stored one (`shape`: no package.json, workspace or tsconfig read for it). */
  shapeReused?: boolean;
  /** Request reach was taken from the cache (no syntax tree walked for it). */
  reachReused?: boolean;
  /** Request reach was walked again: in how many files its work was done (the others' taken from the cache). */
  reachWalked?: number;
  /** Test files left unparsed (see `dormant` in `scanWithSources`). */
  unparsed?: number;
  parsed: number;
  checked: number;
  /** Milliseconds per phase (wall time in this thread). */
  ms: Record<string, number>;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export async function scanWithSources(options: ScanOptions): Promise<ScanResult> {
  const root = resolve(options.root);
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    throw new UsageError(`path not found: ${options.root}`);
  }
  if (!isDir) throw new UsageError(`not a directory: ${options.root} (prodcheck scans a project directory)`);
  const config = options.config ?? loadConfig({ root });
  const overrideMatchers = overrideMatchersOf(config);
  // Read before the parse, so that a missing or broken tsconfig.json fails fast.
  const typesConfig = options.types ? readTypesConfig(root) : undefined;

  const started = performance.now();
  // The sources and the repository files, in one walk (none when the previous scan's lists hold).
  const listed = options.known ? null : discoverWithRepository(root, config.ignores);
  const repositoryPaths = options.known?.repository ?? (listed as { repository: string[] }).repository;
  const read = readSources(
    root,
    config.ignores,
    (done, n) => {
      options.onProgress?.({ done: Math.floor(done / 4), total: n });
    },
    options.known?.files ?? options.stamps,
    listed?.sources,
  );
  const { relPaths } = read;
  const total = relPaths.length;
  const errors: ReportError[] = [...read.errors];
  const files: ShardFile[] = read.sourcePaths.map((relPath) => {
    const text = read.sources.get(relPath);
    return { path: join(root, relPath), relPath, size: read.stamps.get(relPath)?.size ?? 0, ...(text !== undefined ? { text } : {}) };
  });

  const cacheDir = typesConfig ? undefined : options.cacheDir;
  const cacheKey = cacheDir === undefined ? '' : fileCacheKey(config);
  const readMs = Math.round(performance.now() - started);
  const previous: FileCache = cacheDir === undefined ? { reads: NO_READS, resolving: '', reach: null, files: new Map<string, FileEntry>() } : readFileCache(cacheDir, cacheKey, options.note ?? (() => undefined));
  const cached = previous.files;
  const hashOf = (relPath: string) => read.stamps.get(relPath)?.hash ?? null;
  const entryOf = (f: ShardFile): FileEntry | undefined => {
    const e = cached.get(f.relPath);
    return e && e.hash === hashOf(f.relPath) ? e : undefined;
  };
  // --types needs every syntax tree in one program: one shard, in this thread (and no file cache).
  // With a per-file cache, the files that changed decide: a few are not worth a worker thread's start.
  const changedFiles = cached.size === 0 ? files : files.filter((f) => !entryOf(f));
  const shardCount = typesConfig ? 1 : parallelShards(changedFiles, options) === 1 ? 1 : parallelShards(files, options);
  const runs = splitShards(files, shardCount);
  const shards = runs.map((run, i) => (i === 0 ? localShard(root, run, (n) => options.onProgress?.({ done: Math.floor(total / 2 + n / 2), total })) : workerShard(root, run)));
  const owner = new Map<string, ShardHandle>();
  runs.forEach((run, i) => {
    for (const f of run) owner.set(f.path, shards[i] as ShardHandle);
  });
  const local = shards[0]?.local ?? null;
  if (local && typesConfig) local.jsDoc = true;
  const raw: Array<{ finding: RawFinding; file: string; severity: Severity }> = [];
  const sites = new Map<string, number>();
  /** Sites per package path, for the packages' own scores in a monorepo. */
  const packageSites = new Map<string, Map<string, number>>();
  const addSites = (ruleId: string, n: number, pkg: WorkspacePackage) => {
    sites.set(ruleId, (sites.get(ruleId) ?? 0) + n);
    const own = packageSites.get(pkg.path) ?? new Map<string, number>();
    own.set(ruleId, (own.get(ruleId) ?? 0) + n);
    packageSites.set(pkg.path, own);
  };
  let facts: ProjectFacts;
  let shape: ProjectShape;
  const stats: ScanStats = { threads: shards.length, read: read.sources.size, listed: listed !== null, parsed: 0, checked: 0, ms: { read: readMs, cache: Math.round(performance.now() - started) - readMs } };
  let lap = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    stats.ms[name] = Math.round(now - lap);
    lap = now;
  };
  const store = new Map<string, FileEntry>();
  let storedReads: FileReads = NO_READS;
  let resolving = '';
  let storedReach: StoredReach | null = null;
  try {
    // Test files that no other file imports are not parsed. No file rule looks at a test file
    // (test/registry.test.ts holds every rule to that), and the facts hold a test only when code
    // outside the tests imports it, directly or not (./project/facts.ts `unusedTests`): a test file is
    // taken in when such a file imports it (a fixture or a helper that server code uses), or when it
    // carries a suppression comment (whose rule ids are checked). The others are listed and counted,
    // not analysed. --types keeps them all.
    const dormant = new Set<string>();
    if (!typesConfig) {
      for (const f of files) {
        if (!isTestPath(f.relPath)) continue;
        if (entryOf(f)?.dormant) dormant.add(f.path);
        else if (!(read.text(f.relPath) ?? 'prodcheck-').includes('prodcheck-')) dormant.add(f.path);
      }
    }
    const taken = new Set(files.filter((f) => !dormant.has(f.path)).map((f) => f.path));
    /** Files outside the tests, and the tests they import (directly or not): those the facts hold. */
    const reached = new Set(files.filter((f) => !isTestPath(f.relPath)).map((f) => f.path));
    // Syntax: known from the cache for unchanged files, else by parsing. A file not parsed before
    // (no entry, or one that says it was left unparsed) is parsed when it is taken in.
    const failed = new Map<string, string>();
    const parseTaken = async (batch: readonly ShardFile[]) => {
      const byShard = new Map<ShardHandle, string[]>();
      for (const f of batch) {
        const e = entryOf(f);
        if (e?.error !== undefined) failed.set(f.relPath, e.error);
        if (e && !e.dormant) continue;
        const shard = owner.get(f.path) as ShardHandle;
        const group = byShard.get(shard);
        if (group) group.push(f.path);
        else byShard.set(shard, [f.path]);
      }
      for (const shardErrors of await Promise.all([...byShard].map(([shard, group]) => shard.call('parse', group)))) {
        for (const e of shardErrors) failed.set(e.relPath, e.message);
      }
    };
    await parseTaken(files.filter((f) => taken.has(f.path)));
    options.onProgress?.({ done: Math.floor(total / 2), total });
    phase('parse');

    const typed = typesConfig && local && buildTypedProgram(typesConfig, new Map(local.sourceFiles().map((p) => [p.path.replace(/\\/g, '/'), p.sourceFile])));
    for (const problem of typesConfig?.problems ?? []) errors.push({ file: 'tsconfig.json', message: problem });

    // Module facts: a cached file's hold while each specifier it resolved still resolves the same way.
    shape = options.shape ?? projectShape({ root, ignores: config.ignores });
    if (options.shape) stats.shapeReused = true;
    /** Module facts by file, with the cached entry they were read from (when reused). */
    const modules = new Map<string, BuiltModule & { from?: FileEntry }>();
    /** Module facts taken from the cache: the same as when the cached reads were recorded (a function of the file's content and resolutions). */
    const reused = new Set<ModuleFacts>();
    let paths: string[] = [];
    let resolutionsHold = false;
    /** The files whose module facts the shards built (not taken from the cache). */
    const builtHere = new Set<string>();
    // Resolution is against every file not known to fail to parse (the unparsed test files too).
    // Taking in a file that then fails to parse changes that set: the module facts are built again.
    for (let settledPaths = false; !settledPaths; ) {
      settledPaths = true;
      paths = files.filter((f) => !failed.has(f.relPath)).map((f) => f.path);
      const resolver = createResolver(shape, paths);
      modules.clear();
      reused.clear();
      builtHere.clear();
      // The resolver answers by the importing file's directory: ask once per directory and specifier.
      const resolvedFrom = new Map<string, string | null>();
      const resolves = (from: string, spec: string): string | null => {
        const key = `${dirname(from)}\0${spec}`;
        let hit = resolvedFrom.get(key);
        if (hit === undefined && !resolvedFrom.has(key)) {
          hit = resolver.resolve(from, spec);
          resolvedFrom.set(key, hit);
        }
        return hit ?? null;
      };
      // Resolution depends on the project's files and shape only: while those are as when the entries
      // were stored, their resolutions hold without asking again.
      resolving = cacheDir === undefined ? '' : hashBytes(JSON.stringify([shape, paths]));
      resolutionsHold = resolving !== '' && resolving === previous.resolving;
      const currentPaths = paths;
      let batch = files.filter((f) => taken.has(f.path) && !failed.has(f.relPath));
      while (batch.length > 0) {
        const stale: ShardFile[] = [];
        for (const f of batch) {
          const e = entryOf(f);
          if (e?.module !== undefined && e.resolutions && (resolutionsHold || e.resolutions.every(([spec, target]) => resolves(f.path, spec) === target))) {
            const module = decode(e.module) as ModuleFacts;
            reused.add(module);
            modules.set(f.path, { module, resolutions: e.resolutions, from: e });
          } else {
            stale.push(f);
          }
        }
        const built = await byOwner(stale, (f) => f.path, owner, (shard, group) => shard.call('modules', shape, currentPaths, group.map((f) => f.path)));
        stale.forEach((f, i) => {
          modules.set(f.path, built[i] as BuiltModule);
          builtHere.add(f.path);
        });
        // The test files these modules import or re-export from are taken in, and so on (from a
        // test taken in only for its suppression comments, not: the facts leave it out).
        const wanted = new Set<string>();
        for (const f of batch) {
          if (!reached.has(f.path)) continue;
          for (const target of importTargets((modules.get(f.path) as BuiltModule).module)) if (!reached.has(target)) wanted.add(target);
        }
        const next = files.filter((f) => wanted.has(f.path));
        for (const f of next) {
          reached.add(f.path);
          taken.add(f.path);
        }
        const known = failed.size;
        await parseTaken(next);
        if (failed.size > known) {
          settledPaths = false;
          break;
        }
        batch = next;
      }
    }
    for (const f of files) {
      const error = taken.has(f.path) ? failed.get(f.relPath) : undefined;
      if (error !== undefined) {
        errors.push({ file: f.relPath, message: error });
        const e = entryOf(f);
        store.set(f.relPath, e?.error === error ? e : { hash: hashOf(f.relPath) ?? '', error });
      }
    }
    const parsed = files.filter((f) => taken.has(f.path) && !failed.has(f.relPath));
    /** Files whose module facts failed to build (an internal error): reported, and not checked, as a file that does not parse. */
    const factsFailed = new Set<string>();
    for (const f of parsed) {
      const problem = modules.get(f.path)?.problem;
      if (problem === undefined) continue;
      factsFailed.add(f.path);
      errors.push({ file: f.relPath, message: problem });
    }
    const unparsedFiles = files.filter((f) => !taken.has(f.path)).map((f) => ({ path: f.path, relPath: f.relPath }));
    phase('modules');
    const factsFiles = parsed.map((f) => ({ path: f.path, relPath: f.relPath, sourceFile: null, module: (modules.get(f.path) as BuiltModule).module }));
    // Taint summaries are computed when a rule first asks for a file's (./project/facts.ts
    // `taintSummary`); the cache keeps them with the module facts they were computed with.
    const cachedSummaries = new Map<string, TaintSummaries>();
    for (const f of parsed) {
      const from = modules.get(f.path)?.from;
      const summaries = from && storedSummaries(from);
      if (summaries) cachedSummaries.set(f.path, summaries);
    }
    let reach: RequestReach | Error | undefined;
    const record = cacheDir !== undefined;
    // The worker threads build their own project facts from the same modules, meanwhile.
    const workers = shards.filter((s) => !s.local);
    const preparing = Promise.all(
      workers.map((s) => {
        const prepared: PrepareInput = {
          root,
          shape,
          ignores: config.ignores,
          repositoryPaths,
          record,
          unparsed: unparsedFiles,
          modules: factsFiles.map(({ path, relPath, module }) => ({ path, relPath, module: builtHere.has(path) && owner.get(path) === s ? null : module })),
          summaries: [...cachedSummaries],
        };
        return s.call('prepare', prepared);
      }),
    );
    facts = buildProjectFacts({
      root,
      files: factsFiles,
      unparsed: unparsedFiles,
      ignores: config.ignores,
      shape,
      repositoryPaths,
      requestReach: () => {
        if (reach === undefined) throw new Error('request reach asked for before it was computed');
        if (reach instanceof Error) throw reach;
        return reach;
      },
      taintSummaries: (file, compute) => cachedSummaries.get(file) ?? local?.summarise(file, compute) ?? {},
      // The project rules ask after the trees are gone, and a file the scan did not read (another
      // thread's, or one known unchanged) is read again: unless it still holds what the scan saw, its
      // exports are unknown.
      lifecycleExports: (file, compute) => (unchanged(file, read.stamps.get(relativePath(facts, file)) ?? null) ? (local?.lifecycleExports(file, compute) ?? {}) : {}),
    });
    errors.push(...facts.errors);
    local?.adopt(facts, record);
    await preparing;

    phase('facts');
    // The facts a recorded read starts from: a package's view, or the whole repository's (request reach).
    const packageByRoot = new Map(facts.packages.map((p) => [`#${esc(p.path)}`, p]));
    const rootsOf = (rootName: string) => {
      if (rootName === REACH_ROOT) return facts;
      const pkg = packageByRoot.get(rootName);
      return pkg && facts.packageView(pkg);
    };
    const settled = (value: unknown) => reused.has(value as ModuleFacts);
    // While the file list and the project's shape are as stored, every specifier resolves as it did.
    const sameResolutions = resolutionsHold ? (step: Step) => 'c' in step && step.c === 'resolveImport' : undefined;
    // Request reach, a fix-point over the shards' syntax trees (see ./project/request-reach.ts), or
    // the stored one: while the files it starts from are the same, every file it walked is unchanged
    // (its module facts too: it took its own specifiers' resolutions from them, unrecorded) and what
    // it read from the facts reads the same, walking again would find the same.
    // A failure is the rules' to report, as when they compute it themselves.
    const start = reachStart(facts, parsed);
    const startKey = record ? hashBytes(JSON.stringify([[...start.sources], start.registering])) : '';
    const hashByPath = new Map(parsed.map((f) => [f.path, hashOf(f.relPath)]));
    const kept = previous.reach;
    if (record && kept && kept.start === startKey && kept.walked.every(([path, hash]) => hashByPath.get(path) === hash && !builtHere.has(path)) && replay(rootsOf, kept.reads.tree, settled)) {
      reach = decode(kept.result) as RequestReach;
      storedReach = kept;
      stats.reachReused = true;
    } else {
      try {
        // Walk again, taking from the stored reach the work of each file that is unchanged and whose
        // work read the same from the facts: only the rest is parsed and walked.
        const stale = record && kept ? staleReaders(rootsOf, kept.reads, settled, sameResolutions) : null;
        const holding = new Map<string, ReachUnits>();
        if (stale) for (const [path, hash, units] of kept?.walked ?? []) if (hashByPath.get(path) === hash && !stale.has(path) && !builtHere.has(path)) holding.set(path, units);
        const memo: ReachMemo | undefined = holding.size === 0 ? undefined : {
          seeds: (file) => holding.get(file)?.seeds,
          step: (file, keys) => holding.get(file)?.steps.find(([asked]) => asked.length === keys.length && asked.every((k, i) => k === keys[i]))?.[1],
        };
        const computed = await requestReach(facts, parsed, owner, memo);
        reach = computed.reach;
        stats.reachWalked = computed.computed.size;
        if (record) {
          let fresh: FileReads = NO_READS;
          for (const shardReads of await Promise.all(shards.map((s) => s.call('reachReads')))) fresh = combineReads(fresh, shardReads);
          // The stored reads of the files whose work was reused stay (a file also walked now for
          // exports not asked before keeps both); those of files walked from scratch are replaced.
          const recomputed = new Set(fresh.names);
          const reads = kept ? combineReads(kept.reads, fresh, (name) => (name.startsWith(MEMO_PREFIX) ? recomputed.has(name) : !holding.has(name) || !computed.units.has(name))) : fresh;
          storedReach = { start: startKey, walked: computed.walked.map((path) => [path, hashByPath.get(path) ?? '', computed.units.get(path) as ReachUnits]), reads, result: JSON.parse(stringifyEncoded(computed.reach)) };
        }
      } catch (err) {
        reach = err as Error;
      }
    }
    const shared = reach instanceof Error ? { error: reach.message } : reach;
    phase('reach');

    // File rules: a file's cached results hold while its content and what it was checked as are the
    // same, and what its rules read from the project facts (with the answers shared across files
    // they used: see ./cache/record.ts, ./project/memo.ts) reads the same.
    const contextOf = (f: ShardFile) => fileContext(f.relPath, config, overrideMatchers, facts.roles(f.path));
    // The files whose recorded reads (or the shared answers they used) read differently now; all of
    // them while request reach failed.
    const outdated = reach !== undefined && !(reach instanceof Error) ? staleReaders(rootsOf, previous.reads, settled, sameResolutions) : null;
    const results = new Map<string, FileResult>();
    const toCheck: ShardFile[] = [];
    /** Files whose cached results hold. */
    const resultKept = new Set<string>();
    for (const f of parsed) {
      if (factsFailed.has(f.path)) continue;
      const r = entryOf(f)?.result;
      // A file whose module facts were built again (its content, or how its specifiers resolve,
      // changed) is checked again: its rules took its resolutions from them (`FileInfo.resolutions`).
      if (r && outdated && !outdated.has(f.relPath) && r.context === contextOf(f) && !builtHere.has(f.path)) {
        results.set(f.path, { relPath: f.relPath, findings: r.findings, sites: r.sites, problems: r.problems });
        resultKept.add(f.path);
      } else toCheck.push(f);
    }
    phase('replay');
    const checked = await byOwner(toCheck, (f) => f.path, owner, (shard, group) =>
      shard.call('check', shard.local ? null : shared, config, group.map((f) => f.path), record, typed ? (sf: ts.SourceFile) => typed.forFile(sf) : undefined),
    );
    toCheck.forEach((f, i) => results.set(f.path, checked[i] as FileResult));
    phase('check');
    stats.checked = toCheck.length;
    stats.parsed = (await Promise.all(shards.map((s) => s.call('parsedFiles')))).reduce((a, b) => a + b, 0);
    /** Taint summaries computed in this scan (the cache keeps them with the files' entries). */
    const summarised = new Map<string, TaintSummaries>();
    if (record) {
      for (const list of await Promise.all(shards.map((s) => s.call('summaries')))) {
        for (const [path, summaries] of list) if (!summarised.has(path)) summarised.set(path, summaries);
      }
    }
    if (record) {
      // The reads of the files whose results are kept (and of the shared answers they used), and
      // those of the files checked now, which replace their old ones.
      let fresh: FileReads = NO_READS;
      for (const shardReads of await Promise.all(shards.map((s) => s.call('reads')))) fresh = combineReads(fresh, shardReads);
      const checkedNow = new Set(toCheck.map((f) => f.relPath));
      const present = new Set(parsed.map((f) => f.relPath));
      if (outdated) {
        // A shared answer computed again whose stored reads all read the same computed the same way
        // (it depends on the facts through what it read): its stored reads stand, and the new ones
        // are left out, so that only what changed is taken apart and merged.
        const known = new Set(previous.reads.names);
        const same = (name: string) => name.startsWith(MEMO_PREFIX) && known.has(name) && !outdated.has(name);
        const recomputed = new Set(fresh.names.filter((name) => !same(name)));
        storedReads = combineReads(previous.reads, withoutOwnReads(fresh, same), (name) => checkedNow.has(name) || recomputed.has(name) || (!name.startsWith(MEMO_PREFIX) && !present.has(name)));
      } else storedReads = fresh;
    }
    phase('combine');
    // The syntax trees are done with: let them go before the cache entries are built.
    await Promise.all(shards.map((s) => s.close()));
    for (const f of parsed) {
      const pkg = facts.packageOf(f.path);
      if (!packageSites.has(pkg.path)) packageSites.set(pkg.path, new Map());
      if (factsFailed.has(f.path)) {
        // Nothing of it is kept: the next scan builds its facts again (and reports the error again).
        if (record) store.set(f.relPath, { hash: hashOf(f.relPath) ?? '' });
        continue;
      }
      const result = results.get(f.path) as FileResult;
      for (const { finding, severity } of result.findings) raw.push({ finding, file: result.relPath, severity });
      for (const [id, n] of result.sites) addSites(id, n, pkg);
      for (const problem of result.problems) errors.push({ file: result.relPath, message: problem });
      if (record) {
        const m = modules.get(f.path) as BuiltModule & { from?: FileEntry };
        const e = entryOf(f);
        // An entry that holds as it was read is stored as it was (and written back as the line it was read from).
        if (e && resultKept.has(f.path) && m.from === e && m.resolutions === e.resolutions && !summarised.has(f.path)) {
          store.set(f.relPath, e);
          continue;
        }
        const summaries = summarised.get(f.path) ?? cachedSummaries.get(f.path);
        store.set(f.relPath, {
          hash: hashOf(f.relPath) ?? '',
          // Module facts are encoded as they are written (a reused entry's were decoded in place).
          facts: m.module,
          resolutions: m.resolutions,
          ...(summaries ? { summaries } : {}),
          // Results computed while request reach failed are not kept: the failure is not in the reads.
          ...(!(reach instanceof Error) ? { result: { context: contextOf(f), findings: result.findings, sites: result.sites, problems: result.problems } } : {}),
        });
      }
    }
    for (const { path, relPath } of unparsedFiles) {
      // Its package is listed in the report as if the file had been checked (and found nothing).
      const pkg = facts.packageOf(path);
      if (!packageSites.has(pkg.path)) packageSites.set(pkg.path, new Map());
      if (!record) continue;
      const e = cached.get(relPath);
      store.set(relPath, e?.dormant && e.hash === hashOf(relPath) ? e : { hash: hashOf(relPath) ?? '', dormant: true });
    }
    stats.unparsed = unparsedFiles.length;
  } finally {
    await Promise.all(shards.map((s) => s.close()));
  }
  if (cacheDir !== undefined) writeFileCache(cacheDir, cacheKey, { reads: storedReads, resolving, reach: storedReach, files: store }, options.note ?? (() => undefined));
  options.onProgress?.({ done: total, total });
  phase('store');

  // Project rules run once per package (service rules judge each workspace package), or once for
  // the repository when they say so or there are no workspaces.
  const projectEnabled = rulesFor(null, config, overrideMatchers).filter((e) => e.rule.scope === 'project');
  const rootPackage = facts.packages[0] as WorkspacePackage;
  for (const e of projectEnabled) {
    if (e.rule.scope !== 'project') continue;
    const rule = e.rule;
    const targets = rule.repository || facts.packages.length === 1 ? [rootPackage] : facts.packages;
    for (const pkg of targets) {
      const view = rule.repository ? facts : facts.packageView(pkg);
      try {
        rule.check({
          facts: view,
          options: e.options,
          countSite: (n = 1) => addSites(rule.id, n, pkg),
          report: (d) => {
            const template = rule.messages[d.messageId] ?? d.messageId;
            const message = template.replace(/\{\{\s*(\w+)\s*\}\}/g, (all, k: string) => (d.data && k in d.data ? String(d.data[k]) : all));
            const line = d.line ?? 1;
            const column = d.column ?? 1;
            // The rule names the file from its package's root; the report names it from the repository's.
            const file = view === facts || pkg.path === '' ? d.file : posix.join(pkg.path, d.file);
            raw.push({
              file,
              severity: e.severity,
              finding: { ruleId: rule.id, messageId: d.messageId, message, start: 0, end: 0, line, column, endLine: line, endColumn: column },
            });
          },
        });
      } catch (err) {
        errors.push({ file: pkg.path || '.', message: `rule ${rule.id} failed: ${failureMessage(err)}` });
      }
    }
  }

  raw.sort(
    (a, b) =>
      compareStrings(a.file, b.file) ||
      a.finding.line - b.finding.line ||
      a.finding.column - b.finding.column ||
      compareStrings(a.finding.ruleId, b.finding.ruleId) ||
      compareStrings(a.finding.message, b.finding.message),
  );
  // A secret a rule found reaches no output: code frames and fingerprints read a masked copy.
  const redactions = raw.filter(({ finding }) => getRule(finding.ruleId)?.reportsSecrets).map(({ file, finding }) => ({ file, start: finding.start, end: finding.end }));
  const shown = redactSources(read.text, redactions);
  const prints = fingerprints(
    raw.map(({ finding, file }) => ({
      ruleId: finding.ruleId,
      file,
      symbol: finding.symbol ?? '',
      // A project finding has no range: its message (which names the value involved) stands for its code.
      code: finding.end > finding.start ? (shown(file)?.slice(finding.start, finding.end) ?? finding.message) : finding.message,
    })),
  );
  const findings: Finding[] = raw.map(({ finding, file, severity }, i) => {
    const rule = getRule(finding.ruleId);
    const cwe = rule?.cwe?.[0];
    return {
      ruleId: finding.ruleId,
      category: rule?.category ?? 'resilience',
      severity,
      file,
      line: finding.line,
      column: finding.column,
      endLine: finding.endLine,
      endColumn: finding.endColumn,
      message: finding.message,
      fingerprint: prints[i] ?? '',
      ...(cwe === undefined ? {} : { cwe: `CWE-${cwe}` }),
      ...(finding.trace ? { trace: finding.trace } : {}),
    };
  });

  const violations = new Map<string, number>();
  for (const f of findings) violations.set(f.ruleId, (violations.get(f.ruleId) ?? 0) + 1);
  const ruleSummaries: RuleSummary[] = rulesFor(null, config, [])
    .map(({ rule, severity }) => {
      const v = violations.get(rule.id) ?? 0;
      return { id: rule.id, category: rule.category, severity, sites: Math.max(sites.get(rule.id) ?? 0, v), violations: v };
    })
    .sort((a, b) => compareStrings(a.id, b.id));
  // Findings of a rule turned on only by an override still count.
  for (const [id, v] of violations) {
    if (ruleSummaries.some((r) => r.id === id)) continue;
    const rule = getRule(id);
    if (rule) ruleSummaries.push({ id, category: rule.category, severity: rule.severity, sites: Math.max(sites.get(id) ?? 0, v), violations: v });
  }
  ruleSummaries.sort((a, b) => compareStrings(a.id, b.id));

  errors.sort((a, b) => compareStrings(a.file, b.file) || compareStrings(a.message, b.message));
  phase('report');
  const bySeverity = countBySeverity(findings);
  const { score, fixFirst } = scoreReport(ruleSummaries, findings);
  const packages = facts.packages.length > 1 ? scorePackages(facts.packages, packageSites, findings, ruleSummaries, (file) => facts.packageOf(join(root, file))) : undefined;
  const report: Report = {
    schemaVersion: 1,
    tool: { name: 'prodcheck', version: VERSION },
    score,
    summary: { files: relPaths.length, findings: findings.length, bySeverity },
    rules: ruleSummaries,
    findings,
    errors,
    fixFirst,
    ...(packages ? { packages } : {}),
  };
  return { report, source: shown, stamps: read.stamps, repository: repositoryPaths, shape, redactions, stats };
}

export async function scan(options: ScanOptions): Promise<Report> {
  return (await scanWithSources(options)).report;
}
