// The project's import graph as seen from its server entry points: which files a running server
// loads. Rules use it to tell server code from dedicated worker or script entry points, and to
// find set-up code (process handlers, shutdown hooks) that an entry point imports.
import type { ProjectFacts } from './facts.js';
import { memoOn } from './memo.js';
import type { ModuleFacts } from './modules.js';

const closures = new WeakMap<object, Map<string, ReadonlySet<string>>>();

/** Files reachable from `entry` through value imports (type-only imports excluded), `entry` included. */
export function importClosure(facts: ProjectFacts, entry: string): ReadonlySet<string> {
  return memoOn(closures, facts, `importClosure:${entry}`, () => closureOf(facts, entry));
}

function closureOf(facts: ProjectFacts, entry: string): ReadonlySet<string> {
  return closureFrom(facts, [entry]);
}

function closureFrom(facts: ProjectFacts, starts: readonly string[]): ReadonlySet<string> {
  const seen = new Set<string>(starts);
  const queue = [...starts];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    for (const imp of facts.repositoryModules.get(file)?.imports ?? []) {
      if (imp.resolved && !imp.typeOnly && !seen.has(imp.resolved)) {
        seen.add(imp.resolved);
        queue.push(imp.resolved);
      }
    }
  }
  return seen;
}

/** Files loaded by at least one server entry point (empty when the project has none). */
export function serverFiles(facts: ProjectFacts): ReadonlySet<string> {
  return memoOn(closures, facts, 'serverFiles', () => {
    const all = new Set<string>();
    for (const entry of facts.entryPoints) for (const f of importClosure(facts, entry)) all.add(f);
    return all;
  });
}

/**
 * Files a process started through `entry` loads: its import closure, plus the closures of the
 * (non-test) files that import it, directly or not. `src/index.ts` often installs process handlers
 * and then imports `src/server.ts`, the file that calls `.listen`.
 */
export function processFiles(facts: ProjectFacts, entry: string): ReadonlySet<string> {
  return memoOn(closures, facts, `processFiles:${entry}`, () => {
    const roots = withImporters(entry, importersOf(facts));
    // The union of the roots' closures, in one walk (a server file in a large import cycle has
    // hundreds of importers, whose closures are mostly the same files).
    return closureFrom(facts, [...roots]);
  });
}

const importersCache = new WeakMap<object, Map<string, ReadonlyMap<string, readonly string[]>>>();

/** For each project file, the non-test files that import it (value imports). */
function importersOf(facts: ProjectFacts): ReadonlyMap<string, readonly string[]> {
  return importersIn(facts, facts.modules);
}

/** For each file, the non-test files of `modules` that value-import it (remembered per map: a package's, or the repository's). */
export function importersIn(facts: Pick<ProjectFacts, 'roles'>, modules: ReadonlyMap<string, ModuleFacts>): ReadonlyMap<string, readonly string[]> {
  return memoOn(importersCache, modules, 'importers', () => {
    const importers = new Map<string, string[]>();
    for (const m of modules.values()) {
      if (facts.roles(m.path).has('test')) continue;
      for (const imp of m.imports) {
        if (!imp.resolved || imp.typeOnly) continue;
        const list = importers.get(imp.resolved);
        if (list) list.push(m.path);
        else importers.set(imp.resolved, [m.path]);
      }
    }
    return importers;
  });
}

/** `entry` and the files that import it, directly or not (`src/index.ts` imports `src/server.ts`, which listens). */
export function withImporters(entry: string, importers: ReadonlyMap<string, readonly string[]>): Set<string> {
  const roots = new Set<string>([entry]);
  for (const root of roots) for (const by of importers.get(root) ?? []) roots.add(by);
  return roots;
}
