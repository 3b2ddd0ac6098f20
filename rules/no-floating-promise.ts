// no-floating-promise: a promise nobody awaits, returns or handles — a call known to return one
// left as a statement, a `.then(f)`/`.finally(f)` chain without a rejection handler, an async
// callback given to `forEach`, and async callbacks given to emitters, timers and node-cron that do
// not catch. On Node 15+ the rejection of such a promise is an unhandled rejection, which ends the
// process: one failed audit write or one bad tick of a job takes every in-flight request down.
// Without a type checker, "known to return a promise" means: an async function or method of this
// file or of a project module (from the facts), a `.then` chain, or a well-known promise API.
// A promise stored in a variable or field, or passed to any call, counts as handled: it is not
// tracked further, so the rule stays silent rather than guess where it goes.
import { ts } from 'ts-morph';
import type { Helpers } from '../src/core/helpers.js';
import { isFunctionLike } from '../src/core/helpers.js';
import { unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';
import type { ProjectFacts } from '../src/project/facts.js';
import { asyncMembersOf, isAsyncFunctionLike } from '../src/project/modules.js';

const HTTP_METHODS = new Set(['request', 'get', 'delete', 'head', 'options', 'post', 'put', 'patch', 'postForm', 'putForm', 'patchForm']);
const PROMISE_STATICS = new Set(['resolve', 'reject', 'all', 'allSettled', 'race', 'any', 'try']);
const EMITTER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);
const TIMERS = new Set(['setInterval', 'setTimeout', 'setImmediate']);
const CHAIN_METHODS = new Set(['then', 'catch', 'finally']);
/** Packages whose `when(…)` returns a workflow-step builder with a `.then`, not a promise. */
const WORKFLOW_SDK = /^@medusajs\/(framework\/)?workflows-sdk(\/composer)?$/;

type AsyncFn = ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration | ts.MethodDeclaration;
/** Does calling `method` on the object return a promise? (the call is given for callback-style APIs) */
type MemberTest = (method: string, call: ts.CallExpression) => boolean;
/** A call known to return a promise; `fn` is the async function it runs when it is declared in this file. */
type PromiseSource = { fn?: AsyncFn };

const isWrapper = (n: ts.Node) => ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isNonNullExpression(n) || ts.isSatisfiesExpression(n) || ts.isTypeAssertionExpression(n);
const hasAsyncKeyword = (n: ts.Node): n is AsyncFn => (ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) && !!ts.getModifiers(n)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
const has = (names: ReadonlySet<string>): MemberTest => (m) => names.has(m);
const nameText = (n: ts.PropertyName | ts.BindingName) => (ts.isIdentifier(n) || ts.isPrivateIdentifier(n) || ts.isStringLiteral(n) ? n.text : undefined);
const isConst = (d: ts.VariableDeclaration) => ts.isVariableDeclarationList(d.parent) && (d.parent.flags & ts.NodeFlags.Const) !== 0;
const lastArgIsCallback = (call: ts.CallExpression) => { const a = call.arguments.at(-1); return !!a && (ts.isArrowFunction(a) || ts.isFunctionExpression(a)); };

/** `x.then(…)` / `.catch(…)` / `.finally(…)`: the link's receiver and method. */
function chainLink(call: ts.CallExpression): { receiver: ts.Expression; method: string } | undefined {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !CHAIN_METHODS.has(callee.name.text)) return undefined;
  return { receiver: unwrap(callee.expression), method: callee.name.text };
}

/** `expr` is the receiver of a further chain link (`expr.then(…)`): the chain's outer call decides. */
function isChainReceiver(expr: ts.Node): boolean {
  let e = expr;
  while (isWrapper(e.parent)) e = e.parent;
  const access = e.parent;
  return ts.isPropertyAccessExpression(access) && access.expression === e && CHAIN_METHODS.has(access.name.text) && ts.isCallExpression(access.parent) && access.parent.expression === access;
}

/** A link of the chain (outermost first) handles rejections: `.catch(…)` or `.then(a, b)`. */
function chainHandlesRejection(expr: ts.Expression): boolean {
  let e = unwrap(expr);
  for (let link = ts.isCallExpression(e) ? chainLink(e) : undefined; link; link = ts.isCallExpression(e) ? chainLink(e) : undefined) {
    const call = e as ts.CallExpression;
    const onRejected = call.arguments[1];
    if (link.method === 'catch' || (link.method === 'then' && onRejected && !(onRejected.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(onRejected) && onRejected.text === 'undefined')))) return true;
    e = link.receiver;
  }
  return false;
}

