// One shard of a scan: a contiguous run of the project's files, parsed once and kept (with their
// syntax trees) through the scan's phases. The scan drives every shard through the same phases
// whether the shard lives in this thread or in a worker thread (./pool.ts), and merges what they
// return in file order, so that the report does not depend on how the files were split:
//   parse    → syntax errors
//   modules  → each file's module facts (plain data: imports, exports, evidence)
//   prepare  → the project facts, rebuilt here from every shard's modules
//   seeds    → request reach: what the handlers of registering files call
//   step     → request reach, one round: what the newly reached exports call
//   check    → the file rules' findings, sites and problems per file
import { relative, sep } from 'node:path';
import type { ts } from 'ts-morph';
import { rules as registry } from '../../rules/index.js';
import { failureMessage } from '../config/errors.js';
import type { ResolvedConfig } from '../config/types.js';
import { checkFile, type ActiveRule } from '../core/engine.js';
import { normaliseText, readSource } from '../core/files.js';
import { parseText } from '../core/parse.js';
import type { TaintSummaries } from '../core/taint.js';
import type { FileInfo, FileRule, RawFinding, Severity, TypeInfo } from '../core/types.js';
import { buildProjectFacts, createResolver, type ProjectFacts, type ProjectShape } from '../project/facts.js';
import type { HandlerEffects } from '../project/evidence/process-lifecycle.js';
import { buildModuleFacts, specifierResolutions, type ModuleFacts } from '../project/modules.js';
import { ReachWalker, type ReachSeeds, type RequestReach } from '../project/request-reach.js';
import type { ImportedCallee } from '../core/handlers.js';
import { overrideMatchersOf, rulesFor, type Enabled } from '../rules-for.js';
import { esc, FactsRecorder, NO_READS, type FileReads } from '../cache/record.js';

/** The recorded root that stands for the whole repository's facts (request reach reads them). */
export const REACH_ROOT = '#*';

export interface ShardFile {
  path: string;
  relPath: string;
  /** Bytes on disk (what the shards are balanced by). */
  size: number;
  /** The text as read (BOM removed); absent for a file known unchanged, which the shard reads when it needs it. */
  text?: string;
}

export interface FileResult {
  relPath: string;
  findings: Array<{ finding: RawFinding; severity: Severity }>;
  sites: Array<[string, number]>;
  problems: string[];
}

export interface PrepareInput {
  root: string;
  shape: ProjectShape;
  ignores: readonly string[];
  /** The repository files' paths, as discovered. */
  repositoryPaths: readonly string[];
  /** Record what request reach reads from the facts (for the cache). */
  record: boolean;
  /** The source files left unparsed (see ../project/facts.ts `ProjectFacts.unparsed`). */
  unparsed: ReadonlyArray<{ path: string; relPath: string }>;
  /** Every parsed file of the project, in file order, with its module facts (null: the ones this shard built, which it kept). */
  modules: ReadonlyArray<{ path: string; relPath: string; module: ModuleFacts | null }>;
  /** Taint summaries the cache holds for files whose module facts it held (see `Shard.summarise`). */
  summaries: ReadonlyArray<[string, TaintSummaries]>;
}

/** Module facts of a file and the specifiers they resolved (for the per-file cache to re-check). */
export interface BuiltModule {
  module: ModuleFacts;
  resolutions: Array<[string, string | null]>;
  /** Building them failed (an internal error): the report says so, and the facts are those of an empty file. */
  problem?: string;
}

export class Shard {
  private readonly byPath = new Map<string, ShardFile>();
  private readonly trees = new Map<string, ts.SourceFile>();
  /** The module facts this shard built (a worker thread is not sent them back). */
  private readonly built = new Map<string, ModuleFacts>();
  private facts: ProjectFacts | undefined;
  private walker: ReachWalker | undefined;
  private reach: RequestReach | { error: string } | undefined;
  /** Files parsed so far (each at most once). */
  parsedCount = 0;
  /** Parse documentation comments too (for `--types`: the checker reads them in JavaScript files). */
  jsDoc = false;
  /** The trees were let go (`release`): none is kept after. */
  private released = false;

