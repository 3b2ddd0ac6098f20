// The request-handler model: which functions of a file run while a request (or a socket event) is
// being handled. Rules that ask "is this inside request handling?" (blocking calls, writes to
// module state, local file writes, input validation) all ask here.
//
// A handler is recognised by how it is registered, on a receiver recognised by where it comes
// from, never by a parameter named `req`:
// - Express 4/5: app and Router registrations (see ./express.ts), middleware arrays, wrappers;
// - Fastify: `fastify.get(path, [opts], h)`, `route({ handler })`, request hooks, in plugins;
// - Koa: `router.get(…)` of @koa/router or koa-router, `app.use(…)` of a Koa app;
// - NestJS: methods of `@Controller()` classes with a route decorator, gateway and message handlers;
//   routing-controllers: methods of `@JsonController()`/`@Controller()` classes with a route decorator;
// - Hono: `app.get(…)`, `app.use(…)`, `app.on(…)`;
// - node:http/https/http2 `createServer(handler)` and `server.on('request', handler)`;
// - socket.io: `io.on('connection', handler)` (its nested `socket.on` callbacks are inside it).
// Request handling also covers the functions a handler calls in the same file (followed through
// calls, `this.method()` and local object methods), and functions of this file that handlers in
// other files reach (`ProjectFacts.requestReached`, computed by ../project/request-reach.ts).
import { ts } from './typescript.js';
import type { ProjectFacts } from '../project/facts.js';
import { EXPRESS_ROUTE_METHODS, expressRegistration } from './express.js';
import type { Helpers } from './helpers.js';
import { nodeOrder } from './parse.js';
import { isFunctionNode, memberFunction, type FunctionNode } from './promises.js';
import { memberName, unwrap } from './references.js';
import type { FileInfo, Reference } from './types.js';

export type HandlerFramework = 'express' | 'fastify' | 'koa' | 'nestjs' | 'routing-controllers' | 'hono' | 'node-http' | 'socket.io';

export interface RequestHandler {
  fn: FunctionNode;
  framework: HandlerFramework;
  /** `route` answers a request, `middleware` runs around routes (hooks too), `event` handles a socket or message event. */
  kind: 'route' | 'middleware' | 'event';
  /** The registering call, or the route decorator. */
  registration: ts.Node;
  /** The parameter that holds the request (`req`, `request`, `ctx`, `c`), when the framework passes one. */
  request: ts.ParameterDeclaration | undefined;
  /** Fastify routes registered with a `schema` (validated by the framework). */
  hasSchema: boolean;
}

/** Where request handling reaches a node. */
export interface RequestContext {
  /** The innermost function of request handling that contains the node. */
  fn: FunctionNode;
  /** The handler, when `fn` is one; otherwise the function was reached through calls. */
  handler: RequestHandler | undefined;
}

export interface HandlerModel {
  readonly handlers: readonly RequestHandler[];
  /** The handler whose function is `fn`, if any. */
  handlerOf(fn: ts.Node): RequestHandler | undefined;
  /** Request handling that contains `node` (callbacks nested in a handler count), or undefined at start-up. */
  requestContext(node: ts.Node): RequestContext | undefined;
  /** Functions of this file that run during request handling: the handlers and what they call. */
  readonly reached: ReadonlySet<FunctionNode>;
  /** Handlers registered here but declared in another project file (`router.get('/', orders.list)`). */
  readonly importedHandlers: readonly ImportedCallee[];
  /** Route registrations of this file (the registering call or route decorator), wherever their handlers are declared. */
  readonly routes: readonly ts.Node[];
  /** `fn` answers a route: the last handler of a route registration, a Fastify `handler`, a decorated route method (not a middleware before it). */
  isRouteHandler(fn: ts.Node): boolean;
}

/** A function of another project file that request handling here calls: `file`'s export `key` (`name` or `Class.method`). */
export interface ImportedCallee {
  file: string;
  key: string;
  /** In `importedHandlers`: the function answers a route (see `HandlerModel.isRouteHandler`). */
  route?: true;
}

