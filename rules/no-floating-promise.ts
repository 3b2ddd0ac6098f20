// no-floating-promise: a promise nobody awaits, returns or handles — a call known to return one
// left as a statement, a `.then(f)`/`.finally(f)` chain without a rejection handler, an async
// callback given to `forEach`, and async callbacks given to emitters, timers and node-cron that do
// not catch. On Node 15+ the rejection of such a promise is an unhandled rejection, which ends the
// process: one failed audit write or one bad tick of a job takes every in-flight request down.
// Without a type checker, "known to return a promise" means: an async function or method of this
// file or of a project module (from the facts), a `.then` chain, or a well-known promise API. With
// `--types` the TypeScript checker decides for every call whose type it knows (context.types).
// A promise stored in a variable or field, or passed to any call, counts as handled: it is not
// tracked further, so the rule stays silent rather than guess where it goes.
// Not flagged either: an async function of this file that cannot reject, called bare or given as a
// listener/timer callback — its body catches everything it awaits, or every await outside a try is of
// such a function of this file (followed a few calls deep, not around a cycle) and it neither throws
// nor calls a function of this file that throws (unleash's metrics listener and token poller). A body
// with no try at all is taken to be able to throw from any call it makes, except starting a timer with
// a function or clearing one: the timer's callback runs later, outside this promise (docmost's
// `maintainLock`, which only assigns `this.locks[doc] = setInterval(() => …, ms)`).
// Not judged: browser code and tests (see `create`).
// Nor a call of an exported async function or method of a project module (an imported function, an
// injected service's method) whose own body catches everything (teable's session store `get`), also
// when a timers/promises sleep that cannot reject comes before its try (directus's telemetry `track`,
// whose delay `getRandomWaitTime()` is an imported function returning a number by its syntax). An
// awaited sleep, or a function that cannot reject only because nothing in it can fail (an empty body,
// a sleep wrapper), is no error handling for what follows it (see `Settles` in ../src/core/promises.ts).
// Nor `emitAsync` of the EventEmitter2 NestJS injects, or a service method that only returns it, when
// the project depends on @nestjs/event-emitter >= 2.0.2 (every `@OnEvent` listener's error is logged,
// not rethrown) and no non-test module sets `suppressErrors` to other than `true` or adds a listener
// to that emitter by hand (teable's EventEmitterService.emitAsync). Nor a `Promise.allSettled(…)`
// chain of `.then`/`.finally` callbacks (block bodies) that neither throw nor return a value.
import semver from 'semver';
import { ts } from '../src/core/typescript.js';
import type { Helpers } from '../src/core/helpers.js';
import { chainHandlesRejection, chainLink, containsOwn, hasAsyncKeyword, isChainReceiver, isConst, isFunctionNode, isInjectedEmitAsync, isWrapper, promiseKnowledge, settlement, type AsyncFn, type CalleeKnowledge, type FunctionNode, type PromiseSource, type Settles } from '../src/core/promises.js';
import { unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';
import { compactText } from '../src/core/text.js';
import type { ProjectFacts } from '../src/project/facts.js';

const EMITTER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);
const TIMERS = new Set(['setInterval', 'setTimeout', 'setImmediate']);
const TIMER_CLEARS = new Set(['clearInterval', 'clearTimeout', 'clearImmediate']);
/** How many functions deep "cannot reject" follows awaited calls (a deeper chain is left unknown: it can reject). */
const MAX_CALLEE_DEPTH = 4;
/** The @nestjs/event-emitter release from which every `@OnEvent` listener's error is logged, not rethrown, unless `suppressErrors: false`. */
const NEST_EMITTER_SUPPRESSES = '2.0.2';

/**
 * `emitAsync` of the EventEmitter2 NestJS injects cannot reject: the project depends on
 * @nestjs/event-emitter at NEST_EMITTER_SUPPRESSES or later (the lowest version its range admits), and
 * no non-test module sets `suppressErrors` to anything but `true` or adds a listener to the emitter by hand.
 */