/** The value of `expr` is thrown away by a statement (also as `a && x()`, `c ? x() : y()`, the left of a comma). */
function isDiscarded(expr: ts.Expression): boolean {
  let e: ts.Node = expr;
  for (;;) {
    const p = e.parent;
    if (isWrapper(p)) e = p;
    else if (ts.isExpressionStatement(p)) return true;
    else if (ts.isConditionalExpression(p) && p.condition !== e) e = p;
    else if (ts.isBinaryExpression(p)) {
      const op = p.operatorToken.kind;
      if (op === ts.SyntaxKind.CommaToken && p.left === e) return true;
      const passesOn = op === ts.SyntaxKind.CommaToken || op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken;
      if (!passesOn || p.right !== e) return false;
      e = p;
    } else return false;
  }
}

/** Inside `fn`, `node` sits in the try block of a try whose catch does not rethrow. */
function insideCatchingTry(node: ts.Node, fn: ts.Node): boolean {
  for (let n = node; n.parent && n !== fn; n = n.parent) {
    const p = n.parent;
    if (ts.isTryStatement(p) && p.tryBlock === n && p.catchClause && !containsOwn(p.catchClause.block, ts.isThrowStatement)) return true;
  }
  return false;
}

/** `root` or a node under it, not inside a nested function, matches. */
function containsOwn(root: ts.Node, test: (n: ts.Node) => boolean): boolean {
  const visit = (n: ts.Node): boolean => !isFunctionLike(n) && (test(n) || !!ts.forEachChild(n, visit));
  return visit(root);
}

/**
 * The async function cannot reject through what it awaits, returns or throws: every `await` and
 * `throw` sits in a try/catch that does not rethrow (or awaits a chain ending in `.catch`), and it
 * returns no known promise unhandled. Synchronous code around the try is not counted.
 */
function rejectionsHandled(fn: AsyncFn, isPromise: (e: ts.Expression) => boolean): boolean {
  const body = fn.body;
  if (!body) return true;
  const returnsUnhandled = (value: ts.Expression) => { const v = unwrap(value); return (ts.isCallExpression(v) || ts.isNewExpression(v)) && isPromise(v) && !chainHandlesRejection(v); };
  if (!ts.isBlock(body) && returnsUnhandled(body)) return false;
  return !containsOwn(body, (n) => {
    if (ts.isAwaitExpression(n)) return !insideCatchingTry(n, fn) && !chainHandlesRejection(n.expression);
    if ((ts.isForOfStatement(n) && n.awaitModifier) || ts.isThrowStatement(n)) return !insideCatchingTry(n, fn);
    return ts.isReturnStatement(n) && !!n.expression && returnsUnhandled(n.expression);
  });
}

/** The object `this` is inside `node`: the enclosing class or object literal (arrows keep `this`). */
function thisContainer(node: ts.Node): ts.ClassLikeDeclaration | ts.ObjectLiteralExpression | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isClassLike(n)) return n;
    if ((ts.isMethodDeclaration(n) || ts.isGetAccessor(n) || ts.isSetAccessor(n)) && ts.isObjectLiteralExpression(n.parent)) return n.parent;
    if (ts.isFunctionExpression(n) && ts.isPropertyAssignment(n.parent) && ts.isObjectLiteralExpression(n.parent.parent)) return n.parent.parent;
    if (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n)) return undefined;
  }
  return undefined;
}

/** The async function a class or object literal declares under `name` (method or function-valued property). */
function asyncMember(container: ts.ClassLikeDeclaration | ts.ObjectLiteralExpression, name: string): AsyncFn | undefined {
  const members: readonly ts.Node[] = ts.isObjectLiteralExpression(container) ? container.properties : container.members;
  for (const m of members) {
    if (ts.isMethodDeclaration(m) && nameText(m.name) === name && hasAsyncKeyword(m)) return m;
    if ((ts.isPropertyDeclaration(m) || ts.isPropertyAssignment(m)) && nameText(m.name) === name && m.initializer && hasAsyncKeyword(unwrap(m.initializer))) return unwrap(m.initializer) as AsyncFn;
  }
  return undefined;
}

