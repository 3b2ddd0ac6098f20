// Project facts: computed once per scan from the light pass over every file, before any rule
// runs, so that a rule checking one file knows what the project's other modules export.
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { ts } from 'ts-morph';
import { summariseFile, type ParamTaint, type TaintSummaries } from '../core/taint.js';
import type { FileRole, Reference } from '../core/types.js';
import { parseDockerfile, type DockerfileModel } from './dockerfile.js';
import type { ModuleEvidence } from './evidence/index.js';
import type { HandlerEffects } from './evidence/process-lifecycle.js';
import { serverFiles as serverFilesOf } from './graph.js';
import { readWhole } from './memo.js';
import { buildModuleFacts, importTargets, lifecycleExportsOf, specifierResolutions, type ExportInfo, type ModuleFacts } from './modules.js';
import { minMajor, packageName, readPackageJson, type PackageInfo } from './package-json.js';
import { computeRequestReach, type RequestReach } from './request-reach.js';
import { readRepositoryFiles, type RepositoryFile } from './repository-files.js';
import { ModuleResolver } from './resolve.js';
import { findWorkspaces, packageOfFile, type WorkspacePackage, type Workspaces } from './workspaces.js';
import { fileRoles, isTestPath, type RoleEvidence } from './roles.js';
import { readPathMapping, type PathMapping } from './tsconfig-paths.js';

export interface ResolvedExport {
  /** The file that defines the value. */
  file: string;
  name: string;
  info: ExportInfo;
}

export interface ProjectFacts {
  readonly root: string;
  readonly packageJson: PackageInfo | null;
  /** Problems reading project files (package.json), for the report's errors. */
  readonly errors: ReadonlyArray<{ file: string; message: string }>;
  /** The modules of the project (of one package, in a package view). */
  readonly modules: ReadonlyMap<string, ModuleFacts>;
  /** Every module of the repository, also in a package view: imports lead across packages. */
  readonly repositoryModules: ReadonlyMap<string, ModuleFacts>;
  /**
   * The repository's modules (by path, in `repositoryModules`' order) whose evidence `key` holds
   * anything (a value, a true flag, a non-empty list: not only the collector's nothing-found
   * defaults). An answer about the whole repository that reads these instead of every module does
   * not change, and does not make the files that used it stale in the cache, when a file without
   * such evidence is added or removed. A Map, so that the recorded reads name each module by its
   * path (a list's positions would not say which module is at each one).
   */
  repositoryModulesWith(key: keyof ModuleEvidence): ReadonlyMap<string, ModuleFacts>;
  /**
   * Test files that no file outside the tests imports, directly or not (absolute, sorted): left out
   * of `modules` (the scan does not parse them). Their roles come from their paths.
   */
  readonly unusedTests: readonly string[];
  /** Server entry points: files that call `.listen(…)`, tests and browser code excluded (absolute, sorted). */
  readonly entryPoints: readonly string[];
  /** The repository's server entry points, also in a package view (where `entryPoints` holds the package's). */
  readonly repositoryEntryPoints: readonly string[];
  dependencyRange(name: string): string | undefined;
  hasDependency(name: string): boolean;
  /** The lowest major the package.json range of `name` admits, or null. */
  majorOf(name: string): number | null;
  /** Some project file imports or requires package `name`. */
  importsPackage(name: string): boolean;
  resolveImport(fromFile: string, specifier: string): string | null;
  roles(file: string): ReadonlySet<FileRole>;
  /** The roles of a file from its path and the evidence of its current text (the editor's, which may differ from disk). */
  rolesOf(file: string, relPath: string, evidence: RoleEvidence): Set<FileRole>;
  /** An export of a project file, following re-exports and `export const a = b` aliases. */
  lookupExport(file: string, name: string): ResolvedExport | undefined;
  /** For a module reference into a project file (`import { api } from './http'` → api.get), the export it reads. */
  exportOfReference(ref: Reference): ResolvedExport | undefined;
  /**
   * What parameter `index` of an exported function or method of a project file (`name`,
   * `Class.method`) reaches: the sinks, the project functions it is passed to, the return value
   * (../core/taint.ts). A file's summaries are computed when first asked for (see
   * `FactsInput.taintSummaries`).
   */
  taintSummary(file: string, key: string, index: number): ParamTaint | undefined;
  /**
   * What each exported function of a project file does at a process's end (exits, closes, calls
   * into other files' exports), by export name: computed when first asked for (see
   * `FactsInput.lifecycleExports`), for the files whose exports a process handler imports.
   */
  lifecycleExports(file: string): Readonly<Record<string, HandlerEffects>>;
  /** `axios.defaults.timeout = n` is set somewhere in the project. */
  readonly axiosDefaultTimeout: boolean;
  /** `x.defaults.timeout = n` is set on the module-level variable `localName` of `file` (in any file). */
  hasDefaultsTimeout(file: string, localName: string): boolean;
  /**
   * Exports of `file` that request handlers in other files call, directly or through other
   * exports: `name`, or `Class.method` / `default.method` (see ../project/request-reach.ts).
   */
  requestReached(file: string): ReadonlySet<string>;
  /**
   * Files loaded by at least one of these facts' server entry points, through value imports
   * (../project/graph.ts `serverFiles`). A method of the facts, so that a file's cached results
   * depend on whether it is in the set, not on every import the set was computed from.
   */
  serverFiles(): ReadonlySet<string>;
  /**
   * The repository's packages: the root first, then its workspace packages (npm/yarn/pnpm). A
   * repository without workspaces has one package, its root, and `packageView` of it is these facts.
   */
  readonly packages: readonly WorkspacePackage[];
  /** The package a file belongs to (the deepest workspace package holding it, else the root). */
  packageOf(file: string): WorkspacePackage;
  /**
   * The facts as one package sees them: its own package.json (dependencies over the root's), its
   * modules and entry points; module lookups, roles and request reach stay repository-wide.
   */
  packageView(pkg: WorkspacePackage): ProjectFacts;
  /** Committable non-source files that can hold secrets (env files, keys, `.npmrc`, credential JSON), read on first use. */
  repositoryFiles(): readonly RepositoryFile[];
  /** Route registrations in the non-test files of the package that holds `file` (its nearest package.json within the root). */
  routeCount(file: string): number;
  /** Exports of `file` that other files register as a route's own handler (`router.get('/', orders.list)`): `name` or `Class.method`. */
  routeHandlerExports(file: string): ReadonlySet<string>;
  /** The repository's Dockerfiles (of `repositoryFiles()`), parsed on first use, sorted by path. */
  dockerfiles(): ReadonlyArray<{ relPath: string; dockerfile: DockerfileModel }>;
}