const FASTIFY_ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'all']);
const FASTIFY_REQUEST_HOOKS = new Set(['onRequest', 'preParsing', 'preValidation', 'preHandler', 'preSerialization', 'onSend', 'onResponse', 'onError', 'onTimeout', 'onRequestAbort']);
const KOA_ROUTER_MODULES = new Set(['@koa/router', 'koa-router']);
const HONO_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'all', 'on', 'use']);
const HTTP_MODULES = new Set(['http', 'https', 'http2']);
const keys = (module: string, names: string[]) => names.map((n) => `${module}:${n}`);
const HTTP_VERBS = ['Get', 'Post', 'Put', 'Patch', 'Delete', 'All', 'Options', 'Head'];
/** Decorated classes whose decorated methods are handlers: class decorators, method decorators (`module:Name`). */
const CLASS_ROUTES: ReadonlyArray<{ framework: HandlerFramework; kind: RequestHandler['kind']; classes: string[]; methods: ReadonlySet<string> }> = [
  { framework: 'nestjs', kind: 'route', classes: keys('@nestjs/common', ['Controller']), methods: new Set(keys('@nestjs/common', [...HTTP_VERBS, 'Search'])) },
  { framework: 'nestjs', kind: 'route', classes: keys('@nestjs/graphql', ['Resolver']), methods: new Set(keys('@nestjs/graphql', ['Query', 'Mutation', 'Subscription', 'ResolveField'])) },
  { framework: 'nestjs', kind: 'event', classes: keys('@nestjs/websockets', ['WebSocketGateway']), methods: new Set(keys('@nestjs/websockets', ['SubscribeMessage'])) },
  { framework: 'nestjs', kind: 'event', classes: keys('@nestjs/common', ['Controller']), methods: new Set(keys('@nestjs/microservices', ['MessagePattern', 'EventPattern'])) },
  { framework: 'routing-controllers', kind: 'route', classes: keys('routing-controllers', ['Controller', 'JsonController']), methods: new Set(keys('routing-controllers', [...HTTP_VERBS, 'Method'])) },
];
const MAX_DEPTH = 6;
// Read on every node of the model's walks: plain numbers, read once.
const CALL = ts.SyntaxKind.CallExpression;
const CLASS_DECLARATION = ts.SyntaxKind.ClassDeclaration;
const forEachChild = ts.forEachChild;

function isModuleRef(ref: Reference | null, test: (module: string) => boolean): ref is Extract<Reference, { kind: 'module' }> {
  return !!ref && ref.kind === 'module' && !ref.resolved && test(ref.module);
}

/** The type name of a parameter or variable annotation (`FastifyInstance`, `Router`). */
function typeName(node: ts.ParameterDeclaration | ts.VariableDeclaration): string | undefined {
  const t = node.type;
  if (!t || !ts.isTypeReferenceNode(t)) return undefined;
  return ts.isIdentifier(t.typeName) ? t.typeName.text : t.typeName.right.text;
}

/** Builds the handler model of one file. */
const models = new WeakMap<ts.SourceFile, { project: ProjectFacts; model: HandlerModel }>();

/** The handler model of the file a rule checks, built once per file and shared by every rule. */
export function handlerModelOf(context: { file: FileInfo; helpers: Helpers; project: ProjectFacts }): HandlerModel {
  const { sourceFile } = context.file;
  const hit = models.get(sourceFile);
  if (hit && hit.project === context.project) return hit.model;
  const model = buildHandlerModel(sourceFile, context.helpers, context.project, context.project.requestReached(context.file.path));
  models.set(sourceFile, { project: context.project, model });
  return model;
}