function knowledge(helpers: Helpers, project: ProjectFacts) {
  /** Promise-returning methods of a class named by `id`: declared in this file or exported by a project module. */
  const classMethods = (id: ts.Identifier): MemberTest | undefined => {
    const decl = helpers.declarationOf(id);
    if (decl && ts.isClassDeclaration(decl)) return has(asyncMembersOf(decl));
    const ref = helpers.referenceOf(id);
    const exp = ref?.kind === 'module' ? helpers.exportOf(ref) : undefined;
    return exp && has(exp.info.asyncMethods);
  };
  const typeMethods = (type: ts.TypeNode | undefined) => (type && ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) ? classMethods(type.typeName) : undefined);
  /** Promise-returning methods of the object an initializer creates: object literal, class instance, pg pool, axios/got instance. */
  const instanceMethods = (init: ts.Expression): MemberTest | undefined => {
    const e = unwrap(init);
    if (ts.isObjectLiteralExpression(e)) return has(asyncMembersOf(e));
    if (ts.isNewExpression(e) && (helpers.isCallTo(e, 'pg', 'Pool') || helpers.isCallTo(e, 'pg', 'Client'))) return (m, call) => m === 'query' && !lastArgIsCallback(call);
    if (ts.isNewExpression(e) && ts.isIdentifier(e.expression)) return classMethods(e.expression);
    if (ts.isCallExpression(e) && (helpers.isCallTo(e, 'axios', 'create') || helpers.isCallTo(e, 'got', 'extend'))) return (m) => HTTP_METHODS.has(m);
    return undefined;
  };
  /** `this.<field>`: a constructor parameter property or a property declaration, by its class type or initializer. */
  const fieldMethods = (cls: ts.ClassLikeDeclaration, field: string): MemberTest | undefined => {
    for (const m of cls.members) {
      if (ts.isPropertyDeclaration(m) && nameText(m.name) === field) return m.type ? typeMethods(m.type) : m.initializer && instanceMethods(m.initializer);
      if (ts.isConstructorDeclaration(m)) {
        const p = m.parameters.find((q) => ts.isParameterPropertyDeclaration(q, m) && nameText(q.name) === field);
        if (p) return typeMethods(p.type);
      }
    }
    return undefined;
  };
  const packageApi = (module: string, path: string[]): boolean => {
    const [first = '', second] = path;
    if (module === 'fs/promises') return path.length === 1 && first !== 'constants';
    if (module === 'fs') return path.length === 2 && first === 'promises' && second !== 'constants';
    if (module === 'timers/promises') return path.length === 1 && (first === 'setTimeout' || first === 'setImmediate');
    if (module === 'axios' || module === 'got') return path.length === 0 || (path.length === 1 && HTTP_METHODS.has(first));
    if (module === 'node-fetch') return path.length === 0 || (path.length === 1 && first === 'default');
    return module === 'undici' && path.length === 1 && (first === 'fetch' || first === 'request');
  };
  /** An export of a project module: an async function, or an async method of an exported object or class instance. */
  const projectApi = (resolved: string, path: string[], ref: Parameters<Helpers['exportOf']>[0]): boolean => {
    const [first, second] = path;
    const def = () => project.lookupExport(resolved, 'default');
    if (first === undefined) return !!def()?.info.async; // require('./mailer') of `module.exports = sendEmail`
    const exp = helpers.exportOf(ref);
    if (second === undefined) return exp ? exp.info.async : !!def()?.info.asyncMethods.has(first);
    return path.length === 2 && !!exp && (exp.info.asyncMethods.has(second) || (exp.info.httpClient !== null && HTTP_METHODS.has(second)));
  };

  /** A `.then` that is not a promise's: Medusa's `when(…).then(…)` workflow step, Cypress's `cy.get(…).then(…)`. */
  const isBuilderChain = (receiver: ts.Expression): boolean => {
    let e = unwrap(receiver);
    for (; ts.isCallExpression(e) || ts.isPropertyAccessExpression(e); e = unwrap(e.expression)) {
      const ref = ts.isCallExpression(e) ? helpers.calleeOf(e) : null;
      if (ref?.kind === 'module' && WORKFLOW_SDK.test(ref.module) && ref.path[0] === 'when') return true;
    }
    return ts.isIdentifier(e) && e.text === 'cy' && !helpers.declarationOf(e);
  };

  const returnsPromise = (call: ts.CallExpression | ts.NewExpression): PromiseSource | undefined => {
    if (ts.isNewExpression(call)) return helpers.isGlobalCall(call, 'Promise') ? {} : undefined;
    const link = chainLink(call);
    if (link?.method === 'then') return isBuilderChain(link.receiver) ? undefined : {};
    if (link) return (ts.isCallExpression(link.receiver) || ts.isNewExpression(link.receiver)) && returnsPromise(link.receiver) ? {} : undefined;
    const callee = unwrap(call.expression);
    if (ts.isArrowFunction(callee) || ts.isFunctionExpression(callee)) return hasAsyncKeyword(callee) ? { fn: callee } : undefined; // async IIFE
    if (ts.isPropertyAccessExpression(callee)) {
      const target = unwrap(callee.expression);
      const method = callee.name.text;
      if (target.kind === ts.SyntaxKind.ThisKeyword) {
        const container = thisContainer(callee);
        const fn = container && asyncMember(container, method);
        return fn ? { fn } : container && ts.isClassLike(container) && asyncMembersOf(container).has(method) ? {} : undefined;
      }
      if (ts.isPropertyAccessExpression(target) && unwrap(target.expression).kind === ts.SyntaxKind.ThisKeyword) {
        const container = thisContainer(target);
        return container && ts.isClassLike(container) && fieldMethods(container, target.name.text)?.(method, call) ? {} : undefined;
      }
    }
    const ref = helpers.calleeOf(call);
    if (!ref) return undefined;
    if (ref.kind === 'global') return (ref.name === 'fetch' && ref.path.length === 0) || (ref.name === 'Promise' && ref.path.length === 1 && PROMISE_STATICS.has(ref.path[0] ?? '')) ? {} : undefined;
    if (ref.kind === 'module') return (ref.resolved ? projectApi(ref.resolved, ref.path, ref) : packageApi(ref.module, ref.path)) ? {} : undefined;
    const decl = ref.declaration;
    if (ref.path.length === 0) {
      const fn = ts.isFunctionDeclaration(decl) ? decl : ts.isVariableDeclaration(decl) && isConst(decl) && decl.initializer ? unwrap(decl.initializer) : undefined;
      if (!fn || !isAsyncFunctionLike(fn)) return undefined;
      return hasAsyncKeyword(fn) ? { fn } : {};
    }
    if (ref.path.length !== 1) return undefined;
    const [method = ''] = ref.path;
    if (ts.isClassDeclaration(decl)) return asyncMembersOf(decl).has(method) ? {} : undefined;
    if (ts.isVariableDeclaration(decl) && decl.initializer && ts.isObjectLiteralExpression(unwrap(decl.initializer)) && isConst(decl)) {
      const fn = asyncMember(unwrap(decl.initializer) as ts.ObjectLiteralExpression, method);
      if (fn) return { fn };
    }
    const members = (ts.isVariableDeclaration(decl) || ts.isParameter(decl)) && (decl.type ? typeMethods(decl.type) : decl.initializer && instanceMethods(decl.initializer));
    return members && members(method, call) ? {} : undefined;
  };
  return { returnsPromise };
}