export interface FactsInput {
  root: string;
  /**
   * Absolute path → POSIX path relative to root. A file's `module` facts may be given instead of its
   * syntax tree (the ESLint plugin's cache, a worker thread's shard): then they must come from the
   * same file set and path mapping (see `projectShape`, `createResolver`).
   */
  files: ReadonlyArray<{ path: string; relPath: string; sourceFile: ts.SourceFile | null; module?: ModuleFacts }>;
  /** Test files the scan left unparsed (see `ProjectFacts.unusedTests`): imports resolve to them as to the others. */
  unparsed?: ReadonlyArray<{ path: string; relPath: string }>;
  /** Read package.json and tsconfig.json from the root (default true; false for in-memory checks). */
  readDisk?: boolean;
  /** The configuration's ignore globs, for the files read beyond the sources. */
  ignores?: readonly string[];
  /** The repository's workspace packages (default: found from the root's package.json and pnpm-workspace.yaml when reading the disk). */
  workspaces?: Workspaces;
  /** The project's packages and path mappings, when already read (`projectShape`): plain data, shared with worker threads. */
  shape?: ProjectShape;
  /** The repository files' paths (`readRepositoryFiles`), when discovery listed them; default: listed on first use. */
  repositoryPaths?: readonly string[];
  /** Request reach computed elsewhere (over worker threads' shards), asked for on first use; default: computed from `files`' syntax trees on first use. */
  requestReach?: () => RequestReach;
  /**
   * A file's taint summaries, given how to compute them from its syntax tree: the scan takes them
   * from the cache or from a shard's tree. Default: computed from the file's `sourceFile` in `files`
   * (none without one).
   */
  taintSummaries?: (file: string, compute: (sf: ts.SourceFile) => TaintSummaries) => TaintSummaries;
  /** A file's `lifecycleExports`, given how to compute them from its syntax tree (as `taintSummaries`). */
  lifecycleExports?: (file: string, compute: (sf: ts.SourceFile) => Record<string, HandlerEffects>) => Record<string, HandlerEffects>;
}

