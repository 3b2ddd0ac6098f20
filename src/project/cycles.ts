// Import cycles of the project's own modules: the strongly connected components of the graph of
// imports that run when a module loads. Type-only imports (erased by TypeScript), `import()` and
// `require` inside functions (the usual way to break a cycle: they run after both modules have
// loaded) are not edges. Tarjan's algorithm, iterative, so a 5,000-module chain cannot overflow
// the stack.
//
// A component is a cycle only if one of its imports reads the imported module's bindings while
// loading (./load-time.ts): in a tangle of entities whose only references to each other are
// thunks (`@ManyToOne(() => User)`), no module can see another half-initialised, in any load order.
// One import that reads at load makes its whole component a cycle: A reads B at load and B imports
// A lazily breaks when B is loaded first. Decorator metadata reads count when the tsconfig that
// governs the file emits it (or cannot be read).
import { existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import type { ProjectFacts } from './facts.js';
import type { ImportRecord } from './modules.js';
import { memoOn } from './memo.js';
import { readTsconfig, rootTsconfigs, type Tsconfig } from './tsconfig.js';

export interface ImportCycle {
  /** The component's modules, sorted by path (absolute). */
  members: string[];
  /** The shortest cycle through the first member with an import that reads at load, starting with that import: `[a, b, a]`. */
  chain: string[];
  /** The import in `chain[0]` that starts the chain (one that reads at load). */
  first: ImportRecord;
}

/** An import that runs when its module loads and names another project module. */
export function isLoadTimeImport(imp: ImportRecord): imp is ImportRecord & { resolved: string } {
  return imp.resolved !== null && !imp.typeOnly && !imp.lazy && imp.kind !== 'dynamic';
}

/** Whether the compiler emits decorator metadata for a file, and with which null checks. */
interface DecoratorMetadata {
  emits: boolean;
  strictNullChecks: boolean;
}

/** Can't tell (no tsconfig, an `extends` that cannot be read, SWC's own config): assume metadata, without null checks. */
const UNKNOWN_METADATA: DecoratorMetadata = { emits: true, strictNullChecks: false };

/**
 * The decorator metadata settings of each file: from the nearest `tsconfig.json` above it, inside its
 * package (`emitDecoratorMetadata`, `strictNullChecks` or `strict`), when that config's `include` or
 * `files` covers the file; a solution config's projects together (emits if any emits, null checks if
 * all check). Unknown when no such config covers the file: a root config that includes only `web/`
 * does not say how `server/` is compiled.
 */
function decoratorMetadataOf(facts: ProjectFacts): (file: string) => DecoratorMetadata {
  let solutions: Map<string, DecoratorMetadata> | undefined;
  let packageDirs: Set<string> | undefined;
  const configs = new Map<string, { metadata: DecoratorMetadata; covers: (file: string) => boolean } | null>();
  const configIn = (dir: string) => {
    if (!configs.has(dir)) {
      const path = join(dir, 'tsconfig.json');
      const config = existsSync(path) ? readTsconfig(path, facts.root) : null;
      configs.set(dir, config && { metadata: config.solution ? UNKNOWN_METADATA : settingsOf(config, dir), covers: config.solution ? () => true : coverage(config) });
    }
    return configs.get(dir);
  };
  return (file) => {
    packageDirs ??= new Set(facts.packages.map((p) => p.dir));
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'tsconfig.json'))) {
        const found = configIn(dir);
        if (!found || !found.covers(file)) return UNKNOWN_METADATA;
        if (found.metadata !== UNKNOWN_METADATA) return found.metadata;
        // A solution config: the projects it references in this directory.
        solutions ??= solutionMetadata(facts);
        return solutions.get(dir) ?? UNKNOWN_METADATA;
      }
      // A workspace package without a tsconfig of its own: how it is compiled is unknown.
      if (packageDirs.has(dir) || dir === facts.root || dirname(dir) === dir || !dir.startsWith(facts.root + sep)) return UNKNOWN_METADATA;
    }
  };
}

function settingsOf(config: Tsconfig, dir: string): DecoratorMetadata {
  const options = config.compilerOptions;
  const unsure = config.unresolved.length > 0 || existsSync(join(dir, '.swcrc'));
  return {
    emits: options.emitDecoratorMetadata === true || (unsure && options.emitDecoratorMetadata !== false),
    strictNullChecks: (options.strictNullChecks ?? options.strict) === true,
  };
}

/** The root configs that a solution config references, by directory. */
function solutionMetadata(facts: ProjectFacts): Map<string, DecoratorMetadata> {
  const byDir = new Map<string, DecoratorMetadata>();
  for (const { path, config } of rootTsconfigs(facts)) {
    const dir = dirname(path);
    const own = settingsOf(config, dir);
    const known = byDir.get(dir);
    byDir.set(dir, known ? { emits: known.emits || own.emits, strictNullChecks: known.strictNullChecks && own.strictNullChecks } : own);
  }
  return byDir;
}

/**
 * Whether a file is in a config's `include` or `files` (the config's own, else the nearest base's,
 * relative to the config that has them, `${configDir}` the config's own directory; neither: everything
 * under the config). `exclude` is not read.
 */