/** Short source text of a callee or chain for messages: `this.ordersService.create`, `loadRates(…).then(…)`, `chokidar.watch(…).on`. */
function describeCall(expr: ts.Expression): string {
  const e = unwrap(expr);
  if (ts.isCallExpression(e) || ts.isNewExpression(e)) return `${ts.isNewExpression(e) ? 'new ' : ''}${describeCall(e.expression)}(…)`;
  if (ts.isPropertyAccessExpression(e)) return `${describeCall(e.expression)}${e.questionDotToken ? '?.' : '.'}${e.name.text}`;
  const text = e.getText().replace(/\s+/g, '');
  return text.length <= 40 ? text : '…';
}

/** The async function a registration argument is: inline, or a function of this file named by it. */
function asyncCallback(arg: ts.Expression, helpers: Helpers): { fn: AsyncFn; what: string } | undefined {
  const e = unwrap(arg);
  if (hasAsyncKeyword(e)) return { fn: e, what: 'callback' };
  if (!ts.isIdentifier(e)) return undefined;
  const decl = helpers.declarationOf(e);
  const fn = decl && (ts.isFunctionDeclaration(decl) ? decl : ts.isVariableDeclaration(decl) && isConst(decl) && decl.initializer ? unwrap(decl.initializer) : undefined);
  return fn && hasAsyncKeyword(fn) ? { fn, what: `function \`${e.text}\`` } : undefined;
}