/** A path with its symbolic links resolved, as far as it exists (a file that is missing: its directory's, and so on up). */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realPath(parent), basename(path));
  }
}

/** What module resolution needs besides the file list: the packages and their tsconfig path mappings (plain data). */
export interface ProjectShape {
  packageJson: PackageInfo | null;
  errors: Array<{ file: string; message: string }>;
  workspaces: Workspaces;
  rootMapping: PathMapping | null;
  packageMappings: Array<{ dir: string; mapping: PathMapping }>;
  localPackages: Array<{ name: string; dir: string; entries: string[] }>;
  /**
   * The tsconfig files the path mappings were read from (or would have been) outside the root or
   * under node_modules: files no cache of prodcheck's watches (../cache/inputs.ts), so a stored
   * shape with any is not taken again.
   */
  untracked: string[];
}

export function projectShape(input: Pick<FactsInput, 'root' | 'readDisk' | 'ignores' | 'workspaces'>): ProjectShape {
  const { root } = input;
  const errors: Array<{ file: string; message: string }> = [];
  const readDisk = input.readDisk ?? true;
  const pkg = readDisk ? readPackageJson(root) : { info: null, error: null };
  if (pkg.error) errors.push({ file: 'package.json', message: pkg.error });
  const packageJson = pkg.info;
  const workspaces: Workspaces = input.workspaces ?? (readDisk ? findWorkspaces(root, input.ignores) : { packages: [{ name: packageJson?.name ?? '(root)', dir: root, path: '', packageJson }], errors: [] });
  errors.push(...workspaces.errors);
  const localPackages = workspaces.packages.filter((p) => p.path !== '' && p.packageJson?.name).map((p) => ({ name: p.packageJson?.name ?? '', dir: p.dir, entries: packageEntries(p.packageJson?.raw ?? {}) }));
  // Judged where the file really is: a tsconfig reached through a symbolic link to a directory is
  // not where the cache's snapshot of the tree goes either (it does not follow links).
  const untracked = new Set<string>();
  const realRoot = realPath(root);
  const read = (file: string) => {
    const rel = relative(realRoot, realPath(file));
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) || rel.split(sep).includes('node_modules')) untracked.add(file);
  };
  const packageMappings = readDisk
    ? workspaces.packages.flatMap((p) => {
        const mapping = p.path === '' ? null : readPathMapping(p.dir, read);
        return mapping ? [{ dir: p.dir, mapping }] : [];
      })
    : [];
  const rootMapping = readDisk ? readPathMapping(root, read) : null;
  return { packageJson, errors, workspaces, rootMapping, packageMappings, localPackages, untracked: [...untracked].sort() };
}

/** The module resolver of a project of these files (absolute paths). */
export function createResolver(shape: ProjectShape, paths: Iterable<string>): ModuleResolver {
  return new ModuleResolver(new Set(paths), shape.rootMapping, shape.localPackages, shape.packageMappings);
}

