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

export function computeRequestReach(
  facts: ProjectFacts,
  files: ReadonlyArray<{ path: string; sourceFile: ts.SourceFile | null }>,
  roles: (file: string) => ReadonlySet<FileRole>,
): RequestReach {
  const reached = new Map<string, Set<string>>();
  const routeCounts = new Map<string, number>();
  const routeHandlers = new Map<string, Set<string>>();
  const sources = new Map<string, ts.SourceFile>();
  for (const f of files) if (f.sourceFile && !roles(f.path).has('test')) sources.set(f.path, f.sourceFile);
  const helpersOf = new Map<string, Helpers>();
  const helpers = (file: string) => {
    let h = helpersOf.get(file);
    if (!h) {
      h = createHelpers(file, facts);
      helpersOf.set(file, h);
    }
    return h;
  };
  const pending = new Map<string, Set<string>>();
  const record = (calls: readonly ImportedCallee[]) => {
    for (const { file, key } of calls) {
      if (!sources.has(file)) continue;
      const known = reached.get(file) ?? new Set<string>();
      if (known.has(key)) continue;
      known.add(key);
      reached.set(file, known);
      const todo = pending.get(file) ?? new Set<string>();
      todo.add(key);
      pending.set(file, todo);
    }
  };

  const usesFastify = facts.hasDependency('fastify') || facts.importsPackage('fastify');
  for (const [file, sf] of sources) {
    const m = facts.modules.get(file);
    const registers = usesFastify || (m?.imports.some((i) => !i.resolved && FRAMEWORK_PACKAGES.has(packageName(i.specifier))) ?? false) || (m?.imports.some((i) => i.resolved && importsExpressReceiver(facts, i.resolved)) ?? false) || registersOnPassedReceiver(facts, file);
    if (!registers) continue;
    const h = helpers(file);
    const model = buildHandlerModel(sf, h, facts, new Set());
    record(model.importedHandlers);
    if (model.routes.length > 0) routeCounts.set(file, model.routes.length);
    for (const { file: target, key, route } of model.importedHandlers) {
      if (route) routeHandlers.set(target, (routeHandlers.get(target) ?? new Set()).add(key));
    }
    for (const fn of model.reached) record(importedCallees(fn, h, facts));
  }
  // Follow the reached exports into their modules, a bounded number of rounds.
  for (let round = 0; round < 8 && pending.size > 0; round++) {
    const batch = [...pending];
    pending.clear();
    for (const [file, keys] of batch) {
      const sf = sources.get(file);
      if (!sf) continue;
      const h = helpers(file);
      for (const fn of reachFrom(seededFunctions(sf, keys, h), h)) record(importedCallees(fn, h, facts));
    }
  }
  return { reached, routeCounts, routeHandlers };
}

function importsExpressReceiver(facts: ProjectFacts, file: string): boolean {
  const m = facts.modules.get(file);
  if (!m) return false;
  for (const info of m.exports.values()) if (info.expressReceiver) return true;
  return false;
}
