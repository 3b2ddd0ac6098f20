// Request handling across files: which exported functions of each project module run while a
// request is handled elsewhere (`ordersRouter.post('/', createOrder)` with `createOrder` imported,
// a NestJS controller calling `this.ordersService.create`). Computed once per scan, on first use:
// the handlers of every file that can register them, then, module by module, the exports those
// handlers call and what those exports call in turn, until nothing new is reached.
import type { ts } from 'ts-morph';
import { buildHandlerModel, importedCallees, reachFrom, seededFunctions, type ImportedCallee } from '../core/handlers.js';
import { createHelpers, type Helpers } from '../core/helpers.js';
import type { FileRole } from '../core/types.js';
import { registersOnPassedReceiver } from './express-params.js';
import { packageName, type ProjectFacts } from './facts.js';

/** Packages whose import makes a file a place where handlers may be registered. */
const FRAMEWORK_PACKAGES = new Set(['express', 'fastify', 'fastify-plugin', 'koa', '@koa/router', 'koa-router', 'hono', 'http', 'https', 'http2', 'socket.io', '@nestjs/common', '@nestjs/graphql', '@nestjs/websockets', '@nestjs/microservices', 'routing-controllers']);

export interface RequestReach {
  /** Per file, its exports that request handling elsewhere reaches. */
  reached: Map<string, Set<string>>;
  /** Per file, how many routes it registers (see `HandlerModel.routes`). */
  routeCounts: Map<string, number>;
  /** Per file, its exports that other files register as a route's own handler. */
  routeHandlers: Map<string, Set<string>>;
}

/** What one file that may register handlers contributes before the fix-point: its routes and the imported functions its handlers call. */
export interface ReachSeeds {
  /** Imported functions registered as handlers (`route` set for a route's own handler). */
  handlers: ImportedCallee[];
  /** Imported functions the file's handlers call. */
  calls: ImportedCallee[];
  routes: number;
}

/** Whether a file may register request handlers: it imports a framework, or a module exporting an Express app or router. */
export function mayRegister(facts: ProjectFacts, file: string): boolean {
  const m = facts.modules.get(file);
  const usesFastify = facts.hasDependency('fastify') || facts.importsPackage('fastify');
  return usesFastify || (m?.imports.some((i) => !i.resolved && FRAMEWORK_PACKAGES.has(packageName(i.specifier))) ?? false) || (m?.imports.some((i) => i.resolved && importsExpressReceiver(facts, i.resolved)) ?? false) || registersOnPassedReceiver(facts, file);
}

/** The per-file work of request reach, over syntax trees this process holds (a worker thread holds its shard's). */
export class ReachWalker {
  private readonly helpersOf = new Map<string, Helpers>();
  /**
   * `resolutions`: a file's own specifiers as its module facts resolved them, taken without asking
   * `facts` (which may record what is asked: the scan walks a file again when its module facts are
   * built again), as `FileInfo.resolutions` for the file rules.
   */
  constructor(
    private readonly facts: ProjectFacts,
    private readonly resolutions?: (file: string) => ReadonlyMap<string, string | null> | undefined,
  ) {}

  private helpers(file: string): Helpers {
    let h = this.helpersOf.get(file);
    if (!h) {
      h = createHelpers(file, this.facts, this.resolutions?.(file));
      this.helpersOf.set(file, h);
    }
    return h;
  }

  /** A registering file's handlers: the imported functions they call (route handlers marked) and its route count. */
  seeds(file: string, sf: ts.SourceFile): ReachSeeds {
    const h = this.helpers(file);
    const model = buildHandlerModel(sf, h, this.facts, new Set());
    const calls: ImportedCallee[] = [];
    for (const fn of model.reached) calls.push(...importedCallees(fn, h, this.facts));
    return { handlers: [...model.importedHandlers], calls, routes: model.routes.length };
  }

  /** One round for one file: the imported functions that its exports `keys` call, directly or through its own functions. */
  step(file: string, sf: ts.SourceFile, keys: ReadonlySet<string>): ImportedCallee[] {
    const h = this.helpers(file);
    const out: ImportedCallee[] = [];
    for (const fn of reachFrom(seededFunctions(sf, keys, h), h)) out.push(...importedCallees(fn, h, this.facts));
    return out;
  }
}

/**
 * The fix-point's bookkeeping: what is reached, what is pending for the next round. Fed in file
 * order (the seeds) and in pending order (each round), it gives the same sets, in the same order,
 * whoever did the per-file work.
 */
export class ReachMerge {
  readonly reach: RequestReach = { reached: new Map(), routeCounts: new Map(), routeHandlers: new Map() };
  private pending = new Map<string, Set<string>>();
  /** `sources`: the files whose syntax trees take part (parsed, not tests). */
  constructor(private readonly sources: ReadonlySet<string>) {}

  seed(file: string, seeds: ReachSeeds): void {
    this.record(seeds.handlers);
    if (seeds.routes > 0) this.reach.routeCounts.set(file, seeds.routes);
    for (const { file: target, key, route } of seeds.handlers) {
      if (route) this.reach.routeHandlers.set(target, (this.reach.routeHandlers.get(target) ?? new Set()).add(key));
    }
    this.record(seeds.calls);
  }

  record(calls: readonly ImportedCallee[]): void {
    const { reached } = this.reach;
    for (const { file, key } of calls) {
      if (!this.sources.has(file)) continue;
      const known = reached.get(file) ?? new Set<string>();
      if (known.has(key)) continue;
      known.add(key);
      reached.set(file, known);
      const todo = this.pending.get(file) ?? new Set<string>();
      todo.add(key);
      this.pending.set(file, todo);
    }
  }

  /** The next round's work (files and the exports newly reached in them), in the order they were reached; empty when done. */
  takePending(): Array<[string, Set<string>]> {
    const batch = [...this.pending];
    this.pending = new Map();
    return batch;
  }
}

/** Rounds of the fix-point after the seeds (a bound: deeper call chains are rare and costly). */
export const REACH_ROUNDS = 8;

export function computeRequestReach(
  facts: ProjectFacts,
  files: ReadonlyArray<{ path: string; sourceFile: ts.SourceFile | null }>,
  roles: (file: string) => ReadonlySet<FileRole>,
): RequestReach {
  const sources = new Map<string, ts.SourceFile>();
  for (const f of files) if (f.sourceFile && !roles(f.path).has('test')) sources.set(f.path, f.sourceFile);
  const walker = new ReachWalker(facts);
  const merge = new ReachMerge(new Set(sources.keys()));
  for (const [file, sf] of sources) if (mayRegister(facts, file)) merge.seed(file, walker.seeds(file, sf));
  // Follow the reached exports into their modules, a bounded number of rounds.
  for (let round = 0; round < REACH_ROUNDS; round++) {
    const batch = merge.takePending();
    if (batch.length === 0) break;
    for (const [file, keys] of batch) {
      const sf = sources.get(file);
      if (sf) merge.record(walker.step(file, sf, keys));
    }
  }
  return merge.reach;
}

function importsExpressReceiver(facts: ProjectFacts, file: string): boolean {
  const m = facts.modules.get(file);
  if (!m) return false;
  for (const info of m.exports.values()) if (info.expressReceiver) return true;
  return false;
}