export function buildProjectFacts(input: FactsInput): ProjectFacts {
  const { root } = input;
  const readDisk = input.readDisk ?? true;
  const shape = input.shape ?? projectShape(input);
  const errors = [...shape.errors];
  const { packageJson, workspaces } = shape;
  const unparsed = (input.unparsed ?? []).map((f) => f.path);
  const resolver = createResolver(shape, [...input.files.map((f) => f.path), ...unparsed]);

  const frontend = readDisk ? frontendPackageOf(root) : () => false;
  const rolesOf = (file: string, relPath: string, evidence: RoleEvidence) => fileRoles(relPath, { ...evidence, frontendPackage: frontend(file) });
  const modules = new Map<string, ModuleFacts>();
  const roles = new Map<string, Set<FileRole>>();
  const importedPackages = new Set<string>();
  const built: Array<{ path: string; relPath: string; module: ModuleFacts }> = [];
  for (const f of input.files) {
    const m = f.module ?? (f.sourceFile ? buildModuleFacts(f.path, f.sourceFile, (spec) => resolver.resolve(f.path, spec)) : null);
    if (m) built.push({ path: f.path, relPath: f.relPath, module: m });
  }
  // Test files enter the facts only when a file that is not a test imports them, directly or not
  // (a fixture or a helper that server code uses): no rule looks at a test, so a test's code is no
  // evidence about the service (a pipe or a timeout set up in a test setup file does not run in
  // production). The others are `unusedTests`; the scan does not even parse them (../scan.ts).
  const used = new Set<string>();
  const byPath = new Map(built.map((b) => [b.path, b]));
  const queue = built.filter((b) => !isTestPath(b.relPath)).map((b) => b.path);
  for (const p of queue) used.add(p);
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    for (const target of importTargets((byPath.get(file) as (typeof built)[number]).module)) {
      if (used.has(target) || !byPath.has(target)) continue;
      used.add(target);
      queue.push(target);
    }
  }
  const unusedTests: Array<{ path: string; relPath: string }> = [...(input.unparsed ?? [])];
  for (const b of built) {
    if (!used.has(b.path)) {
      unusedTests.push({ path: b.path, relPath: b.relPath });
      continue;
    }
    modules.set(b.path, b.module);
    roles.set(b.path, rolesOf(b.path, b.relPath, b.module.roleEvidence));
    for (const imp of b.module.imports) if (!imp.resolved) importedPackages.add(packageName(imp.specifier));
  }
  unusedTests.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // An unused test's roles come from its path alone.
  const NO_EVIDENCE: RoleEvidence = { shebang: false, browserSyntax: false, serverImports: false, readsArgv: false, listens: false };
  for (const f of unusedTests) roles.set(f.path, rolesOf(f.path, f.relPath, NO_EVIDENCE));

  const lookupExport = (file: string, name: string, seen = new Set<string>()): ResolvedExport | undefined => {
    const key = `${file}#${name}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    const m = modules.get(file);
    if (!m) return undefined;
    const own = m.exports.get(name);
    if (own) {
      if (own.alias) {
        const viaAlias = exportOfReferenceInner(own.alias, seen);
        if (viaAlias) return viaAlias;
      }
      return { file, name, info: own };
    }
    for (const r of m.reexports) {
      if (!r.from) continue;
      if (r.exported === name && r.imported !== '*') {
        const hit = lookupExport(r.from, r.imported, seen);
        if (hit) return hit;
      } else if (r.exported === '*' && name !== 'default') {
        const hit = lookupExport(r.from, name, seen);
        if (hit) return hit;
      }
    }
    return undefined;
  };

  const exportOfReferenceInner = (ref: Reference, seen: Set<string>): ResolvedExport | undefined => {
    if (ref.kind !== 'module' || !ref.resolved || ref.path.length === 0) return undefined;
    const [name] = ref.path;
    return name === undefined ? undefined : lookupExport(ref.resolved, name, seen);
  };
  // A lookup from the start (nothing seen yet) has one answer per export: remembered, since the
  // rules of every importing file ask again (through barrels of `export *`, each lookup is a search).
  const looked = new Map<string, ResolvedExport | undefined>();
  const lookupFromStart = (file: string, name: string): ResolvedExport | undefined => {
    const key = `${file}#${name}`;
    if (looked.has(key)) return looked.get(key);
    const hit = lookupExport(file, name);
    looked.set(key, hit);
    return hit;
  };

  let axiosDefaultTimeout = false;
  const defaultsTimeout = new Set<string>();
  for (const m of modules.values()) {
    for (const target of m.defaultsTimeout) {
      if (target.kind === 'module' && !target.resolved && target.module === 'axios' && target.path.length === 0) axiosDefaultTimeout = true;
      else if (target.kind === 'local' && target.path.length === 0) defaultsTimeout.add(`${m.path}#${target.name}`);
      else if (target.kind === 'module' && target.resolved && target.path.length === 1) {
        const hit = exportOfReferenceInner(target, new Set());
        if (hit) defaultsTimeout.add(`${hit.file}#export:${hit.name}`);
      }
    }
  }
  // An exported instance is the same object under its export name and its local name.
  for (const m of modules.values()) {
    for (const [name] of m.exports) {
      if (defaultsTimeout.has(`${m.path}#${name}`)) defaultsTimeout.add(`${m.path}#export:${name}`);
      if (defaultsTimeout.has(`${m.path}#export:${name}`)) defaultsTimeout.add(`${m.path}#${name}`);
    }
  }

  const entryPoints = [...modules.values()]
    .filter((m) => m.listens && !roles.get(m.path)?.has('test') && !roles.get(m.path)?.has('browser'))
    .map((m) => m.path)
    .sort();

  const deps = packageJson?.dependencies ?? {};
  let requestReach: RequestReach | undefined;
  let routesByPackage: Map<string, number> | undefined;
  const packageOf = readDisk ? packageDirOf(root) : () => root;
  const none: ReadonlySet<string> = new Set();
  let repositoryFiles: readonly RepositoryFile[] | undefined;
  let dockerfiles: ReadonlyArray<{ relPath: string; dockerfile: DockerfileModel }> | undefined;
  const summaries = new Map<string, TaintSummaries>();
  let trees: Map<string, ts.SourceFile | null> | undefined;
  const summariesOf = (file: string, m: ModuleFacts): TaintSummaries => {
    let s = summaries.get(file);
    if (!s) {
      // The file's specifiers resolve as they did for its module facts, which record each one (the
      // cache keeps the summaries with the resolutions they were computed with): one the facts pass
      // did not take for an import, it did not resolve, and it is no project file here either. The
      // summaries are made plain JSON, as the cache gives them back: no object in two places (a
      // trace step shared by two traces), which the recorded reads would check for.
      const compute = (sf: ts.SourceFile) => {
        const resolved = specifierResolutions(m);
        return JSON.parse(JSON.stringify(summariseFile(sf, (specifier) => resolved.get(specifier) ?? null))) as TaintSummaries;
      };
      if (input.taintSummaries) s = input.taintSummaries(file, compute);
      else {
        const sf = treeOf(file);
        s = sf ? compute(sf) : {};
      }
      summaries.set(file, s);
    }
    return s;
  };
  /** A file's syntax tree as `files` gave it (null without one). */
  const treeOf = (file: string): ts.SourceFile | null => {
    trees ??= new Map(input.files.map((f) => [f.path, f.sourceFile]));
    return trees.get(file) ?? null;
  };
  const lifecycleExports = new Map<string, Record<string, HandlerEffects>>();
  const facts: ProjectFacts = {
    root,
    packageJson,
    errors,
    modules,
    repositoryModules: modules,
    repositoryModulesWith(key) {
      let found = withEvidence.get(key);
      if (!found) {
        found = new Map([...modules].filter(([, m]) => holdsAnything(m.evidence[key])));
        withEvidence.set(key, found);
      }
      return found;
    },
    unusedTests: unusedTests.map((f) => f.path),
    entryPoints,
    repositoryEntryPoints: entryPoints,
    dependencyRange: (name) => deps[name],
    hasDependency: (name) => Object.hasOwn(deps, name),
    majorOf: majorsOf(deps),
    importsPackage: (name) => importedPackages.has(name),
    resolveImport: (fromFile, specifier) => resolver.resolve(fromFile, specifier),
    roles: (file) => roles.get(file) ?? new Set<FileRole>(['server']),
    rolesOf,
    lookupExport: lookupFromStart,
    exportOfReference: (ref) => {
      if (ref.kind !== 'module' || !ref.resolved) return undefined;
      const [name] = ref.path;
      return name === undefined ? undefined : lookupFromStart(ref.resolved, name);
    },
    lifecycleExports(file) {
      let known = lifecycleExports.get(file);
      if (!known) {
        const m = modules.get(file);
        // Specifiers resolve as the file's module facts record them (as for its taint summaries).
        const compute = (sf: ts.SourceFile) => {
          const resolved = m ? specifierResolutions(m) : new Map<string, string | null>();
          return lifecycleExportsOf(sf, (specifier) => resolved.get(specifier) ?? null);
        };
        if (!m) known = {};
        else if (input.lifecycleExports) known = input.lifecycleExports(file, compute);
        else {
          const sf = treeOf(file);
          known = sf ? compute(sf) : {};
        }
        lifecycleExports.set(file, known);
      }
      return known;
    },
    // A rule follows a summary down to each step of its traces: recorded as one answer, but for the
    // traces, whose steps (files and lines) a rule reads only to report a finding.
    taintSummary: readWhole((file: string, key: string, index: number) => {
      const m = modules.get(file);
      if (!m) return undefined;
      const s = summariesOf(file, m);
      const fn = Object.hasOwn(s, key) ? s[key] : undefined;
      return fn && Object.hasOwn(fn, index) ? fn[index] : undefined;
    }, ['trace']),
    axiosDefaultTimeout,
    hasDefaultsTimeout: (file, localName) => defaultsTimeout.has(`${file}#${localName}`),
    serverFiles: () => serverFilesOf(facts),
    requestReached(file) {
      requestReach ??= input.requestReach ? input.requestReach() : computeRequestReach(facts, input.files, facts.roles);
      return requestReach.reached.get(file) ?? none;
    },
    routeCount(file) {
      if (!routesByPackage) {
        requestReach ??= input.requestReach ? input.requestReach() : computeRequestReach(facts, input.files, facts.roles);
        routesByPackage = new Map();
        for (const [f, n] of requestReach.routeCounts) routesByPackage.set(packageOf(f), (routesByPackage.get(packageOf(f)) ?? 0) + n);
      }
      return routesByPackage.get(packageOf(file)) ?? 0;
    },
    routeHandlerExports(file) {
      requestReach ??= input.requestReach ? input.requestReach() : computeRequestReach(facts, input.files, facts.roles);
      return requestReach.routeHandlers.get(file) ?? none;
    },
    repositoryFiles: () => (repositoryFiles ??= readDisk ? readRepositoryFiles(root, input.ignores, input.repositoryPaths) : []),
    packages: workspaces.packages,
    packageOf(file) {
      // Every file of a directory is in the same package.
      const dir = dirname(file);
      let pkg = packageByDir.get(dir);
      if (!pkg) {
        pkg = packageOfFile(workspaces, file);
        packageByDir.set(dir, pkg);
      }
      return pkg;
    },
    packageView(pkg) {
      if (workspaces.packages.length === 1) return facts;
      let view = views.get(pkg);
      if (!view) {
        // Every package's modules, unused tests and entry points, grouped in one pass over the
        // repository's (in its order): a monorepo's views are asked for together.
        if (!byPackage) {
          const groups = new Map<WorkspacePackage, PackageFiles>();
          const own = (file: string) => {
            const owner = facts.packageOf(file);
            let group = groups.get(owner);
            if (!group) groups.set(owner, (group = { modules: new Map(), unusedTests: [], entryPoints: [] }));
            return group;
          };
          for (const [file, m] of facts.modules) own(file).modules.set(file, m);
          for (const file of facts.unusedTests) own(file).unusedTests.push(file);
          for (const file of facts.entryPoints) own(file).entryPoints.push(file);
          byPackage = groups;
        }
        view = packageFacts(facts, pkg, byPackage.get(pkg) ?? { modules: new Map(), unusedTests: [], entryPoints: [] }, deps);
        views.set(pkg, view);
      }
      return view;
    },
    dockerfiles: () =>
      (dockerfiles ??= facts
        .repositoryFiles()
        .filter((f) => f.kind === 'dockerfile' && f.text !== null)
        .map((f) => ({ relPath: f.relPath, dockerfile: parseDockerfile(f.text ?? '') }))),
  };
  const withEvidence = new Map<keyof ModuleEvidence, Map<string, ModuleFacts>>();
  const views = new Map<WorkspacePackage, ProjectFacts>();
  let byPackage: Map<WorkspacePackage, PackageFiles> | undefined;
  const packageByDir = new Map<string, WorkspacePackage>();
  return facts;
}