/** Builds the handler model of one file; `seeds` are its exports that request handling in other files calls. */
export function buildHandlerModel(sf: ts.SourceFile, helpers: Helpers, project: ProjectFacts, seeds: ReadonlySet<string>): HandlerModel {
  const handlers: RequestHandler[] = [];
  const byFn = new Map<ts.Node, RequestHandler>();
  const usesFastify = project.hasDependency('fastify') || project.importsPackage('fastify');

  const importedHandlers: ImportedCallee[] = [];
  const routeRegistrations = new Set<ts.Node>();
  const routeHandlers = new Set<ts.Node>();
  /** While a route is registered: the argument that holds its own handler. */
  let routeArg: ts.Expression | undefined;
  const route = (registration: ts.Node, handlerArg: ts.Expression | undefined) => {
    routeRegistrations.add(registration);
    routeArg = handlerArg;
  };
  const add = (fn: FunctionNode, framework: HandlerFramework, kind: RequestHandler['kind'], registration: ts.Node, hasSchema = false, requestIndex = 0) => {
    if (byFn.has(fn)) return;
    const h: RequestHandler = { fn, framework, kind, registration, request: fn.parameters[requestIndex], hasSchema };
    handlers.push(h);
    byFn.set(fn, h);
  };

  /**
   * Functions an argument stands for: inline, a local function by name, or wrapped
   * (`asyncHandler(fn)`). Functions of other project files are recorded in `importedHandlers`.
   */
  const functionsOf = (arg: ts.Expression): FunctionNode[] => {
    const fns = functionsIn(arg, 0, arg);
    if (arg === routeArg) for (const fn of fns) routeHandlers.add(fn);
    return fns;
  };
  const functionsIn = (arg: ts.Expression, depth: number, top: ts.Expression): FunctionNode[] => {
    const e = unwrap(arg);
    if (isFunctionNode(e)) return [e];
    if (depth > 2) return [];
    if (ts.isArrayLiteralExpression(e)) return e.elements.flatMap((x) => functionsIn(x, depth + 1, top));
    if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) {
      const fn = ts.isIdentifier(e) ? localFunction(e, helpers) : localMember(e, helpers);
      if (fn) return [fn];
      const imported = importedTarget(e, helpers, project);
      // `app.use('/orders', ordersRouter)` mounts a router, not a handler.
      if (imported && !project.lookupExport(imported.file, imported.key)?.info.expressReceiver) importedHandlers.push(top === routeArg ? { ...imported, route: true } : imported);
      return [];
    }
    // `wrap(fn)`, `catchAsync(async (req, res) => …)`, `handler.bind(this)`
    if (ts.isCallExpression(e)) {
      if (ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'bind') return functionsIn(e.expression.expression, depth + 1, top);
      const before = importedHandlers.length;
      const fns = e.arguments.flatMap((a) => functionsIn(a, depth + 1, top));
      // `x()` with `x` of another project file and no handler among its arguments: a factory, its result is the handler.
      const factory = fns.length === 0 && importedHandlers.length === before ? importedFactory(e, helpers, project) : undefined;
      if (factory) importedHandlers.push(top === routeArg ? { ...factory, route: true } : factory);
      return fns;
    }
    return [];
  };

  const errorMiddlewareIndex = (fn: FunctionNode) => (fn.parameters.length === 4 ? 1 : 0);

  const onCall = (call: ts.CallExpression) => {
    routeArg = undefined;
    const callee = unwrap(call.expression);
    // Express
    const express = expressRegistration(call, helpers, project);
    if (express) {
      const kind = express.method === 'use' ? 'middleware' : 'route';
      if (kind === 'route') route(call, express.handlers[express.handlers.length - 1]);
      for (const h of express.handlers) for (const fn of functionsOf(h)) add(fn, 'express', kind, call, false, errorMiddlewareIndex(fn));
      return;
    }
    // node:http createServer(handler) / createServer(options, handler)
    const ref = helpers.calleeOf(call);
    if (isModuleRef(ref, (m) => HTTP_MODULES.has(m)) && ref.path.length === 1 && ref.path[0] === 'createServer' || ref?.kind === 'module' && ref.module === 'http2' && ref.path[0] === 'createSecureServer') {
      const last = call.arguments[call.arguments.length - 1];
      route(call, last);
      if (last) for (const fn of functionsOf(last)) add(fn, 'node-http', 'route', call);
      return;
    }
    if (!ts.isPropertyAccessExpression(callee)) return;
    const method = callee.name.text;
    const receiver = unwrap(callee.expression);
    // server.on('request', handler); io.on('connection', handler)
    if (method === 'on' || method === 'once') {
      const event = helpers.staticString(call.arguments[0]);
      const target = call.arguments[1];
      if (event === 'request' && target && isNodeServer(receiver, helpers)) {
        route(call, target);
        for (const fn of functionsOf(target)) add(fn, 'node-http', 'route', call);
      }
      if (event === 'connection' && target && isSocketIoServer(receiver, helpers)) for (const fn of functionsOf(target)) add(fn, 'socket.io', 'event', call);
    }
    // Fastify
    if ((FASTIFY_ROUTE_METHODS.has(method) || method === 'route' || method === 'addHook') && isFastify(receiver, helpers, usesFastify)) {
      if (method === 'addHook') {
        const hook = helpers.staticString(call.arguments[0]);
        const target = call.arguments[1];
        if (hook && FASTIFY_REQUEST_HOOKS.has(hook) && target) for (const fn of functionsOf(target)) add(fn, 'fastify', 'middleware', call);
        return;
      }
      const options = method === 'route' ? call.arguments[0] : call.arguments.length >= 3 ? call.arguments[1] : undefined;
      const hasSchema = !!options && helpers.property(options, 'schema').kind === 'found';
      const last = method === 'route' ? undefined : call.arguments[call.arguments.length - 1];
      if (method !== 'route' && call.arguments.length < 2) return;
      route(call, last && !isOptionsObject(last, helpers) ? last : undefined);
      if (last && !isOptionsObject(last, helpers)) for (const fn of functionsOf(last)) add(fn, 'fastify', 'route', call, hasSchema);
      if (options) {
        const opts = helpers.valueOf(options);
        const handler = helpers.property(opts, 'handler');
        if (handler.kind === 'found' && handler.property && (ts.isMethodDeclaration(handler.property) ? true : handler.value)) {
          routeArg = handler.value;
          const fns = ts.isMethodDeclaration(handler.property) ? [handler.property] : functionsOf(handler.value as ts.Expression);
          if (ts.isMethodDeclaration(handler.property)) routeHandlers.add(handler.property);
          routeArg = undefined;
          for (const fn of fns) add(fn, 'fastify', 'route', call, hasSchema);
        }
        for (const hook of ['onRequest', 'preValidation', 'preHandler']) {
          const p = helpers.property(opts, hook);
          if (p.kind === 'found' && p.value) for (const fn of functionsOf(p.value)) add(fn, 'fastify', 'middleware', call, hasSchema);
        }
      }
      return;
    }
    // Koa router and app, Hono
    const framework = koaOrHono(receiver, helpers);
    if (framework === 'koa-router' && (EXPRESS_ROUTE_METHODS.has(method) || method === 'del')) route(call, call.arguments[call.arguments.length - 1]);
    if (framework === 'hono' && HONO_METHODS.has(method) && method !== 'use') route(call, call.arguments[call.arguments.length - 1]);
    if (framework === 'koa-router' && (EXPRESS_ROUTE_METHODS.has(method) || method === 'use' || method === 'del')) {
      for (const a of call.arguments) for (const fn of functionsOf(a)) add(fn, 'koa', method === 'use' ? 'middleware' : 'route', call);
    } else if (framework === 'koa-app' && method === 'use') {
      for (const a of call.arguments) for (const fn of functionsOf(a)) add(fn, 'koa', 'middleware', call);
    } else if (framework === 'hono' && HONO_METHODS.has(method)) {
      for (const a of call.arguments) for (const fn of functionsOf(a)) add(fn, 'hono', method === 'use' ? 'middleware' : 'route', call);
    }
  };

  const onClass = (cls: ts.ClassDeclaration) => {
    const decorators = (node: ts.Node) => (ts.canHaveDecorators(node) ? (ts.getDecorators(node) ?? []) : []);
    /** `module:Name` of a decorator imported from a package, e.g. `@nestjs/common:Get`. */
    const decoratorKey = (d: ts.Decorator) => {
      const e = unwrap(d.expression);
      const ref = helpers.referenceOf(ts.isCallExpression(e) ? e.expression : e);
      return ref?.kind === 'module' && !ref.resolved && ref.path.length === 1 ? `${ref.module}:${ref.path[0]}` : undefined;
    };
    const kinds = new Set(decorators(cls).map(decoratorKey));
    const routes = CLASS_ROUTES.filter((c) => c.classes.some((k) => kinds.has(k)));
    if (routes.length === 0) return;
    for (const member of cls.members) {
      if (!ts.isMethodDeclaration(member) || !member.body) continue;
      for (const d of decorators(member)) {
        const key = decoratorKey(d);
        const hit = key === undefined ? undefined : routes.find((c) => c.methods.has(key));
        if (hit) add(member, hit.framework, hit.kind, d, false, -1);
        if (hit?.kind === 'route') {
          routeRegistrations.add(d);
          routeHandlers.add(member);
        }
      }
    }
  };

  forCallsAndClasses(sf, onCall, onClass);

  const reached = reachFrom([...handlers.map((h) => h.fn), ...seededFunctions(sf, seeds, helpers)], helpers);

  return {
    handlers,
    reached,
    importedHandlers,
    routes: [...routeRegistrations],
    isRouteHandler: (fn) => routeHandlers.has(fn),
    handlerOf: (fn) => byFn.get(fn),
    requestContext(node) {
      for (let n: ts.Node | undefined = node; n; n = n.parent) {
        if (isFunctionNode(n) && reached.has(n)) return { fn: n, handler: byFn.get(n) };
      }
      return undefined;
    },
  };
}