function nestListenersSettle(project: ProjectFacts): boolean {
  const range = project.dependencyRange('@nestjs/event-emitter');
  let min: semver.SemVer | null = null;
  try {
    min = range ? semver.minVersion(range) : null;
  } catch {
    min = null;
  }
  if (!min || semver.lt(min, NEST_EMITTER_SUPPRESSES)) return false;
  for (const [file, facts] of project.modules) if (facts.evidence.eventListenersRethrow && !project.roles(file).has('test')) return false;
  return true;
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

/** Short source text of a callee or chain for messages: `this.ordersService.create`, `loadRates(…).then(…)`, `chokidar.watch(…).on`. */
function describeCall(expr: ts.Expression): string {
  const e = unwrap(expr);
  if (ts.isCallExpression(e) || ts.isNewExpression(e)) return `${ts.isNewExpression(e) ? 'new ' : ''}${describeCall(e.expression)}(…)`;
  // `(await import('axios')).default.post(…)` keeps the parentheses that bind the await to the import.
  if (ts.isPropertyAccessExpression(e)) return `${ts.isAwaitExpression(unwrap(e.expression)) ? `(${describeCall(e.expression)})` : describeCall(e.expression)}${e.questionDotToken ? '?.' : '.'}${e.name.text}`;
  const text = compactText(e);
  return text.length <= 40 ? text : '…';
}

/** The function a callback argument is: inline, or a function declaration or const function of this file named by it. */
function functionArgument(arg: ts.Expression, helpers: Helpers): FunctionNode | undefined {
  const e = unwrap(arg);
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return e;
  if (!ts.isIdentifier(e)) return undefined;
  const decl = helpers.declarationOf(e);
  const fn = decl && (ts.isFunctionDeclaration(decl) ? decl : ts.isVariableDeclaration(decl) && isConst(decl) && decl.initializer ? unwrap(decl.initializer) : undefined);
  return fn && isFunctionNode(fn) ? fn : undefined;
}

/** The async function a registration argument is: inline, or a function of this file named by it. */
function asyncCallback(arg: ts.Expression, helpers: Helpers): { fn: AsyncFn; what: string } | undefined {
  const fn = functionArgument(arg, helpers);
  if (!fn || !hasAsyncKeyword(fn)) return undefined;
  const e = unwrap(arg);
  return { fn, what: ts.isIdentifier(e) ? `function \`${e.text}\`` : 'callback' };
}

/** The timer function a call runs (`setInterval`, `clearTimeout`, …): a global one (also as `globalThis.x`) or node:timers'. */
function timerCall(call: ts.CallExpression | ts.NewExpression, helpers: Helpers): string | undefined {
  if (!ts.isCallExpression(call)) return undefined;
  const callee = unwrap(call.expression);
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  if (!name || !(TIMERS.has(name) || TIMER_CLEARS.has(name))) return undefined;
  return helpers.isGlobalCall(call, name) || helpers.isCallTo(call, 'timers', name) ? name : undefined;
}

/**
 * The call starts a timer with a function (inline or of this file) or clears one: it does not throw.
 * What the function does happens later, outside the promise of the body that starts it. A timer
 * given anything else (`setTimeout(this.options.onExpire, ms)`) throws when that is not a function.
 */
function isQuietTimerCall(call: ts.CallExpression | ts.NewExpression, helpers: Helpers): boolean {
  const timer = timerCall(call, helpers);
  if (!timer) return false;
  const [first] = call.arguments ?? [];
  return TIMER_CLEARS.has(timer) || (!!first && !!functionArgument(first, helpers));
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
      'including NestJS-style injected services), `.then` chains, and well-known promise APIs (fetch, axios, got, fs/promises, pg). ' +
      'With `--types` (a tsconfig.json at the root, dependencies installed) the TypeScript checker decides for every call whose type it ' +
      'knows: it also finds methods of services typed by an interface or by a package (`Repository.save`, a mailer SDK), and promise-returning ' +
      'calls of libraries the list does not know, and it clears a call the syntactic guess got wrong; calls typed `any` and files outside the ' +
      'tsconfig keep the syntactic knowledge (see docs/types.md). Not flagged: an async function of the file that cannot reject, called bare ' +
      'or given as a callback: its body catches everything it awaits, or it awaits (outside a try) only such functions of the file, ' +
      'and neither throws nor calls a function of the file that throws (a body with no try that makes any other call is taken to be able to ' +
      'throw, except starting a timer with a function or clearing one: a method that only does `this.timers[id] = setInterval(() => …, ms)` ' +
      'cannot reject, as the callback runs later, outside its promise); nor a call of an exported async function or method of a ' +
      "project module (an imported function, an injected service's method) whose own body catches everything (in both, a sleep of " +
      'node:timers/promises may come before the try: an awaited `setTimeout`, `setImmediate` or `scheduler.wait` with a number delay, ' +
      'a literal value and no `signal` cannot reject; the delay must be a number by its syntax, in TypeScript too, as a string one rejects ' +
      'and an `any` or a parameter typed `number` may hold one: a literal, arithmetic on numbers, `Math.*`, `Number(…)`, a const or a ' +
      'function of the file or an imported project function that returns one; such a sleep, or an empty async function, is no error handling: ' +
      'awaited before other calls with nothing guarded, the body can still reject); nor `emitAsync` of ' +
      'the injected NestJS `EventEmitter2` (or a service method that only returns it) with @nestjs/event-emitter >= 2.0.2, which logs ' +
      "every `@OnEvent` listener's error, when no module sets `suppressErrors: false` or adds a listener to that emitter by hand; " +
      'nor a `Promise.allSettled(…).then(…)` chain whose callbacks (block bodies) neither throw nor return a value (`allSettled` does not reject). ' +
      'Browser code (an unhandled rejection is logged there) and tests (a rejection fails the test run, as it should) are not judged; ' +
      'scripts and workers are.',
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
    // The failure this rule prevents is a server's: in a browser an unhandled rejection is logged,
    // not fatal, and a test is a program whose rejection should end it (the runner reports it).
    // Files with the cli role are judged: the role comes from directory names (`tools/`, `commands/`
    // of a CQRS module, `bin/worker.js`) that also hold code of long-lived processes.
    const { roles } = context.file;
    if (roles.has('browser') || roles.has('test')) return {};
    const { helpers } = context;
    const known = promiseKnowledge(helpers, context.project);
    // The checker decides where it knows the type (`--types`); an `any` leaves it to the syntactic knowledge.
    // A syntactic source is kept for the async function of this file it names (its own body may catch everything).
    const returnsPromise = (call: ts.CallExpression | ts.NewExpression): PromiseSource | undefined => {
      const typed = context.types?.returnsPromise(call);
      if (typed === false) return undefined;
      const source = known.returnsPromise(call);
      return typed ? (source ?? {}) : source;
    };
    const isPromise = (e: ts.Expression) => (ts.isCallExpression(e) || ts.isNewExpression(e)) && !!returnsPromise(e);
    // `this.events.emitAsync(…)` on the injected NestJS emitter, or a service method that only returns it.
    const emitsNestEvents = (call: ts.CallExpression | ts.NewExpression, source: PromiseSource) =>
      !!source.emitsEvents || (ts.isCallExpression(call) && isInjectedEmitAsync(call, (e) => helpers.referenceOf(e)));
    let nestVerdict: boolean | undefined;
    const nestSettles = () => (nestVerdict ??= nestListenersSettle(context.project));

    /** A non-async function of this file that throws: a `throw` in its own body (caught or not), or a call to such a function of this file. */
    const throwsSync = (fn: FunctionNode, seen: Set<FunctionNode>): boolean => {
      seen.add(fn);
      const body = fn.body;
      return !!body && containsOwn(body, (n) => {
        if (ts.isThrowStatement(n)) return true;
        const callee = ts.isCallExpression(n) ? known.localFunction(n) : undefined;
        return !!callee && !hasAsyncKeyword(callee) && !seen.has(callee) && throwsSync(callee, seen);
      });
    };
    const throwsVerdicts = new Map<FunctionNode, boolean>();
    // Verdicts of cannotReject, one per function of this file (see below).
    const rejectVerdicts = new Map<AsyncFn, Settles>();
    const underWay: AsyncFn[] = [];
    const callees: CalleeKnowledge = {
      settles: (call) => {
        const source = returnsPromise(call);
        return !!source && (source.settles || (!!source.fn && cannotReject(source.fn)) || (emitsNestEvents(call, source) && nestSettles()));
      },
      throws: (call) => {
        const fn = known.localFunction(call);
        if (!fn || hasAsyncKeyword(fn)) return false;
        let verdict = throwsVerdicts.get(fn);
        if (verdict === undefined) throwsVerdicts.set(fn, (verdict = throwsSync(fn, new Set())));
        return verdict;
      },
      cannotThrow: (call) => isQuietTimerCall(call, helpers),
      returnsNumber: (callee) => {
        const ref = helpers.referenceOf(callee);
        return ref?.kind === 'module' && !!ref.resolved && ref.path.length === 1 && helpers.exportOf(ref)?.info.returnsNumber === true;
      },
    };
    /**
     * An async function of this file cannot reject (and how it settles, see `Settles`): its own body
     * catches everything it awaits (`settlement` without callees), or every `await` and returned
     * promise in it that no try covers is a call of an async function of this file that cannot
     * reject (followed up to MAX_CALLEE_DEPTH deep), no `throw` and no call of a function of this
     * file that throws is outside a catching try. Other
     * synchronous calls are taken not to throw, as `rejectionGap` takes them beside a `.catch(…)` chain;
     * a body with nothing guarded that calls anything but a timer it starts or clears can reject.
     * A function already under way (recursion) is not known to settle. Every verdict is kept, also a
     * negative one reached through such a cut-off: a function's verdict may then depend on where it was
     * first reached, but a cut-off only ever turns a verdict negative (a finding kept, none dropped), and
     * each function is judged once per file (without that, K awaits per method cost K^depth walks).
     */
    const cannotReject = (fn: AsyncFn): Settles => {
      const kept = rejectVerdicts.get(fn);
      if (kept !== undefined) return kept;
      const own = settlement(fn, isPromise);
      if (own) {
        rejectVerdicts.set(fn, own);
        return own;
      }
      if (underWay.includes(fn) || underWay.length >= MAX_CALLEE_DEPTH) return false;
      underWay.push(fn);
      const verdict = settlement(fn, isPromise, callees);
      underWay.pop();
      rejectVerdicts.set(fn, verdict);
      return verdict;
    };

    /**
     * A `.then`/`.finally` callback that settles its link: a non-async function literal with a block
     * body that returns no value (so no promise it could adopt), contains no `throw` (in a nested
     * function too: `results.forEach((r) => { throw r.reason })` runs in it) and calls no function of
     * this file that throws.
     */
    const quietCallback = (arg: ts.Expression): boolean => {
      const fn = unwrap(arg);
      if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || (ts.isFunctionExpression(fn) && fn.asteriskToken)) return false;
      const body = fn.body;
      if (hasAsyncKeyword(fn) || !ts.isBlock(body)) return false;
      const throwsInside = (n: ts.Node): boolean => ts.isThrowStatement(n) || !!ts.forEachChild(n, throwsInside);
      if (throwsInside(body)) return false;
      return !containsOwn(body, (n) => (ts.isReturnStatement(n) && !!n.expression) || (ts.isCallExpression(n) && callees.throws(n)));
    };
    /**
     * `Promise.allSettled(jobs).then((results) => { … })`: a chain on `Promise.allSettled`, which does
     * not reject (given an iterable), whose every link is `.then`/`.finally` with quiet callbacks
     * (unleash's allSettledWithRejection hands each outcome to an enclosing promise's resolve/reject).
     * Other synchronous calls are taken not to throw, as for `cannotReject`.
     */
    const settledChain = (call: ts.CallExpression): boolean => {
      let e: ts.Expression = call;
      for (let link = chainLink(call); link; link = ts.isCallExpression(e) ? chainLink(e) : undefined) {
        const linkCall = e as ts.CallExpression;
        if ((link.method !== 'then' && link.method !== 'finally') || !linkCall.arguments.every(quietCallback)) return false;
        e = link.receiver;
      }
      return e !== call && ts.isCallExpression(e) && helpers.isGlobalCall(e, 'Promise', 'allSettled');
    };

    /** A promise-returning call; a chain is judged once, at its outermost link. */
    const checkPromise = (call: ts.CallExpression | ts.NewExpression) => {
      if (isChainReceiver(call)) return;
      const source = returnsPromise(call);
      if (!source) return;
      context.countSite(call);
      if (!isDiscarded(call) || chainHandlesRejection(call)) return;
      // An async function of this file that catches everything it awaits (itself or through its callees) cannot reject,
      // nor can an exported one of a project module whose own body catches everything.
      if (source.settles || (source.fn && cannotReject(source.fn))) return;
      if (emitsNestEvents(call, source) && nestSettles()) return;
      if (ts.isCallExpression(call) && settledChain(call)) return;
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
      else if (!cannotReject(cb.fn)) context.report({ node: arg, messageId: 'unguardedCallback', data: { what: cb.what, registrar } });
    };

    return {
      NewExpression: checkPromise,
      CallExpression(call: ts.CallExpression) {
        checkPromise(call);
        const callee = unwrap(call.expression);
        const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
        const [first, second] = call.arguments;
        const timer = timerCall(call, helpers);
        if (method === 'forEach' && first) checkCallback(first, 'forEach');
        else if (method && EMITTER_METHODS.has(method) && second) for (const arg of call.arguments.slice(1)) checkCallback(arg, describeCall(callee));
        else if (timer && TIMERS.has(timer) && first) checkCallback(first, timer);
        else if (helpers.isCallTo(call, 'node-cron', 'schedule') && second) checkCallback(second, describeCall(callee));
      },
    };
  },
});