/** Evidence that holds anything: a value other than null, false, 0 or '', a non-empty list, Map or Set, an object with such a field. */
function holdsAnything(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  if (typeof value === 'object') return Object.values(value).some(holdsAnything);
  return true;
}

/** package.json fields that name a package's entry, most source-like first. */
function packageEntries(raw: Record<string, unknown>): string[] {
  const out: string[] = [];
  const exp = raw.exports;
  const dot = exp && typeof exp === 'object' && !Array.isArray(exp) ? ((exp as Record<string, unknown>)['.'] ?? exp) : exp;
  const pick = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (v && typeof v === 'object' && !Array.isArray(v)) for (const k of ['types', 'import', 'require', 'default', 'node']) pick((v as Record<string, unknown>)[k]);
  };
  pick(dot);
  for (const k of ['types', 'typings', 'module', 'main']) if (typeof raw[k] === 'string') out.push(raw[k] as string);
  return out;
}

/** `majorOf` over these dependencies, each range read once (a semver range's minimum is not free, and rules ask per file). */
function majorsOf(deps: Record<string, string>): (name: string) => number | null {
  const known = new Map<string, number | null>();
  return (name) => {
    let major = known.get(name);
    if (major === undefined) {
      major = minMajor(deps[name]);
      known.set(name, major);
    }
    return major;
  };
}