  constructor(
    private readonly root: string,
    private readonly files: readonly ShardFile[],
  ) {
    for (const f of files) this.byPath.set(f.path, f);
  }

  /** A file's text: as the scan read it, else read now (a file the scan knew unchanged). */
  private textOf(f: ShardFile): string {
    if (f.text === undefined) {
      const read = readSource(this.root, f.relPath);
      if ('skipped' in read) throw new Error(`${f.relPath}: ${read.skipped}`);
      f.text = normaliseText(read.text);
    }
    return f.text;
  }

  private parseOne(f: ShardFile): string | null {
    const result = parseText(f.path, this.textOf(f), { jsDoc: this.jsDoc });
    this.parsedCount++;
    if (result.problem) return result.problem;
    this.trees.set(f.path, result.sourceFile);
    return null;
  }

  /** A parsed file's tree, parsing it on first use. */
  private tree(path: string): ts.SourceFile {
    let sf = this.trees.get(path);
    if (!sf) {
      const f = this.byPath.get(path);
      if (!f) throw new Error(`shard has no file ${path}`);
      const error = this.parseOne(f);
      sf = this.trees.get(path);
      if (error || !sf) throw new Error(`${f.relPath}: ${error ?? 'not parsed'}`);
    }
    return sf;
  }

  /** Parses these files (default: all), keeping the trees of those that parse; returns the syntax errors. */
  parse(paths?: readonly string[]): Array<{ relPath: string; message: string }> {
    const errors: Array<{ relPath: string; message: string }> = [];
    for (const f of paths ? paths.map((p) => this.byPath.get(p) as ShardFile) : this.files) {
      if (this.trees.has(f.path)) continue;
      const error = this.parseOne(f);
      if (error) errors.push({ relPath: f.relPath, message: error });
    }
    return errors;
  }

  /** The syntax trees of this shard's parsed files (for `--types`, which runs in one thread). */
  sourceFiles(): Array<{ path: string; relPath: string; sourceFile: ts.SourceFile; text: string }> {
    return this.files.filter((f) => this.trees.has(f.path)).map((f) => ({ path: f.path, relPath: f.relPath, text: this.textOf(f), sourceFile: this.trees.get(f.path) as ts.SourceFile }));
  }

  /** The module facts of these parsed files, resolved against every parsed file of the project (`paths`). */
  modules(shape: ProjectShape, paths: readonly string[], which: readonly string[]): BuiltModule[] {
    const resolver = createResolver(shape, paths);
    return which.map((path) => {
      const resolutions: Array<[string, string | null]> = [];
      const resolve = (spec: string) => {
        const target = resolver.resolve(path, spec);
        resolutions.push([spec, target]);
        return target;
      };
      const sf = this.tree(path);
      let built: BuiltModule;
      try {
        built = { module: buildModuleFacts(path, sf, resolve), resolutions };
      } catch (err) {
        // A bug of ours in the facts pass, not the file's: the scan goes on without that file, as
        // without a file that does not parse (../scan.ts leaves it unchecked), and the project facts
        // see it as an empty file (no imports, exports, roles evidence or entry point).
        const problem = `internal error building this file's facts (${failureMessage(err)}): not analysed, and taken as an empty file by the project's facts; please report it`;
        built = { module: buildModuleFacts(path, parseText(path, '').sourceFile, () => null), resolutions: [], problem };
      }
      this.built.set(path, built.module);
      return built;
    });
  }

  /** Taint summaries computed in this shard, by file (the scan keeps them in the files' cache entries). */
  private readonly summarised = new Map<string, TaintSummaries>();

