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
import { dirname, join, sep } from 'node:path';
import type { ProjectFacts } from './facts.js';
import type { ImportRecord } from './modules.js';
import { memoOn } from './memo.js';
import { rootTsconfigs } from './tsconfig.js';

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
 * The decorator metadata settings of each file: from the tsconfig of its package (`emitDecoratorMetadata`,
 * `strictNullChecks` or `strict`; a solution config's projects together: emits if any emits, null
 * checks if all check), unknown when its package has none.
 */
function decoratorMetadataOf(facts: ProjectFacts): (file: string) => DecoratorMetadata {
  let byDir: Map<string, DecoratorMetadata> | undefined;
  let packageDirs: Set<string> | undefined;
  return (file) => {
    byDir ??= metadataByDirectory(facts);
    packageDirs ??= new Set(facts.packages.map((p) => p.dir));
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      const found = byDir.get(dir);
      if (found) return found;
      // A workspace package without a tsconfig of its own: how it is compiled is unknown.
      if (packageDirs.has(dir) || dir === facts.root || dirname(dir) === dir || !dir.startsWith(facts.root + sep)) return UNKNOWN_METADATA;
    }
  };
}

function metadataByDirectory(facts: ProjectFacts): Map<string, DecoratorMetadata> {
  const byDir = new Map<string, DecoratorMetadata>();
  for (const { path, config } of rootTsconfigs(facts)) {
    const dir = dirname(path);
    const options = config.compilerOptions;
    const unsure = config.unresolved.length > 0 || existsSync(join(dir, '.swcrc'));
    const own: DecoratorMetadata = {
      emits: options.emitDecoratorMetadata === true || (unsure && options.emitDecoratorMetadata !== false),
      strictNullChecks: (options.strictNullChecks ?? options.strict) === true,
    };
    const known = byDir.get(dir);
    byDir.set(dir, known ? { emits: known.emits || own.emits, strictNullChecks: known.strictNullChecks && own.strictNullChecks } : own);
  }
  return byDir;
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