/**
 * Calls `onCall` for each call and `onClass` for each class declaration of the file, in walk order.
 * A function of its own: with this loop inside, V8 optimised `buildHandlerModel` on the stack and
 * then deoptimised it, at the same place, in 900 of directus's files.
 */
function forCallsAndClasses(sf: ts.SourceFile, onCall: (call: ts.CallExpression) => void, onClass: (cls: ts.ClassDeclaration) => void): void {
  const { nodes } = nodeOrder(sf);
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as ts.Node;
    const kind = node.kind;
    if (kind === CALL) onCall(node as ts.CallExpression);
    else if (kind === CLASS_DECLARATION) onClass(node as ts.ClassDeclaration);
  }
}

/**
 * The node carries a decorator imported from `module` under one of `names` (`@Body()` from
 * @nestjs/common, `@Injectable()`, `@QueryParams()` from routing-controllers), called or not.
 */
export function hasDecorator(node: ts.Node, helpers: Helpers, module: string, ...names: string[]): boolean {
  const decorators = ts.canHaveDecorators(node) ? (ts.getDecorators(node) ?? []) : [];
  return decorators.some((d) => {
    const e = unwrap(d.expression);
    const ref = helpers.referenceOf(ts.isCallExpression(e) ? e.expression : e);
    return isModuleRef(ref, (m) => m === module) && ref.path.length === 1 && names.includes(ref.path[0] ?? '');
  });
}

function isOptionsObject(expr: ts.Expression, helpers: Helpers): boolean {
  return ts.isObjectLiteralExpression(helpers.valueOf(expr));
}

/** A function declared in this file under a name: `function h() {}`, `const h = async () => {}`. */
export function localFunction(id: ts.Identifier, helpers: Helpers): FunctionNode | undefined {
  const decl = helpers.declarationOf(id);
  if (!decl) return undefined;
  if (ts.isFunctionDeclaration(decl) && decl.body) return decl;
  if (ts.isVariableDeclaration(decl) && decl.initializer) {
    const init = unwrap(decl.initializer);
    if (isFunctionNode(init)) return init;
  }
  return undefined;
}