/** A package's part of the repository's files (see `ProjectFacts.packageView`). */
interface PackageFiles {
  modules: Map<string, ModuleFacts>;
  unusedTests: string[];
  entryPoints: string[];
}

/** One package's view of the repository's facts (see `ProjectFacts.packageView`). */
function packageFacts(facts: ProjectFacts, pkg: WorkspacePackage, { modules, unusedTests, entryPoints }: PackageFiles, rootDeps: Record<string, string>): ProjectFacts {
  const imported = new Set<string>();
  for (const m of modules.values()) for (const imp of m.imports) if (!imp.resolved) imported.add(packageName(imp.specifier));
  const deps = { ...rootDeps, ...(pkg.packageJson?.dependencies ?? {}) };
  const view: ProjectFacts = {
    ...facts,
    root: pkg.dir,
    packageJson: pkg.packageJson,
    modules,
    unusedTests,
    entryPoints,
    dependencyRange: (name) => deps[name],
    hasDependency: (name) => Object.hasOwn(deps, name),
    majorOf: majorsOf(deps),
    importsPackage: (name) => imported.has(name),
    serverFiles: () => serverFilesOf(view),
  };
  return view;
}

/** `@scope/pkg/sub` → `@scope/pkg`; `pkg/sub` → `pkg`; `node:fs` → `fs`. */
const FRONTEND_PACKAGES = ['react-dom', 'vue', 'svelte', '@angular/core', 'preact', 'solid-js'];
const SERVER_FRAMEWORKS = ['express', 'fastify', 'koa', '@nestjs/core', '@hapi/hapi', 'hono', 'next', 'restify'];

