// Import cycles of the project's own modules: the strongly connected components of the graph of
// imports that run when a module loads. Type-only imports (erased by TypeScript), `import()` and
// `require` inside functions (the usual way to break a cycle: they run after both modules have
// loaded) are not edges. Tarjan's algorithm, iterative, so a 5,000-module chain cannot overflow
// the stack.
import type { ProjectFacts } from './facts.js';
import type { ImportRecord } from './modules.js';
import { memoOn } from './memo.js';

export interface ImportCycle {
  /** The component's modules, sorted by path (absolute). */
  members: string[];
  /** The shortest cycle through the first member: `[a, b, a]`. */
  chain: string[];
  /** The import in `chain[0]` that starts the chain. */
  first: ImportRecord;
}

/** An import that runs when its module loads and names another project module. */
export function isLoadTimeImport(imp: ImportRecord): imp is ImportRecord & { resolved: string } {
  return imp.resolved !== null && !imp.typeOnly && !imp.lazy && imp.kind !== 'dynamic';
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
  const inGraph = new Set<number>();
  nodes.forEach((file, from) => {
    for (const imp of facts.modules.get(file)?.imports ?? []) {
      const to = isLoadTimeImport(imp) ? index.get(imp.resolved) : undefined;
      if (to === undefined) continue;
      if (!edges[from]!.includes(to)) edges[from]!.push(to);
      inGraph.add(from).add(to);
    }
  });

  const cycles: ImportCycle[] = [];
  for (const component of stronglyConnected(edges)) {
    const start = Math.min(...component);
    if (component.length === 1 && !edges[start]!.includes(start)) continue;
    const chain = shortestCycle(start, new Set(component), edges).map((i) => nodes[i]!);
    const next = chain[1]!;
    const first = facts.modules.get(chain[0]!)!.imports.find((imp) => isLoadTimeImport(imp) && imp.resolved === next)!;
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

/** Breadth-first from `start` inside `within`, back to `start`: `[start, …, start]`. */
function shortestCycle(start: number, within: ReadonlySet<number>, edges: readonly (readonly number[])[]): number[] {
  const previous = new Map<number, number>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const w of edges[v]!) {
      if (!within.has(w)) continue;
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