/** `controller.list` / `this.list` where the object is a class or object literal of this file. */
export function localMember(access: ts.PropertyAccessExpression, helpers: Helpers): FunctionNode | undefined {
  const name = access.name.text;
  const base = unwrap(access.expression);
  if (base.kind === ts.SyntaxKind.ThisKeyword) {
    const cls = enclosingClass(access);
    return cls ? memberFunction(cls, name) : undefined;
  }
  if (!ts.isIdentifier(base)) return undefined;
  const decl = helpers.declarationOf(base);
  if (!decl) return undefined;
  if (ts.isClassDeclaration(decl)) return memberFunction(decl, name); // static methods
  if (ts.isVariableDeclaration(decl) && decl.initializer) {
    const init = unwrap(decl.initializer);
    if (ts.isObjectLiteralExpression(init)) return memberFunction(init, name);
    if (ts.isNewExpression(init) && ts.isIdentifier(init.expression)) {
      const cls = helpers.declarationOf(init.expression);
      if (cls && ts.isClassDeclaration(cls)) return memberFunction(cls, name);
    }
  }
  return undefined;
}

function enclosingClass(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let n = node.parent; n; n = n.parent) if (ts.isClassDeclaration(n) || ts.isClassExpression(n)) return n;
  return undefined;
}

/** The functions given and every function of this file they call, transitively. */
export function reachFrom(start: readonly FunctionNode[], helpers: Helpers): Set<FunctionNode> {
  const reached = new Set<FunctionNode>(start);
  const queue = [...reached];
  for (let fn = queue.pop(); fn; fn = queue.pop()) {
    for (const callee of localCallees(fn, helpers)) {
      if (!reached.has(callee)) {
        reached.add(callee);
        queue.push(callee);
      }
    }
  }
  return reached;
}

/** Functions of this file that a function calls by name, through `this`, or on a local object. */
function localCallees(fn: FunctionNode, helpers: Helpers): FunctionNode[] {
  const out: FunctionNode[] = [];
  const visit = (node: ts.Node): void => {
    if (node.kind === CALL) {
      const callee = unwrap((node as ts.CallExpression).expression);
      const target = ts.isIdentifier(callee) ? localFunction(callee, helpers) : ts.isPropertyAccessExpression(callee) ? localMember(callee, helpers) : undefined;
      if (target) out.push(target);
    }
    forEachChild(node, visit);
  };
  if (fn.body) visit(fn.body);
  return out;
}

/** Calls from `fn` (nested callbacks included) to functions exported by other project files. */
export function importedCallees(fn: FunctionNode, helpers: Helpers, project: ProjectFacts): ImportedCallee[] {
  const out: ImportedCallee[] = [];
  const visit = (node: ts.Node): void => {
    if (node.kind === CALL) {
      const target = importedTarget(unwrap((node as ts.CallExpression).expression), helpers, project);
      if (target) out.push(target);
    }
    forEachChild(node, visit);
  };
  if (fn.body) visit(fn.body);
  return out;
}

/** `service.create`, `createOrder`, `this.ordersService.create` → the project export it calls. */
export function importedTarget(callee: ts.Expression, helpers: Pick<Helpers, 'referenceOf'>, project: Pick<ProjectFacts, 'lookupExport'>): ImportedCallee | undefined {
  const ref = importedReference(callee, helpers);
  return ref ? calleeOfReference(ref, project) : undefined;
}

/**
 * The reference of a callee into a project module, decided from this file alone (the facts pass
 * records it; `calleeOfReference` resolves it once every module is known).
 */
export function importedReference(callee: ts.Expression, helpers: Pick<Helpers, 'referenceOf'>): Extract<Reference, { kind: 'module' }> | undefined {
  let ref = helpers.referenceOf(callee);
  // this.ordersService.create() where ordersService is a typed constructor parameter or property (NestJS injection).
  if (ts.isPropertyAccessExpression(callee)) {
    const holder = unwrap(callee.expression);
    if (ts.isPropertyAccessExpression(holder) && holder.expression.kind === ts.SyntaxKind.ThisKeyword) {
      const type = injectedType(holder);
      const typeRef = type ? helpers.referenceOf(type) : null;
      if (typeRef?.kind === 'module' && typeRef.resolved) ref = { ...typeRef, path: [...typeRef.path, callee.name.text] };
    }
  }
  // const controller = new OrdersController() with the class imported
  if (ref?.kind === 'local' && ts.isVariableDeclaration(ref.declaration) && ref.declaration.initializer && ref.path.length === 1) {
    const init = unwrap(ref.declaration.initializer);
    if (ts.isNewExpression(init)) {
      const cls = helpers.referenceOf(init.expression);
      if (cls?.kind === 'module' && cls.resolved) ref = { ...cls, path: [...cls.path, ...ref.path] };
    }
  }
  return ref?.kind === 'module' && ref.resolved ? ref : undefined;
}

/** The project function a module reference calls: `file`'s export `name` or `Class.method`. */
export function calleeOfReference(ref: Extract<Reference, { kind: 'module' }>, project: Pick<ProjectFacts, 'lookupExport'>): ImportedCallee | undefined {
  if (!ref.resolved) return undefined;
  const [first, member] = ref.path.length === 0 ? ['default', undefined] : ref.path;
  if (first === undefined) return undefined;
  const hit = project.lookupExport(ref.resolved, first);
  if (hit) return { file: hit.file, key: member === undefined ? hit.name : `${hit.name}.${member}` };
  // `const orders = require('./orders'); orders.create()` of `module.exports = new OrdersService()`
  const def = project.lookupExport(ref.resolved, 'default');
  if (def && member === undefined) return { file: def.file, key: `${def.name}.${first}` };
  return undefined;
}