  /**
   * A project file's syntax tree: this shard's (parsed now if it was not), else (another shard's
   * file, or any file once the trees were released) a parse of the text the scan read or, without
   * one, of the file as it is on disk, neither kept nor counted in `parsedFiles` (which counts each
   * shard's own files).
   * Null for a file that no longer parses as it did (changed during the scan).
   */
  private anyTree(path: string): ts.SourceFile | null {
    try {
      if (this.byPath.has(path) && !this.released) return this.tree(path);
      // After `release` (the project rules run then) a tree made now is not kept either.
      const parsed = parseText(path, this.textOf(this.byPath.get(path) ?? { path, relPath: relative(this.root, path).split(sep).join('/'), size: 0 }), { jsDoc: this.jsDoc });
      return parsed.problem ? null : parsed.sourceFile;
    } catch {
      return null;
    }
  }

  /**
   * A project file's taint summaries (../project/facts.ts `taintSummary`), computed from its syntax
   * tree (`anyTree`). Threads that ask for the same file's summaries each compute them.
   */
  summarise(path: string, compute: (sf: ts.SourceFile) => TaintSummaries): TaintSummaries {
    const sf = this.anyTree(path);
    if (!sf) return {};
    const summaries = compute(sf);
    this.summarised.set(path, summaries);
    return summaries;
  }

  /** What a project file's exported functions do at a process's end (../project/facts.ts `lifecycleExports`), from its syntax tree (`anyTree`). */
  lifecycleExports(path: string, compute: (sf: ts.SourceFile) => Record<string, HandlerEffects>): Record<string, HandlerEffects> {
    const sf = this.anyTree(path);
    return sf ? compute(sf) : {};
  }

  /** The taint summaries this shard computed (see `summarise`). */
  summaries(): Array<[string, TaintSummaries]> {
    return [...this.summarised];
  }

  /** Builds the project facts from every shard's modules (a worker thread's shard). */
  prepare(input: PrepareInput): void {
    const stored = new Map(input.summaries);
    this.adopt(
      buildProjectFacts({
        root: input.root,
        files: input.modules.map((m) => {
          const module = m.module ?? this.built.get(m.path);
          if (!module) throw new Error(`no module facts for ${m.relPath}`);
          return { path: m.path, relPath: m.relPath, sourceFile: null, module };
        }),
        ignores: input.ignores,
        shape: input.shape,
        repositoryPaths: input.repositoryPaths,
        unparsed: input.unparsed,
        requestReach: () => {
          if (!this.reach) throw new Error('request reach asked for before it was computed');
          if ('error' in this.reach) throw new Error(this.reach.error);
          return this.reach;
        },
        taintSummaries: (file, compute) => stored.get(file) ?? this.summarise(file, compute),
        lifecycleExports: (file, compute) => this.lifecycleExports(file, compute),
      }),
      input.record,
    );
  }

  /**
   * Uses the scan's own project facts (the shard in the scan's thread). `record`: request reach reads
   * the facts through a recorder (root `#*`: the whole repository's facts), for the cache.
   */
  adopt(facts: ProjectFacts, record = false): void {
    this.facts = facts;
    this.reachRecorder = record ? new FactsRecorder() : undefined;
    this.walker = new ReachWalker(this.reachRecorder ? this.reachRecorder.wrap(facts, REACH_ROOT) : facts, (file) => this.ownResolutions(facts, file));
  }

  /**
   * A file's own specifiers as its module facts resolved them, read from `facts` unrecorded: the
   * file rules and request reach take them from here, and the scan does their work again when those
   * module facts are built again.
   */
  private ownResolutions(facts: ProjectFacts, file: string): ReadonlyMap<string, string | null> | undefined {
    const own = facts.repositoryModules.get(file);
    return own ? specifierResolutions(own) : undefined;
  }

  private reachRecorder: FactsRecorder | undefined;

  /** What request reach read from the facts in this shard (see `adopt`), by the file whose work read it. */
  reachReads(): FileReads {
    return this.reachRecorder?.fileReads() ?? NO_READS;
  }

