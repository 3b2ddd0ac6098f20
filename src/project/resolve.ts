// Resolution of import specifiers to the project's own files: relative paths, extensions, index
// files, TypeScript's `.js` → `.ts` mapping, tsconfig `paths`/`baseUrl`, and the packages of the
// repository's workspaces by name (their sources, since their build output is not scanned). Only files the scan
// discovered can be targets, so resolution never touches the disk.
import { dirname, join, resolve as resolvePath } from 'node:path';
import { packageName } from './facts.js';
import type { PathMapping } from './tsconfig-paths.js';

/** A workspace package other packages import by name. */
export interface LocalPackage {
  name: string;
  dir: string;
  /** package.json entry fields in order of preference (`exports['.']`, `types`, `module`, `main`). */
  entries: string[];
}

const TRY_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const JS_TO_TS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

export function isRelativeSpecifier(specifier: string): boolean {
  return specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/');
}

export class ModuleResolver {
  private readonly relativeCache = new Map<string, Map<string, string | null>>();
  /**
   * By the path mapping a bare specifier goes through (the object itself: two packages' mappings may
   * share a base directory, the root's `paths` they extend, and differ in their baseUrl).
   */
  private readonly bareCache = new Map<PathMapping | null, Map<string, string | null>>();
  private lastFile = '';
  private lastDir = '';

  private readonly localPackages: ReadonlyMap<string, LocalPackage>;

  /**
   * `mapping` is the root's tsconfig paths; `packageMappings` those of workspace packages (by
   * directory), which apply to the files of that package instead.
   */
  constructor(
    private readonly files: ReadonlySet<string>,
    private readonly mapping: PathMapping | null,
    localPackages: readonly LocalPackage[] = [],
    private readonly packageMappings: ReadonlyArray<{ dir: string; mapping: PathMapping }> = [],
  ) {
    this.localPackages = new Map(localPackages.map((p) => [p.name, p]));
  }

  private readonly mappingByDir = new Map<string, PathMapping | null>();

  /** The tsconfig paths that apply to a file: its workspace package's, else the root's (the same for a directory's files). */
  private mappingFor(fromFile: string, dir: string): PathMapping | null {
    let found = this.mappingByDir.get(dir);
    if (found === undefined) {
      let best: { dir: string; mapping: PathMapping } | undefined;
      for (const m of this.packageMappings) if (fromFile.startsWith(`${m.dir}/`) && (!best || m.dir.length > best.dir.length)) best = m;
      found = best?.mapping ?? this.mapping;
      this.mappingByDir.set(dir, found);
    }
    return found;
  }

  /** The absolute path of the project file `specifier` names from `fromFile`, or null (a package, or not found). */
  resolve(fromFile: string, specifier: string): string | null {
    // A file asks about each of its specifiers in turn: its directory is computed once.
    if (fromFile !== this.lastFile) {
      this.lastFile = fromFile;
      this.lastDir = dirname(fromFile);
    }
    const dir = this.lastDir;
    const relative = isRelativeSpecifier(specifier);
    const mapping = relative ? null : this.mappingFor(fromFile, dir);
    // Cached by the directory a relative specifier starts from, or by the path mapping a bare one goes through.
    let bySpecifier = relative ? this.relativeCache.get(dir) : this.bareCache.get(mapping);
    if (!bySpecifier) {
      bySpecifier = new Map();
      if (relative) this.relativeCache.set(dir, bySpecifier);
      else this.bareCache.set(mapping, bySpecifier);
    }
    let hit = bySpecifier.get(specifier);
    if (hit === undefined) {
      hit = relative ? this.probe(resolvePath(dir, specifier)) : this.compute(specifier, mapping);
      bySpecifier.set(specifier, hit);
    }
    return hit;
  }

  /** A bare specifier: a workspace package, else the tsconfig paths and baseUrl. */
  private compute(specifier: string, mapping: PathMapping | null): string | null {
    const local = this.localPackage(specifier);
    if (local) return local;
    if (!mapping) return null;
    for (const { pattern, targets } of mapping.paths) {
      const star = pattern.indexOf('*');
      let captured: string | null = null;
      if (star === -1) {
        if (pattern === specifier) captured = '';
      } else {
        const prefix = pattern.slice(0, star);
        const suffix = pattern.slice(star + 1);
        if (specifier.startsWith(prefix) && specifier.endsWith(suffix) && specifier.length >= prefix.length + suffix.length) {
          captured = specifier.slice(prefix.length, specifier.length - suffix.length);
        }
      }
      if (captured === null) continue;
      for (const target of targets) {
        const found = this.probe(resolvePath(mapping.baseDir, target.replace('*', captured)));
        if (found) return found;
      }
    }
    if (mapping.baseUrl) return this.probe(join(mapping.baseUrl, specifier));
    return null;
  }

  /** `@acme/shared` or `@acme/shared/money` of a workspace package: its entry, else its `src/`. */
  private localPackage(specifier: string): string | null {
    const name = packageName(specifier);
    const pkg = this.localPackages.get(name);
    if (!pkg) return null;
    const sub = specifier.slice(name.length + 1);
    if (sub) return this.probe(join(pkg.dir, sub)) ?? this.probe(join(pkg.dir, 'src', sub));
    for (const entry of pkg.entries) {
      const target = join(pkg.dir, entry);
      // dist/index.js is not scanned: try the same path under src/ too (dist/x.js → src/x.ts)
      const found = this.probe(target) ?? this.probe(target.replace(/\/(dist|build|lib|out)\//, '/src/').replace(/\.d\.ts$/, '.ts'));
      if (found) return found;
    }
    return this.probe(join(pkg.dir, 'src', 'index')) ?? this.probe(join(pkg.dir, 'index'));
  }

  private probe(base: string): string | null {
    if (this.files.has(base)) return base;
    const dot = base.lastIndexOf('.');
    const ext = dot > base.lastIndexOf('/') ? base.slice(dot) : '';
    for (const alt of JS_TO_TS[ext] ?? []) {
      const candidate = base.slice(0, dot) + alt;
      if (this.files.has(candidate)) return candidate;
    }
    for (const e of TRY_EXTENSIONS) if (this.files.has(base + e)) return base + e;
    // join(base, `index${e}`) for each extension, joined once.
    const index = join(base, 'index');
    for (const e of TRY_EXTENSIONS) if (this.files.has(index + e)) return index + e;
    return null;
  }
}