/** The class name node a `this.x` property was injected or declared with. */
function injectedType(access: ts.PropertyAccessExpression): ts.Identifier | undefined {
  const name = memberName(access);
  const cls = enclosingClass(access);
  if (!cls || name === undefined) return undefined;
  for (const m of cls.members) {
    if (ts.isPropertyDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === name && m.type && ts.isTypeReferenceNode(m.type) && ts.isIdentifier(m.type.typeName)) return m.type.typeName;
    if (ts.isConstructorDeclaration(m)) {
      for (const p of m.parameters) {
        if (ts.isIdentifier(p.name) && p.name.text === name && p.type && ts.isTypeReferenceNode(p.type) && ts.isIdentifier(p.type.typeName)) return p.type.typeName;
      }
    }
  }
  return undefined;
}

/** The functions of this file that the keys `name` / `Class.method` / `default.method` name. */
export function seededFunctions(sf: ts.SourceFile, keys: ReadonlySet<string>, helpers: Helpers): FunctionNode[] {
  if (keys.size === 0) return [];
  const out: FunctionNode[] = [];
  const valueOfExport = exportedValues(sf);
  for (const key of keys) {
    if (key.endsWith('()')) {
      out.push(...factoryResults(sf, key.slice(0, -2), helpers));
      continue;
    }
    const [name, member] = key.split('.') as [string, string | undefined];
    const value = valueOfExport.get(name);
    if (!value) continue;
    const v = ts.isIdentifier(value) ? (helpers.declarationOf(value) ?? value) : value;
    const target = ts.isVariableDeclaration(v) && v.initializer ? unwrap(v.initializer) : v;
    if (member === undefined) {
      if (isFunctionNode(target) && target.body) out.push(target);
      continue;
    }
    let container: ts.Node = target;
    if (ts.isNewExpression(container) && ts.isIdentifier(container.expression)) container = helpers.declarationOf(container.expression) ?? container;
    if (ts.isClassDeclaration(container) || ts.isClassExpression(container) || ts.isObjectLiteralExpression(container)) {
      const fn = memberFunction(container, member);
      if (fn) out.push(fn);
    } else {
      const fn = constructorMembers(container, helpers).get(member);
      if (fn) out.push(fn);
    }
  }
  return out;
}

/**
 * A handler factory registered in another file (`app.post('/login', login())`, `key` is `login()`):
 * the functions the exported function returns are the handlers.
 */
function factoryResults(sf: ts.SourceFile, key: string, helpers: Helpers): FunctionNode[] {
  return seededFunctions(sf, new Set([key]), helpers).flatMap((fn) => returnedFunctions(fn, helpers));
}

/** `x()` where `x` is a function of another project file called with no function argument: the export, as the key `x()`. */
export function importedFactory(call: ts.CallExpression, helpers: Helpers, project: ProjectFacts): ImportedCallee | undefined {
  if (call.arguments.some((a) => isFunctionNode(unwrap(a)))) return undefined;
  const target = importedTarget(unwrap(call.expression), helpers, project);
  return target ? { file: target.file, key: `${target.key}()` } : undefined;
}