function coverage(config: Tsconfig): (file: string) => boolean {
  const holder = config.chain.find((c) => Array.isArray(c.json.include) || Array.isArray(c.json.files));
  if (!holder) {
    const dir = dirname(config.chain[0]!.path);
    return (file) => file.startsWith(dir + sep);
  }
  const dir = dirname(holder.path);
  // `${configDir}` (TypeScript 5.5) is the directory of the config in use, not of the base that says it.
  const configDir = dirname(config.chain[0]!.path);
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').map((x) => x.replaceAll('${configDir}', configDir)) : []);
  const files = new Set(strings(holder.json.files).map((f) => resolve(dir, f)));
  const patterns = strings(holder.json.include).map((pattern) => includePattern(resolve(dir, pattern)));
  return (file) => files.has(file) || patterns.some((p) => p.test(file));
}

/** TypeScript's include glob (`*`, `?`, `**`; a last segment without a wildcard or extension is a directory) as a regular expression. */
function includePattern(absolute: string): RegExp {
  const segments = absolute.split(sep);
  const last = segments[segments.length - 1]!;
  if (last === '**') segments.push('*');
  else if (!/[*?.]/.test(last)) segments.push('**', '*');
  const escape = (segment: string) => segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  const source = segments.map((segment, i) => (segment === '**' ? '(?:[^/]+/)*' : escape(segment) + (i < segments.length - 1 ? '/' : ''))).join('');
  return new RegExp(`^${source}$`);
}

/** Whether `imp` (of a module whose decorator metadata settings `metadata` gives) reads the imported module's bindings while loading. */
function readsAtLoad(imp: ImportRecord, metadata: () => DecoratorMetadata): boolean {
  switch (imp.loadTimeReads) {
    case 'none':
      return false;
    case 'nullable-metadata':
      return metadata().emits && !metadata().strictNullChecks;
    case 'metadata':
      return metadata().emits;
    default:
      return true;
  }
}

const cache = new WeakMap<object, Map<string, { cycles: ImportCycle[]; modules: number }>>();

/**
 * The cycles among the project's server-side modules (tests, browser code and declaration files
 * left out), one per
 * component, in path order of their first module; and how many modules take part in the
 * load-time graph at all.
 */
export function importCycles(facts: ProjectFacts): { cycles: ImportCycle[]; modules: number } {
  return memoOn(cache, facts, 'importCycles', () => computeCycles(facts));
}

function computeCycles(facts: ProjectFacts): { cycles: ImportCycle[]; modules: number } {
  const nodes = [...facts.modules.keys()].filter((f) => !facts.roles(f).has('test') && !facts.roles(f).has('browser') && !/\.d\.[cm]?ts$/.test(f)).sort();
  const index = new Map(nodes.map((n, i) => [n, i]));
  const edges: number[][] = nodes.map(() => []);
  /** Of each module's edges, those with an import that reads at load. */
  const readEdges: Array<Set<number>> = nodes.map(() => new Set());
  const inGraph = new Set<number>();
  const metadataOf = decoratorMetadataOf(facts);
  nodes.forEach((file, from) => {
    const metadata = () => metadataOf(file);
    for (const imp of facts.modules.get(file)?.imports ?? []) {
      const to = isLoadTimeImport(imp) ? index.get(imp.resolved) : undefined;
      if (to === undefined) continue;
      if (!edges[from]!.includes(to)) edges[from]!.push(to);
      if (readsAtLoad(imp, metadata)) readEdges[from]!.add(to);
      inGraph.add(from).add(to);
    }
  });

  const cycles: ImportCycle[] = [];
  for (const component of stronglyConnected(edges)) {
    const members = new Set(component);
    // Only imports that read at load can see a half-initialised module: a component without one is safe.
    const start = Math.min(...component.filter((v) => [...readEdges[v]!].some((w) => members.has(w))));
    if (!Number.isFinite(start)) continue;
    if (component.length === 1 && !edges[start]!.includes(start)) continue;
    const chain = shortestCycle(start, members, edges, readEdges[start]!).map((i) => nodes[i]!);
    const next = chain[1]!;
    const from = chain[0]!;
    const metadata = () => metadataOf(from);
    const first = facts.modules.get(from)!.imports.find((imp) => isLoadTimeImport(imp) && imp.resolved === next && readsAtLoad(imp, metadata))!;
    cycles.push({ members: component.map((i) => nodes[i]!).sort(), chain, first });
  }
  cycles.sort((a, b) => (a.chain[0]! < b.chain[0]! ? -1 : 1));
  return { cycles, modules: inGraph.size };
}

/** Tarjan's strongly connected components, with an explicit stack instead of recursion. */
export function stronglyConnected(edges: readonly (readonly number[])[]): number[][] {
  const n = edges.length;
  const order = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    // Each frame: a node and the position of the next edge to follow.
    const frames: Array<[node: number, edge: number]> = [[root, 0]];
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const [v, e] = frame;
      const out = edges[v]!;
      if (e < out.length) {
        frame[1] = e + 1;
        const w = out[e]!;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = true;
          frames.push([w, 0]);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v]!, order[w]!);
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low[parent[0]] = Math.min(low[parent[0]]!, low[v]!);
      if (low[v] === order[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          component.push(w);
        } while (w !== v);
        components.push(component);
      }
    }
  }
  return components;
}

/** Breadth-first from `start` inside `within`, leaving `start` by one of the edges `firstHops`, back to `start`: `[start, …, start]`. */
function shortestCycle(start: number, within: ReadonlySet<number>, edges: readonly (readonly number[])[], firstHops: ReadonlySet<number>): number[] {
  const previous = new Map<number, number>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const w of edges[v]!) {
      if (!within.has(w) || (v === start && !firstHops.has(w))) continue;
      if (w === start) {
        const path = [start];
        for (let x = v; x !== start; x = previous.get(x)!) path.push(x);
        path.push(start);
        return [start, ...path.slice(1, -1).reverse(), start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}