export default defineFileRule({
  id: 'no-floating-promise',
  category: 'resilience',
  severity: 'high',
  recommended: true,
  defaultOptions: {},
  messages: {
    floating: '`{{call}}` returns a promise that nobody awaits: `await` it, return it, or end it with `.catch(…)` (use `void` to opt out explicitly)',
    thenWithoutCatch: '`{{call}}` has no rejection handler: end the chain with `.catch(…)`, pass `.then(onFulfilled, onRejected)`, or `await` it',
    finallyWithoutCatch: '`{{call}}` ends in `.finally(…)`, which passes the rejection on: add `.catch(…)` before it, or `await` the chain',
    asyncIife: 'async IIFE `{{call}}` is not awaited and nothing catches its rejection: end it with `.catch(…)` or wrap its body in `try { … } catch`',
    forEachAsync: 'async {{what}} given to `forEach`: `forEach` ignores the promise it returns, so nothing awaits the work or catches its rejection — use `for…of` with `await`, or `await Promise.all(items.map(…))`',
    unguardedCallback: 'async {{what}} given to `{{registrar}}` has no try/catch: its rejection is unhandled and ends the process — wrap the body in `try { … } catch`',
  },
  docs: {
    description: 'Disallow promises that nobody awaits, returns or handles, and async callbacks whose rejection nobody catches.',
    why:
      'A promise that is neither awaited, returned nor given a rejection handler rejects into the void: since Node 15 an ' +
      'unhandled rejection ends the process, so one failed audit write or one bad tick of a polling job takes every in-flight ' +
      'request down with it. The same happens to async callbacks handed to APIs that ignore their result: `forEach`, event ' +
      'emitters (`emitter.on`, `process.on`), timers (`setInterval`, `setTimeout`) and node-cron. Without a type checker the rule ' +
      'only judges calls it knows return a promise: async functions and methods of the file or of project modules (across files, ' +
      'including NestJS-style injected services), `.then` chains, and well-known promise APIs (fetch, axios, got, fs/promises, pg).',
    fix:
      '`await` the promise or return it; for deliberate fire-and-forget work end it with `.catch((err) => logger.warn({ err }, …))`, ' +
      'or write `void task()` to opt out explicitly. Replace `forEach(async …)` with `for…of` and `await`, or `await Promise.all(items.map(…))`. ' +
      'Wrap the body of async listeners, timers and cron tasks in `try { … } catch (err) { logger.error({ err }, …) }`.',
    sites: 'calls known to return a promise and async callbacks given to forEach, emitters, timers and cron',
    examples: {
      invalid: [
        {
          filename: 'src/services/orders.service.ts',
          code:
            "import { insertOrder, type NewOrder } from '../repositories/orders.repository';\n\n" +
            'async function recordAudit(action: string, entityId: string): Promise<void> {\n' +
            "  await fetch(`${process.env.AUDIT_URL}/events`, { method: 'POST', body: JSON.stringify({ action, entityId }), signal: AbortSignal.timeout(2000) });\n}\n\n" +
            "export async function createOrder(input: NewOrder) {\n  const order = await insertOrder(input);\n  recordAudit('order.created', order.id);\n  return order;\n}\n",
        },
        {
          filename: 'src/jobs/cleanup.job.ts',
          code:
            "import { deleteExpiredSessions } from '../repositories/sessions.repository';\n\n" +
            'export function startCleanup() {\n  return setInterval(async () => {\n    await deleteExpiredSessions();\n  }, 60_000);\n}\n',
        },
        {
          filename: 'src/services/reminders.service.ts',
          code:
            "import { sendReminder } from './mailer';\n\n" +
            'export function remindAll(userIds: string[]) {\n  userIds.forEach(async (id) => {\n    await sendReminder(id);\n  });\n}\n',
        },
      ],
      valid: [
        {
          filename: 'src/services/orders.service.ts',
          code:
            "import { logger } from '../lib/logger';\nimport { insertOrder, type NewOrder } from '../repositories/orders.repository';\n\n" +
            'async function recordAudit(action: string, entityId: string): Promise<void> {\n' +
            "  await fetch(`${process.env.AUDIT_URL}/events`, { method: 'POST', body: JSON.stringify({ action, entityId }), signal: AbortSignal.timeout(2000) });\n}\n\n" +
            'export async function createOrder(input: NewOrder) {\n  const order = await insertOrder(input);\n' +
            "  recordAudit('order.created', order.id).catch((err) => logger.warn({ err }, 'audit failed'));\n  return order;\n}\n",
        },
        {
          filename: 'src/jobs/cleanup.job.ts',
          code:
            "import { logger } from '../lib/logger';\nimport { deleteExpiredSessions } from '../repositories/sessions.repository';\n\n" +
            'export function startCleanup() {\n  return setInterval(async () => {\n    try {\n      await deleteExpiredSessions();\n' +
            "    } catch (err) {\n      logger.error({ err }, 'session cleanup failed');\n    }\n  }, 60_000);\n}\n",
        },
        {
          filename: 'src/services/reminders.service.ts',
          code:
            "import { sendReminder } from './mailer';\n\n" +
            'export async function remindAll(userIds: string[]) {\n  await Promise.all(userIds.map((id) => sendReminder(id)));\n}\n',
        },
      ],
    },
  },
  create(context) {
    // In a browser an unhandled rejection is logged, not fatal: the failure this rule prevents is a server's.
    if (context.file.roles.has('browser')) return {};
    const { helpers } = context;
    const { returnsPromise } = knowledge(helpers, context.project);
    const isPromise = (e: ts.Expression) => (ts.isCallExpression(e) || ts.isNewExpression(e)) && !!returnsPromise(e);

    /** A promise-returning call; a chain is judged once, at its outermost link. */
    const checkPromise = (call: ts.CallExpression | ts.NewExpression) => {
      if (isChainReceiver(call)) return;
      const source = returnsPromise(call);
      if (!source) return;
      context.countSite(call);
      if (!isDiscarded(call) || chainHandlesRejection(call)) return;
      // An async function of this file that catches everything it awaits cannot reject.
      if (source.fn && rejectionsHandled(source.fn, isPromise)) return;
      const link = ts.isCallExpression(call) ? chainLink(call) : undefined;
      const iife = ts.isCallExpression(call) && source.fn === unwrap(call.expression);
      const messageId = link?.method === 'then' ? 'thenWithoutCatch' : link?.method === 'finally' ? 'finallyWithoutCatch' : iife ? 'asyncIife' : 'floating';
      context.report({ node: call, messageId, data: { call: iife ? '(async … )()' : describeCall(call) } });
    };

    /** An async function handed to an API that ignores its promise. */
    const checkCallback = (arg: ts.Expression, registrar: string) => {
      const cb = asyncCallback(arg, helpers);
      if (!cb) return;
      context.countSite(arg);
      if (registrar === 'forEach') context.report({ node: arg, messageId: 'forEachAsync', data: { what: cb.what } });
      else if (!rejectionsHandled(cb.fn, isPromise)) context.report({ node: arg, messageId: 'unguardedCallback', data: { what: cb.what, registrar } });
    };

    return {
      NewExpression: checkPromise,
      CallExpression(call: ts.CallExpression) {
        checkPromise(call);
        const callee = unwrap(call.expression);
        const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
        const [first, second] = call.arguments;
        const name = ts.isIdentifier(callee) ? callee.text : method;
        const timer = name && TIMERS.has(name) && (helpers.isGlobalCall(call, name) || helpers.isCallTo(call, 'timers', name)) ? name : undefined;
        if (method === 'forEach' && first) checkCallback(first, 'forEach');
        else if (method && EMITTER_METHODS.has(method) && second) for (const arg of call.arguments.slice(1)) checkCallback(arg, describeCall(callee));
        else if (timer && first) checkCallback(first, timer);
        else if (helpers.isCallTo(call, 'node-cron', 'schedule') && second) checkCallback(second, describeCall(callee));
      },
    };
  },
});