/** The functions a function returns: `return (req, res) => {…}`, `() => async (req, res) => {…}`, `return handler` (a local function). */
export function returnedFunctions(fn: FunctionNode, helpers: Helpers): FunctionNode[] {
  const out: FunctionNode[] = [];
  const take = (expr: ts.Expression) => {
    const e = unwrap(expr);
    const target = isFunctionNode(e) ? e : ts.isIdentifier(e) ? localFunction(e, helpers) : undefined;
    if (target) out.push(target);
  };
  const body = fn.body;
  if (!body) return out;
  if (!ts.isBlock(body)) {
    take(body);
    return out;
  }
  const visit = (node: ts.Node): void => {
    if (isFunctionNode(node) || ts.isClassLike(node)) return;
    if (ts.isReturnStatement(node) && node.expression) take(node.expression);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return out;
}

/**
 * The methods a constructor function gives its instances: `function SessionHandler(db) {
 * this.handleLogin = (req, res, next) => {…} }` (assigned at the top level of its body), by name.
 */
export function constructorMembers(node: ts.Node, helpers: Helpers): Map<string, FunctionNode> {
  const out = new Map<string, FunctionNode>();
  const fn = ts.isVariableDeclaration(node) && node.initializer ? unwrap(node.initializer) : node;
  if (!(ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) || !fn.body) return out;
  for (const s of fn.body.statements) {
    if (!ts.isExpressionStatement(s)) continue;
    const e = unwrap(s.expression);
    if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
    const left = unwrap(e.left);
    if (!ts.isPropertyAccessExpression(left) || left.expression.kind !== ts.SyntaxKind.ThisKeyword) continue;
    const right = unwrap(e.right);
    const value = isFunctionNode(right) ? right : ts.isIdentifier(right) ? localFunction(right, helpers) : undefined;
    if (value) out.set(left.name.text, value);
  }
  return out;
}

/** Export name → the node that holds its value, for the module's top-level ESM and CommonJS exports. */
export function exportedValues(sf: ts.SourceFile): Map<string, ts.Node> {
  const out = new Map<string, ts.Node>();
  const exported = (n: ts.Node) => ts.canHaveModifiers(n) && (ts.getModifiers(n)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false);
  const isDefault = (n: ts.Node) => ts.canHaveModifiers(n) && (ts.getModifiers(n)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword) ?? false);
  for (const s of sf.statements) {
    if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && exported(s)) {
      const name = isDefault(s) ? 'default' : s.name?.text;
      if (name) out.set(name, s);
    } else if (ts.isVariableStatement(s) && exported(s)) {
      for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) out.set(d.name.text, d);
    } else if (ts.isExportAssignment(s)) {
      out.set('default', unwrap(s.expression));
    } else if (ts.isExportDeclaration(s) && !s.moduleSpecifier && s.exportClause && ts.isNamedExports(s.exportClause)) {
      for (const e of s.exportClause.elements) out.set(e.name.text, e.propertyName ?? e.name);
    } else if (ts.isExpressionStatement(s) && ts.isBinaryExpression(s.expression) && s.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = unwrap(s.expression.left);
      const right = unwrap(s.expression.right);
      if (!ts.isPropertyAccessExpression(left)) continue;
      const base = unwrap(left.expression);
      if (ts.isIdentifier(base) && base.text === 'module' && left.name.text === 'exports') {
        out.set('default', right);
        if (ts.isObjectLiteralExpression(right)) {
          for (const p of right.properties) {
            if (ts.isShorthandPropertyAssignment(p)) out.set(p.name.text, p.name);
            else if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) out.set(p.name.text, unwrap(p.initializer));
            else if (ts.isMethodDeclaration(p) && ts.isIdentifier(p.name)) out.set(p.name.text, p);
          }
        }
      } else if ((ts.isIdentifier(base) && base.text === 'exports') || (ts.isPropertyAccessExpression(base) && base.name.text === 'exports')) {
        out.set(left.name.text, right);
      }
    }
  }
  return out;
}

function isNodeServer(expr: ts.Expression, helpers: Helpers): boolean {
  const v = helpers.valueOf(expr);
  if (!ts.isCallExpression(v)) return false;
  const ref = helpers.calleeOf(v);
  return isModuleRef(ref, (m) => HTTP_MODULES.has(m)) && ref.path.length === 1 && (ref.path[0] === 'createServer' || ref.path[0] === 'createSecureServer');
}

function isSocketIoServer(expr: ts.Expression, helpers: Helpers, depth = 0): boolean {
  const v = helpers.valueOf(expr);
  if (depth < MAX_DEPTH && ts.isCallExpression(v) && ts.isPropertyAccessExpression(v.expression) && v.expression.name.text === 'of') return isSocketIoServer(v.expression.expression, helpers, depth + 1);
  if (!ts.isNewExpression(v) && !ts.isCallExpression(v)) return false;
  const ref = helpers.referenceOf(v.expression);
  return isModuleRef(ref, (m) => m === 'socket.io') && (ref.path.length === 0 || (ref.path.length === 1 && ref.path[0] === 'Server'));
}

/**
 * A Fastify instance: created by `fastify()`, typed `FastifyInstance`, or the first parameter of a
 * plugin (a function given to `register`, wrapped in `fastify-plugin`, or exported by a module of
 * a project that uses Fastify).
 */
function isFastify(expr: ts.Expression, helpers: Helpers, usesFastify: boolean, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  const e = unwrap(expr);
  if (ts.isCallExpression(e)) {
    const ref = helpers.calleeOf(e);
    if (isModuleRef(ref, (m) => m === 'fastify') && (ref.path.length === 0 || (ref.path.length === 1 && (ref.path[0] === 'fastify' || ref.path[0] === 'default')))) return true;
    // fastify.get(…).post(…) is not a Fastify idiom; `fastify.register(…)` returns the instance.
    return false;
  }
  if (!ts.isIdentifier(e)) return false;
  const decl = helpers.declarationOf(e);
  if (!decl) return false;
  if (ts.isVariableDeclaration(decl)) {
    if (typeName(decl) === 'FastifyInstance') return true;
    return !!decl.initializer && ts.isCallExpression(unwrap(decl.initializer)) && isFastify(decl.initializer, helpers, usesFastify, depth + 1);
  }
  if (!ts.isParameter(decl)) return false;
  if (typeName(decl) === 'FastifyInstance') return true;
  const fn = decl.parent;
  if (!usesFastify || !isFunctionNode(fn) || fn.parameters[0] !== decl) return false;
  return isPluginFunction(fn, helpers);
}