  /** Request reach's work in one file, its reads recorded as that file's (the cache reuses a file's work while they hold). */
  private reachWork<T>(file: string, work: (walker: ReachWalker, sf: ts.SourceFile) => T): T {
    const walker = this.walker;
    if (!walker) throw new Error('shard used before it was prepared');
    const sf = this.tree(file);
    this.reachRecorder?.readingFor(file);
    try {
      return work(walker, sf);
    } finally {
      this.reachRecorder?.readingFor(null);
    }
  }

  /** Request reach's seeds of these files (registering files of this shard, in file order). */
  seeds(files: readonly string[]): ReachSeeds[] {
    return files.map((file) => this.reachWork(file, (walker, sf) => walker.seeds(file, sf)));
  }

  /** One round of request reach for these files of this shard (in the round's order). */
  step(batch: ReadonlyArray<[string, readonly string[]]>): ImportedCallee[][] {
    return batch.map(([file, keys]) => this.reachWork(file, (walker, sf) => walker.step(file, sf, new Set(keys))));
  }

  /** Called after each file `check` finishes (in this thread only: progress). */
  onChecked: ((done: number) => void) | undefined;

  /**
   * Runs the file rules on these parsed files of this shard, in order. `reach`: the request reach (or
   * the error computing it), for a shard with facts of its own; null for one that adopted the scan's.
   * `record`: also return what the rules read from the facts (for the per-file cache).
   */
  check(reach: RequestReach | { error: string } | null, config: ResolvedConfig, which: readonly string[], record: boolean, typesFor?: (sf: ts.SourceFile) => TypeInfo | undefined): FileResult[] {
    const facts = this.facts;
    if (!facts) throw new Error('shard checked before it was prepared');
    if (reach) this.reach = reach;
    const overrideMatchers = overrideMatchersOf(config);
    const knownIds = new Set(registry.map((r) => r.id));
    return which.map((path, i) => {
      this.onChecked?.(i);
      const f = this.byPath.get(path) as ShardFile;
      const sourceFile = this.tree(path);
      const enabled = rulesFor(f.relPath, config, overrideMatchers);
      const fileRules = enabled.filter((e): e is Enabled & { rule: FileRule<Record<string, unknown>> } => e.rule.scope === 'file') as ActiveRule[];
      const info: FileInfo = { path, relPath: f.relPath, sourceFile, text: this.textOf(f), roles: facts.roles(path), resolutions: this.ownResolutions(facts, path) };
      // In a monorepo each file is checked with its own package's facts (dependencies, entry points).
      const pkg = facts.packageOf(path);
      const view = facts.packageView(pkg);
      const recorder = record ? (this.recorder ??= new FactsRecorder()) : null;
      recorder?.readingFor(f.relPath);
      const result = checkFile(info, recorder ? recorder.wrap(view, `#${esc(pkg.path)}`) : view, fileRules, knownIds, typesFor?.(sourceFile));
      recorder?.readingFor(null);
      const severityOf = new Map(fileRules.map((r) => [r.rule.id, r.severity]));
      return {
        relPath: f.relPath,
        findings: result.findings.map((finding) => ({ finding, severity: severityOf.get(finding.ruleId) ?? 'low' })),
        sites: [...result.sites],
        problems: result.problems,
      };
    });
  }

  private recorder: FactsRecorder | undefined;

  /** What the file rules of this shard read from the project facts, by file (see ../cache/record.ts). */
  reads(): FileReads {
    return this.recorder?.fileReads() ?? NO_READS;
  }

  /** Drops the syntax trees and what was built on them (the shard is not asked anything after). */
  release(): void {
    this.released = true;
    this.trees.clear();
    this.built.clear();
    this.walker = undefined;
    this.recorder = undefined;
    this.reachRecorder = undefined;
  }

  /** How many files this shard has parsed (for the scan's statistics). */
  parsedFiles(): number {
    return this.parsedCount;
  }
}