/**
 * Whether a file's nearest package.json (up to the root) is a front-end package: it depends on a UI
 * framework and on no server framework (a dashboard in a monorepo). Cached per directory.
 */
function frontendPackageOf(root: string): (file: string) => boolean {
  const byDir = new Map<string, boolean>();
  const lookup = (dir: string): boolean => {
    const cached = byDir.get(dir);
    if (cached !== undefined) return cached;
    const { info } = readPackageJson(dir);
    let result = false;
    if (info) {
      const deps = Object.keys(info.dependencies);
      result = deps.some((d) => FRONTEND_PACKAGES.includes(d)) && !deps.some((d) => SERVER_FRAMEWORKS.includes(d));
    } else if (dir !== root && dir.startsWith(root)) {
      result = lookup(dirname(dir));
    }
    byDir.set(dir, result);
    return result;
  };
  return (file) => lookup(dirname(file));
}

/** The directory of the nearest package.json at or above a file, within `root` (else `root`). Cached per directory. */
function packageDirOf(root: string): (file: string) => string {
  const byDir = new Map<string, string>();
  const lookup = (dir: string): string => {
    const cached = byDir.get(dir);
    if (cached !== undefined) return cached;
    const result = dir === root || !dir.startsWith(root) || existsSync(join(dir, 'package.json')) ? dir : lookup(dirname(dir));
    byDir.set(dir, result);
    return result;
  };
  return (file) => lookup(dirname(file));
}

export { packageName } from './package-json.js';