function isPluginFunction(fn: FunctionNode, helpers: Helpers): boolean {
  const exported = (n: ts.Node) => ts.canHaveModifiers(n) && (ts.getModifiers(n)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false);
  // function routes(fastify) {…} / const routes = async (fastify) => {…}: exported, or used as a plugin by name.
  if (ts.isFunctionDeclaration(fn)) return exported(fn) || (!!fn.name && usedAsPlugin(fn.name, helpers));
  const parent = fn.parent;
  if (ts.isVariableDeclaration(parent)) {
    if (exported(parent.parent.parent)) return true;
    return ts.isIdentifier(parent.name) && usedAsPlugin(parent.name, helpers);
  }
  // export default async (fastify) => {…}; module.exports = async function (fastify) {…}
  if (ts.isExportAssignment(parent)) return true;
  if (ts.isBinaryExpression(parent) && parent.right === fn) {
    const target = unwrap(parent.left);
    return ts.isPropertyAccessExpression(target) && (target.name.text === 'exports' || (ts.isIdentifier(target.expression) && target.expression.text === 'exports'));
  }
  // app.register(async (fastify) => {…}); fp(async (fastify) => {…})
  if (ts.isCallExpression(parent)) {
    const callee = unwrap(parent.expression);
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'register') return true;
    return isModuleRef(helpers.calleeOf(parent), (m) => m === 'fastify-plugin');
  }
  return false;
}

/**
 * Answers of `usedAsPlugin` by the function's name node: each answer walks the whole file, and the
 * handler model asks it for every route-like call on the function's first parameter.
 */
const pluginUses = new WeakMap<ts.Identifier, boolean>();

/** `name` is registered, wrapped with fastify-plugin, or exported (ESM or CommonJS). */
function usedAsPlugin(name: ts.Identifier, helpers: Helpers): boolean {
  let hit = pluginUses.get(name);
  if (hit === undefined) {
    hit = usedAsPluginUncached(name, helpers);
    pluginUses.set(name, hit);
  }
  return hit;
}

function usedAsPluginUncached(name: ts.Identifier, helpers: Helpers): boolean {
  const sf = name.getSourceFile();
  const decl = helpers.declarationOf(name);
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(node) && node.text === name.text && node !== name && helpers.declarationOf(node) === decl) {
      const p = node.parent;
      if (ts.isCallExpression(p) && p.arguments.includes(node)) {
        const callee = unwrap(p.expression);
        if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'register') found = true;
        if (isModuleRef(helpers.calleeOf(p), (m) => m === 'fastify-plugin')) found = true;
      }
      if (ts.isExportAssignment(p) || ts.isExportSpecifier(p) || ts.isShorthandPropertyAssignment(p)) found = true;
      if (ts.isBinaryExpression(p) && p.right === node) found = true; // module.exports = routes
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** A Koa app (`new Koa()`), a Koa router (`new Router()` of @koa/router or koa-router), or a Hono app. */
function koaOrHono(expr: ts.Expression, helpers: Helpers, depth = 0): 'koa-app' | 'koa-router' | 'hono' | null {
  if (depth > MAX_DEPTH) return null;
  const e = unwrap(expr);
  if (ts.isNewExpression(e) || ts.isCallExpression(e)) {
    const callee = unwrap(e.expression);
    // router.get(…).post(…) chains and `new Hono().basePath('/api')`
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(callee)) return koaOrHono(callee.expression, helpers, depth + 1);
    const ref = helpers.referenceOf(callee);
    if (ref?.kind !== 'module' || ref.resolved) return null;
    if (ref.module === 'koa' && (ref.path.length === 0 || ref.path[0] === 'default')) return 'koa-app';
    if (KOA_ROUTER_MODULES.has(ref.module)) return 'koa-router';
    if ((ref.module === 'hono' || ref.module.startsWith('hono/')) && ref.path.length === 1 && ref.path[0] === 'Hono') return 'hono';
    return null;
  }
  if (ts.isIdentifier(e)) {
    const decl = helpers.declarationOf(e);
    if (!decl) return null;
    if (ts.isVariableDeclaration(decl) && decl.initializer) {
      // const app = module.exports = new Koa()
      let init = unwrap(decl.initializer);
      while (ts.isBinaryExpression(init) && init.operatorToken.kind === ts.SyntaxKind.EqualsToken) init = unwrap(init.right);
      return koaOrHono(init, helpers, depth + 1);
    }
    if ((ts.isParameter(decl) || ts.isVariableDeclaration(decl)) && decl.type && ts.isTypeReferenceNode(decl.type)) {
      const ref = helpers.referenceOf(ts.isIdentifier(decl.type.typeName) ? decl.type.typeName : decl.type.typeName.right);
      if (ref?.kind === 'module' && KOA_ROUTER_MODULES.has(ref.module)) return 'koa-router';
      if (ref?.kind === 'module' && ref.module === 'hono' && ref.path[0] === 'Hono') return 'hono';
    }
    // An imported router: `export const router = new Router()` in another file.
    return null;
  }
  return null;
}
