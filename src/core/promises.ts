// Which calls return a promise, without a type checker: async functions and methods of this file
// or of a project module (from the facts, across files), methods of NestJS-style injected services,
// `.then` chains, and well-known promise APIs (fs/promises, fetch, axios, got, pg, undici). Also how
// a promise chain or an async function handles rejections. Shared by the rules that reason about
// unhandled rejections.
import { ts } from './typescript.js';
import type { ProjectFacts } from '../project/facts.js';
import type { Reference } from './types.js';
import { asyncMembersOf as listAsyncMembers, isAsyncFunctionLike, type ExportInfo } from '../project/modules.js';
import type { Helpers } from './helpers.js';
import { clientReturnsPromise } from './http-clients.js';
import { memberFunctionOf, referenceOf, unwrap } from './references.js';
import { isFunctionLike, kindTable, ScopeIndex } from './scope.js';

const PROMISE_STATICS = new Set(['resolve', 'reject', 'all', 'allSettled', 'race', 'any', 'try']);
const CHAIN_METHODS = new Set(['then', 'catch', 'finally']);
/** Packages whose `when(…)` returns a workflow-step builder with a `.then`, not a promise. */
const WORKFLOW_SDK = /^@medusajs\/(framework\/)?workflows-sdk(\/composer)?$/;

/** A function with a body of its own kind: declaration, expression, arrow or method. */
export type FunctionNode = ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration | ts.MethodDeclaration;
export type AsyncFn = FunctionNode;

const FUNCTION_NODE_KINDS = kindTable([ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.FunctionExpression, ts.SyntaxKind.ArrowFunction, ts.SyntaxKind.MethodDeclaration]);

export function isFunctionNode(n: ts.Node): n is FunctionNode {
  return FUNCTION_NODE_KINDS[n.kind] === 1;
}
/** Does calling `method` on the object return a promise? (the call is given for callback-style APIs) The source when it does. */
type MemberTest = (method: string, call: ts.CallExpression) => PromiseSource | undefined;
/**
 * A call known to return a promise; `fn` is the async function it runs when it is declared in this file.
 * `settles`: it runs an exported async function or method of a project module whose own body cannot
 * reject (the facts' `settles` / `settlingMethods`; `'quietly'` when nothing in it is guarded, see `Settles`).
 */
export type PromiseSource = { fn?: AsyncFn; settles?: Settles; emitsEvents?: boolean };

/** A syntactic wrapper that passes its operand's value on: `(x)`, `x as T`, `x!`, `x satisfies T`. */
export const isWrapper = (n: ts.Node) => ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isNonNullExpression(n) || ts.isSatisfiesExpression(n) || ts.isTypeAssertionExpression(n);
export const hasAsyncKeyword = (n: ts.Node): n is AsyncFn => isFunctionNode(n) && !!ts.getModifiers(n)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
const has = (names: ReadonlySet<string>): MemberTest => (m) => (names.has(m) ? {} : undefined);
const nameText = (n: ts.PropertyName | ts.BindingName) => (ts.isIdentifier(n) || ts.isPrivateIdentifier(n) || ts.isStringLiteral(n) ? n.text : undefined);
export const isConst = (d: ts.VariableDeclaration) => ts.isVariableDeclarationList(d.parent) && (d.parent.flags & ts.NodeFlags.Const) !== 0;
const lastArgIsCallback = (call: ts.CallExpression) => { const a = call.arguments.at(-1); return !!a && (ts.isArrowFunction(a) || ts.isFunctionExpression(a)); };

/** `x.then(…)` / `.catch(…)` / `.finally(…)`: the link's receiver and method. */
export function chainLink(call: ts.CallExpression): { receiver: ts.Expression; method: string } | undefined {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !CHAIN_METHODS.has(callee.name.text)) return undefined;
  return { receiver: unwrap(callee.expression), method: callee.name.text };
}

/** `expr` is the receiver of a further chain link (`expr.then(…)`): the chain's outer call decides. */
export function isChainReceiver(expr: ts.Node): boolean {
  let e = expr;
  while (isWrapper(e.parent)) e = e.parent;
  const access = e.parent;
  return ts.isPropertyAccessExpression(access) && access.expression === e && CHAIN_METHODS.has(access.name.text) && ts.isCallExpression(access.parent) && access.parent.expression === access;
}

/** A link of the chain (outermost first) handles rejections: `.catch(…)` or `.then(a, b)`. */
export function chainHandlesRejection(expr: ts.Expression): boolean {
  let e = unwrap(expr);
  for (let link = ts.isCallExpression(e) ? chainLink(e) : undefined; link; link = ts.isCallExpression(e) ? chainLink(e) : undefined) {
    const call = e as ts.CallExpression;
    const onRejected = call.arguments[1];
    if (link.method === 'catch' || (link.method === 'then' && onRejected && !(onRejected.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(onRejected) && onRejected.text === 'undefined')))) return true;
    e = link.receiver;
  }
  return false;
}

/** `root` or a node under it, not inside a nested function or class, matches. */
export function containsOwn(root: ts.Node, test: (n: ts.Node) => boolean): boolean {
  const visit = (n: ts.Node): boolean => !isNested(n) && (test(n) || !!ts.forEachChild(n, visit));
  return visit(root);
}

// Kinds rejectionGap's walk switches on, as plain numbers (see kindTable in ./scope.ts).
const TRY_STATEMENT = ts.SyntaxKind.TryStatement;
const AWAIT_EXPRESSION = ts.SyntaxKind.AwaitExpression;
const THROW_STATEMENT = ts.SyntaxKind.ThrowStatement;
const FOR_OF_STATEMENT = ts.SyntaxKind.ForOfStatement;
const RETURN_STATEMENT = ts.SyntaxKind.ReturnStatement;
const CALL_EXPRESSION = ts.SyntaxKind.CallExpression;
const NEW_EXPRESSION = ts.SyntaxKind.NewExpression;
const CLASS_DECLARATION = ts.SyntaxKind.ClassDeclaration;
const CLASS_EXPRESSION = ts.SyntaxKind.ClassExpression;

function isNested(n: ts.Node): boolean {
  return isFunctionLike(n) || n.kind === CLASS_DECLARATION || n.kind === CLASS_EXPRESSION;
}

// A scope index per file for `isQuietSleep`, only for files that name timers/promises at all (the
// others cannot import it): most files never build one.
const sleepScopes = new WeakMap<ts.SourceFile, ScopeIndex | null>();
function sleepScope(node: ts.Node): ScopeIndex | null {
  const sf = node.getSourceFile();
  let scope = sleepScopes.get(sf);
  if (scope === undefined) sleepScopes.set(sf, (scope = sf.text.includes('timers/promises') ? new ScopeIndex() : null));
  return scope;
}

const NUMBER_GLOBALS = new Set(['NaN', 'Infinity', 'undefined']);
const NUMBER_FUNCTIONS = new Set(['Number', 'parseInt', 'parseFloat', 'Date.now', 'Number.parseInt', 'Number.parseFloat']);
const NUMBER_OPERATORS = new Set([
  ts.SyntaxKind.PlusToken,
  ts.SyntaxKind.MinusToken,
  ts.SyntaxKind.AsteriskToken,
  ts.SyntaxKind.SlashToken,
  ts.SyntaxKind.PercentToken,
  ts.SyntaxKind.AsteriskAsteriskToken,
  ts.SyntaxKind.BarBarToken,
  ts.SyntaxKind.AmpersandAmpersandToken,
  ts.SyntaxKind.QuestionQuestionToken,
]);
/** How deep `isNumeric` follows consts and functions (a cycle ends there too). */
const MAX_NUMBER_DEPTH = 4;

/**
 * Whether a call of a function imported from a project module returns a number by its syntax (the
 * facts' `returnsNumber`): asked with the callee (`getRandomWaitTime` in `getRandomWaitTime()`).
 */
export type ImportedNumber = (callee: ts.Expression) => boolean;

/**
 * A number (or undefined) by its syntax alone: a numeric literal, arithmetic or `||`/`??` on such
 * values, `Math.x(…)`, `Number(…)`, `parseInt(…)`, `Date.now()`, a `const` holding one, or a
 * call of a function of this file (not async) whose every return is one (`returnsNumber`), or of an
 * imported one `imported` knows. A bigint or a string is not, nor is anything typed `number` only by
 * an annotation (a parameter, a property, a generic's argument): what reaches it may be `any`
 * (`req.body.delayMs`, `x as any`, NestJS's `config.get<number>(…)`, which returns the environment's string).
 */
function isNumeric(expr: ts.Expression, scope: ScopeIndex, imported: ImportedNumber | undefined, depth = 0): boolean {
  const e = unwrap(expr);
  if (ts.isNumericLiteral(e)) return true;
  if (ts.isPrefixUnaryExpression(e)) return (e.operator === ts.SyntaxKind.MinusToken || e.operator === ts.SyntaxKind.PlusToken) && isNumeric(e.operand, scope, imported, depth);
  if (ts.isBinaryExpression(e)) return NUMBER_OPERATORS.has(e.operatorToken.kind) && isNumeric(e.left, scope, imported, depth) && isNumeric(e.right, scope, imported, depth);
  if (ts.isConditionalExpression(e)) return isNumeric(e.whenTrue, scope, imported, depth) && isNumeric(e.whenFalse, scope, imported, depth);
  if (ts.isCallExpression(e)) {
    const ref = referenceOf(e.expression, scope, () => null);
    if (ref?.kind === 'global') return ref.path.length <= 1 && ((ref.name === 'Math' && ref.path.length === 1) || NUMBER_FUNCTIONS.has([ref.name, ...ref.path].join('.')));
    if (ref?.kind === 'module') return !!imported?.(e.expression);
    const fn = ref?.kind === 'local' && ref.path.length === 0 ? functionOf(ref.declaration) : undefined;
    return !!fn && depth < MAX_NUMBER_DEPTH && returnsNumberIn(fn, scope, imported, depth + 1);
  }
  if (!ts.isIdentifier(e)) return false;
  const decl = scope.declarationOf(e);
  if (!decl) return NUMBER_GLOBALS.has(e.text);
  return depth < MAX_NUMBER_DEPTH && ts.isVariableDeclaration(decl) && isConst(decl) && ts.isIdentifier(decl.name) && !!decl.initializer && isNumeric(decl.initializer, scope, imported, depth + 1);
}

/** The function a declaration names: a function declaration, or a `const` holding an arrow or function expression. */
function functionOf(decl: ts.Declaration): FunctionNode | undefined {
  if (ts.isFunctionDeclaration(decl)) return decl;
  if (!ts.isVariableDeclaration(decl) || !isConst(decl) || !decl.initializer) return undefined;
  const init = unwrap(decl.initializer);
  return ts.isArrowFunction(init) || ts.isFunctionExpression(init) ? init : undefined;
}

function returnsNumberIn(fn: FunctionNode, scope: ScopeIndex, imported: ImportedNumber | undefined, depth: number): boolean {
  const body = fn.body;
  if (!body || hasAsyncKeyword(fn) || (fn as { asteriskToken?: ts.Node }).asteriskToken) return false;
  if (!ts.isBlock(body)) return isNumeric(body, scope, imported, depth);
  return !containsOwn(body, (n) => ts.isReturnStatement(n) && !!n.expression && !isNumeric(n.expression, scope, imported, depth));
}

/**
 * A function (not async, not a generator) whose every returned value is a number by its syntax
 * (`isNumeric`): directus's `getRandomWaitTime = () => Math.floor(Math.random() * 1.8e6)`. The module
 * facts' `returnsNumber`; calls of imported functions in it are not followed.
 */
export function returnsNumber(fn: ts.Node, scope: ScopeIndex): boolean {
  return isFunctionNode(fn) && returnsNumberIn(fn, scope, undefined, 0);
}

/**
 * A timer's delay that cannot make it reject: none, or a number by its syntax (`isNumeric`), in
 * TypeScript as in JavaScript: timers/promises rejects a string or bigint delay, and a TypeScript delay
 * typed `number` may hold either (an `any` reaches it unchecked). A promise never passes (it would
 * float inside the function instead).
 */
function isQuietDelay(arg: ts.Expression | undefined, scope: ScopeIndex, isPromise: (e: ts.Expression) => boolean, imported: ImportedNumber | undefined): boolean {
  if (!arg) return true;
  const e = unwrap(arg);
  return !ts.isSpreadElement(e) && !isPromise(e) && isNumeric(e, scope, imported);
}

/** The value a timer resolves with, which cannot be a promise that rejects: none, `undefined`, or a literal. */
function isQuietValue(arg: ts.Expression | undefined): boolean {
  if (!arg) return true;
  const e = unwrap(arg);
  return ts.isLiteralExpression(e) || ts.isTemplateExpression(e) || (ts.isIdentifier(e) && e.text === 'undefined') || e.kind === ts.SyntaxKind.NullKeyword || e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword;
}

/** Timer options that cannot make it reject: none, or an object literal with at most `ref: true|false` (no `signal`, nothing unseen). */
function isQuietOptions(arg: ts.Expression | undefined): boolean {
  if (!arg) return true;
  const e = unwrap(arg);
  if (ts.isIdentifier(e)) return e.text === 'undefined';
  return ts.isObjectLiteralExpression(e) && e.properties.every((p) => ts.isPropertyAssignment(p) && nameText(p.name) === 'ref' && (p.initializer.kind === ts.SyntaxKind.TrueKeyword || p.initializer.kind === ts.SyntaxKind.FalseKeyword));
}

/**
 * A sleep of node:timers/promises that cannot reject (directus's `await setTimeout(getRandomWaitTime())`
 * before its telemetry `try`): `setTimeout(delay, value, options)`, `setImmediate(value, options)` or
 * `scheduler.wait(delay, options)`, imported under any name (import, namespace, default, require), whose
 * delay is a number (`isQuietDelay`; `imported` says which imported functions return one), whose value
 * is a literal, and whose options are absent or only `ref`. With a `signal` it rejects when aborted;
 * options it cannot see (a variable, a spread) may hold one. Its arguments' own calls and awaits are
 * judged where they are, like any other in the body.
 */
export function isQuietSleep(expr: ts.Expression, isPromise: (e: ts.Expression) => boolean = () => false, imported?: ImportedNumber): boolean {
  const call = unwrap(expr);
  if (!ts.isCallExpression(call)) return false;
  const scope = sleepScope(call);
  if (!scope) return false;
  const ref = referenceOf(call.expression, scope, () => null);
  if (ref?.kind !== 'module' || ref.module !== 'timers/promises') return false;
  const [first, second, third, ...more] = call.arguments;
  switch (ref.path.join('.')) {
    case 'setTimeout':
      return more.length === 0 && isQuietDelay(first, scope, isPromise, imported) && isQuietValue(second) && isQuietOptions(third);
    case 'setImmediate':
      return !third && isQuietValue(first) && isQuietOptions(second);
    case 'scheduler.wait':
      return !third && isQuietDelay(first, scope, isPromise, imported) && isQuietOptions(second);
    default:
      return false;
  }
}

/**
 * How a call of an async function that cannot reject settles: `true` when its body guards or handles
 * something (a catching try, an awaited `.catch(…)` chain or such a call), `'quietly'` when nothing in
 * it could fail in the first place (an empty body, a sleep that cannot reject, a call that settles
 * quietly): awaiting it cannot reject, but it is no error handling (see `rejectionGap`).
 */
export type Settles = boolean | 'quietly';

/** What a caller knows about called functions (see `rejectionGap`). */
export type CalleeKnowledge = {
  /** The call runs an async function that cannot reject (see `Settles`). */
  settles(call: ts.CallExpression | ts.NewExpression): Settles;
  /** The call (not a promise) is known to throw synchronously. */
  throws(call: ts.CallExpression | ts.NewExpression): boolean;
  /**
   * The call (not a promise) is known not to throw: starting a timer with a function or clearing one.
   * It does not make a body with nothing guarded `no-try` (every other call does).
   */
  cannotThrow(call: ts.CallExpression | ts.NewExpression): boolean;
  /** Which imported functions return a number by their syntax, for a sleep's delay (none when not given). */
  returnsNumber?: ImportedNumber;
};

/** Why an async function can reject through its own body: no try at all, an await/throw outside it, or a catch that rethrows. */
export type RejectionGap = 'no-try' | 'outside-try' | 'rethrows';

/**
 * How an async function's own body can reject; null when it cannot. It cannot when every `await`,
 * `for await`, `throw` and returned known promise sits in a try whose catch does not rethrow (an
 * awaited or returned chain ending in `.catch(…)` is handled too), and the body has a catching try
 * or handles what it awaits. Awaits inside a catching try's catch or finally count as its error
 * handling. An async body that calls anything with nothing guarded at all is `no-try`: a
 * synchronous throw in it rejects too (an empty body cannot reject, nor one whose only calls are
 * ones `callees.cannotThrow` clears). `isPromise` says which returned calls are promises (default: none).
 * `callees` (optional) carries what a caller knows about the functions called: an awaited or returned
 * call that `settles` (it runs a function that cannot reject) is handled like a `.catch(…)` chain,
 * an unguarded call that `throws` (synchronously) is an escape like a `throw` statement, and one that
 * `cannotThrow` (a timer started or cleared) is not counted as a call. An awaited or returned sleep
 * of timers/promises that cannot reject (`isQuietSleep`), or call that settles `'quietly'` (an empty
 * async function, a wrapper around such a sleep), is neither an escape nor a call, but it is no error
 * handling either: beside it, a body with nothing guarded that calls anything is still `no-try`.
 */
export function rejectionGap(fn: ts.SignatureDeclaration, isPromise: (e: ts.Expression) => boolean = () => false, callees?: CalleeKnowledge): RejectionGap | null {
  return rejectionVerdict(fn, isPromise, callees).gap;
}

/** How a call of the async function settles (see `Settles`): false when its body can reject (`rejectionGap`). */
export function settlement(fn: ts.SignatureDeclaration, isPromise: (e: ts.Expression) => boolean = () => false, callees?: CalleeKnowledge): Settles {
  const verdict = rejectionVerdict(fn, isPromise, callees);
  return verdict.gap === null && (verdict.handles || 'quietly');
}

/** `rejectionGap`'s verdict, and whether the body guards or handles anything (a catching try, an awaited call handled or settling with handling). */
export function rejectionVerdict(fn: ts.SignatureDeclaration, isPromise: (e: ts.Expression) => boolean = () => false, callees?: CalleeKnowledge): { gap: RejectionGap | null; handles: boolean } {
  const body = (fn as { body?: ts.Node }).body;
  if (!body) return { gap: null, handles: false };
  let escapes = false;
  const numbers = callees?.returnsNumber;
  // Once something escapes, the verdict is not null whatever the callees do: they are not asked
  // (each answer can walk other functions).
  const settles = (value: ts.Expression): Settles => {
    const v = unwrap(value);
    return !!callees && !escapes && (ts.isCallExpression(v) || ts.isNewExpression(v)) && callees.settles(v);
  };
  const unhandledPromise = (value: ts.Expression) => {
    const v = unwrap(value);
    return (ts.isCallExpression(v) || ts.isNewExpression(v)) && isPromise(v) && !chainHandlesRejection(v) && !settles(v) && !isQuietSleep(v, isPromise, numbers);
  };
  if (!ts.isBlock(body)) {
    const value = body as ts.Expression;
    if (chainHandlesRejection(value)) return { gap: null, handles: true };
    const settled = settles(value);
    return settled || isQuietSleep(value, isPromise, numbers) ? { gap: null, handles: settled === true } : { gap: 'no-try', handles: false };
  }
  let guarded = false;
  let handledAwaits = false;
  let rethrows = false;
  let unguardedCalls = false;
  // The calls of awaited sleeps that cannot reject, and of functions that settle quietly: neither an
  // escape nor a call that could throw, nor error handling (handledAwaits).
  let sleeps: Set<ts.Node> | undefined;
  // The children's visits, one closure each (not one per node).
  const visitCovered = (c: ts.Node): void => visit(c, true);
  const visitOpen = (c: ts.Node): void => visit(c, false);
  const visit = (n: ts.Node, covered: boolean): void => {
    const kind = n.kind;
    if (isNested(n)) return;
    if (kind === TRY_STATEMENT) {
      const t = n as ts.TryStatement;
      const catches = !!t.catchClause && !containsOwn(t.catchClause.block, ts.isThrowStatement);
      if (catches) guarded = true;
      else if (t.catchClause) rethrows = true;
      for (const part of [t.tryBlock, t.catchClause?.block, t.finallyBlock]) if (part) visit(part, covered || catches);
      return;
    }
    const awaited = kind === AWAIT_EXPRESSION ? (n as ts.AwaitExpression).expression : undefined;
    const handledChain = !!awaited && chainHandlesRejection(awaited);
    const settled = awaited && !handledChain ? settles(awaited) : false;
    if (handledChain || settled === true) handledAwaits = true;
    else if (awaited && (settled === 'quietly' || isQuietSleep(awaited, isPromise, numbers))) (sleeps ??= new Set()).add(unwrap(awaited));
    else if (!covered) {
      const risky =
        kind === AWAIT_EXPRESSION ||
        kind === THROW_STATEMENT ||
        (kind === FOR_OF_STATEMENT && !!(n as ts.ForOfStatement).awaitModifier) ||
        (kind === RETURN_STATEMENT && !!(n as ts.ReturnStatement).expression && unhandledPromise((n as ts.ReturnStatement).expression as ts.Expression));
      if (risky) escapes = true;
      // A known promise's rejection is judged where the promise is (floating or not), not here.
      if ((kind === CALL_EXPRESSION || kind === NEW_EXPRESSION) && !sleeps?.has(n) && !isPromise(n as ts.CallExpression | ts.NewExpression) && !callees?.cannotThrow(n as ts.CallExpression | ts.NewExpression)) {
        unguardedCalls = true;
        if (!escapes && callees?.throws(n as ts.CallExpression | ts.NewExpression)) escapes = true;
      }
    }
    ts.forEachChild(n, covered ? visitCovered : visitOpen);
  };
  visit(body, false);
  const handles = guarded || handledAwaits;
  if (escapes) return { gap: rethrows ? 'rethrows' : guarded ? 'outside-try' : 'no-try', handles };
  return { gap: handles || !unguardedCalls ? null : 'no-try', handles };
}

/**
 * The function returns a call outside every catching try (`return db.user.findUnique(…)`), not
 * ending in `.catch(…)`: what it returns may be a promise that rejects, which `rejectionGap` does
 * not count unless told the call is a promise. The module facts' `settles` needs both.
 */
export function returnsUncoveredCall(fn: ts.Node): boolean {
  const body = (fn as { body?: ts.Node }).body;
  if (!body || !ts.isBlock(body)) return false;
  let found = false;
  const visit = (n: ts.Node, covered: boolean): void => {
    if (found || isNested(n)) return;
    if (n.kind === TRY_STATEMENT) {
      const t = n as ts.TryStatement;
      const catches = !!t.catchClause && !containsOwn(t.catchClause.block, ts.isThrowStatement);
      for (const part of [t.tryBlock, t.catchClause?.block, t.finallyBlock]) if (part) visit(part, covered || catches);
      return;
    }
    if (!covered && n.kind === RETURN_STATEMENT && (n as ts.ReturnStatement).expression) {
      const v = unwrap((n as ts.ReturnStatement).expression as ts.Expression);
      if ((ts.isCallExpression(v) || ts.isNewExpression(v)) && !chainHandlesRejection(v) && !isQuietSleep(v)) found = true;
    }
    ts.forEachChild(n, (c) => visit(c, covered));
  };
  visit(body, false);
  return found;
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

/**
 * The function a class or object literal declares under `name`: a method with a body (overload
 * signatures are skipped) or a function-valued property.
 */
export function memberFunction(container: ts.ClassLikeDeclaration | ts.ObjectLiteralExpression, name: string): FunctionNode | undefined {
  const members: readonly ts.Node[] = ts.isObjectLiteralExpression(container) ? container.properties : container.members;
  for (const m of members) {
    if (!ts.isMethodDeclaration(m) && !ts.isPropertyDeclaration(m) && !ts.isPropertyAssignment(m)) continue;
    if (nameText(m.name) !== name) continue;
    const fn = memberFunctionOf(m);
    if (fn) return fn;
  }
  return undefined;
}

/** The async function a class or object literal declares under `name`. */
function asyncMember(container: ts.ClassLikeDeclaration | ts.ObjectLiteralExpression, name: string): AsyncFn | undefined {
  const fn = memberFunction(container, name);
  return fn && hasAsyncKeyword(fn) ? fn : undefined;
}

/** Packages whose `EventEmitter2` is the emitter NestJS's EventEmitterModule provides and registers `@OnEvent` listeners on. */
const EVENT_EMITTER2_PACKAGES = new Set(['@nestjs/event-emitter', 'eventemitter2']);

/**
 * `this.<field>` of a class whose field is typed `EventEmitter2` from @nestjs/event-emitter or
 * eventemitter2 and has no initializer: the emitter Nest injects (a constructor parameter property or
 * a declared property). `refOf` resolves the type's name.
 */
export function isInjectedEventEmitter2(expr: ts.Expression, refOf: (e: ts.Expression) => Reference | null): boolean {
  const target = unwrap(expr);
  if (!ts.isPropertyAccessExpression(target) || unwrap(target.expression).kind !== ts.SyntaxKind.ThisKeyword) return false;
  const cls = thisContainer(target);
  if (!cls || !ts.isClassLike(cls)) return false;
  const field = target.name.text;
  let type: ts.TypeNode | undefined;
  for (const m of cls.members) {
    if (ts.isPropertyDeclaration(m) && nameText(m.name) === field && !m.initializer) type = m.type;
    if (ts.isConstructorDeclaration(m)) type ??= m.parameters.find((q) => ts.isParameterPropertyDeclaration(q, m) && nameText(q.name) === field)?.type;
  }
  // A declared field the class assigns itself (`this.events = new EventEmitter2()`) is its own emitter, not Nest's.
  let assignsItself = false;
  const visit = (n: ts.Node): void => {
    if (assignsItself) return;
    const left = ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken ? unwrap(n.left) : undefined;
    if (left && ts.isPropertyAccessExpression(left) && unwrap(left.expression).kind === ts.SyntaxKind.ThisKeyword && left.name.text === field) assignsItself = true;
    else ts.forEachChild(n, visit);
  };
  ts.forEachChild(cls, visit);
  if (assignsItself) return false;
  if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return false;
  const ref = refOf(type.typeName);
  if (ref?.kind !== 'module' || ref.resolved || !EVENT_EMITTER2_PACKAGES.has(ref.module)) return false;
  const [name, more] = ref.path;
  return more === undefined && (name === 'EventEmitter2' || (ref.module === 'eventemitter2' && (name === undefined || name === 'default')));
}

/** `this.events.emitAsync(…)` on the injected NestJS emitter (see `isInjectedEventEmitter2`), not of the literal event `'error'` (which rejects without a listener). */
export function isInjectedEmitAsync(call: ts.CallExpression, refOf: (e: ts.Expression) => Reference | null): boolean {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'emitAsync') return false;
  const [event] = call.arguments;
  if (event && ts.isStringLiteralLike(event) && event.text === 'error') return false;
  return isInjectedEventEmitter2(callee.expression, refOf);
}

/** A function whose body only returns `this.events.emitAsync(…)` of the injected NestJS emitter (a thin wrapper service method). */
export function isEmitAsyncWrapper(fn: ts.Node, refOf: (e: ts.Expression) => Reference | null): boolean {
  if (!isFunctionNode(fn) || !fn.body) return false;
  let value: ts.Expression | undefined;
  if (!ts.isBlock(fn.body)) value = fn.body;
  else if (fn.body.statements.length === 1) {
    const only = fn.body.statements[0];
    if (only && ts.isReturnStatement(only)) value = only.expression;
  }
  const v = value && unwrap(value);
  return !!v && ts.isCallExpression(v) && isInjectedEmitAsync(v, refOf);
}

/** What the file knows about promises: `returnsPromise(call)` is the source, or undefined when unknown. */
export function promiseKnowledge(helpers: Helpers, project: ProjectFacts) {
  // A class's promise-returning members, listed once per class of this file (every `this.x()` asks).
  const membersByContainer = new Map<ts.Node, ReadonlySet<string>>();
  const asyncMembersOf = (container: ts.ClassLikeDeclaration | ts.ObjectLiteralExpression): ReadonlySet<string> => {
    let names = membersByContainer.get(container);
    if (!names) {
      names = listAsyncMembers(container);
      membersByContainer.set(container, names);
    }
    return names;
  };
  /** Promise-returning methods of a class named by `id`: declared in this file or exported by a project module. */
  const classMethods = (id: ts.Identifier): MemberTest | undefined => {
    const decl = helpers.declarationOf(id);
    if (decl && ts.isClassDeclaration(decl)) return has(asyncMembersOf(decl));
    const ref = helpers.referenceOf(id);
    const exp = ref?.kind === 'module' ? helpers.exportOf(ref) : undefined;
    return exp && ((m) => (exp.info.asyncMethods.has(m) ? (exp.info.settlingMethods.has(m) ? { settles: exp.info.quietMethods.has(m) ? 'quietly' : true } : exp.info.emitAsyncWrappers.has(m) ? { emitsEvents: true } : {}) : undefined));
  };
  const typeMethods = (type: ts.TypeNode | undefined) => (type && ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) ? classMethods(type.typeName) : undefined);
  /** Promise-returning methods of the object an initializer creates: object literal, class instance, pg pool, axios/got instance. */
  const instanceMethods = (init: ts.Expression): MemberTest | undefined => {
    const e = unwrap(init);
    if (ts.isObjectLiteralExpression(e)) return has(asyncMembersOf(e));
    if (ts.isNewExpression(e) && (helpers.isCallTo(e, 'pg', 'Pool') || helpers.isCallTo(e, 'pg', 'Client'))) return (m, call) => (m === 'query' && !lastArgIsCallback(call) ? {} : undefined);
    if (ts.isNewExpression(e) && ts.isIdentifier(e.expression)) return classMethods(e.expression);
    if (ts.isCallExpression(e) && helpers.isCallTo(e, 'axios', 'create')) return (m) => (clientReturnsPromise('axios', m) ? {} : undefined);
    if (ts.isCallExpression(e) && helpers.isCallTo(e, 'got', 'extend')) return (m) => (clientReturnsPromise('got', m) ? {} : undefined);
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
    if (module === 'axios' || module === 'got') return path.length === 0 || (path.length === 1 && clientReturnsPromise(module, first));
    if (module === 'node-fetch') return path.length === 0 || (path.length === 1 && first === 'default');
    return module === 'undici' && path.length === 1 && (first === 'fetch' || first === 'request');
  };
  /**
   * An export of a project module: an async function, or an async method of an exported object or class
   * instance (settling when its own body cannot reject; a function whose sleep's delay calls imported
   * functions when each returns a number, see the facts' `settlesIf`).
   */
  const projectApi = (resolved: string, path: string[], ref: Parameters<Helpers['exportOf']>[0]): PromiseSource | undefined => {
    const [first, second] = path;
    const source = (async: boolean | undefined, settles: Settles | undefined) => (async ? (settles ? { settles } : {}) : undefined);
    const ofFunction = (info: ExportInfo): Settles => (info.settles || !!info.settlesIf?.every((r) => project.exportOfReference(r)?.info.returnsNumber === true)) && (info.settlesQuietly ? 'quietly' : true);
    const ofMethod = (info: ExportInfo | undefined, name: string): Settles => !!info?.settlingMethods.has(name) && (info.quietMethods.has(name) ? 'quietly' : true);
    const def = () => project.lookupExport(resolved, 'default');
    if (first === undefined) {
      const d = def(); // require('./mailer') of `module.exports = sendEmail`
      return d && source(d.info.async, ofFunction(d.info));
    }
    const exp = helpers.exportOf(ref);
    if (second === undefined) return exp ? source(exp.info.async, ofFunction(exp.info)) : source(def()?.info.asyncMethods.has(first), ofMethod(def()?.info, first));
    if (path.length !== 2 || !exp) return undefined;
    return exp.info.asyncMethods.has(second) ? source(true, ofMethod(exp.info, second)) : exp.info.httpClient !== null && clientReturnsPromise(exp.info.httpClient.library, second) ? {} : undefined;
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
        if (fn) return { fn };
        if (!container || !ts.isClassLike(container) || !asyncMembersOf(container).has(method)) return undefined;
        const member = memberFunction(container, method);
        return member && isEmitAsyncWrapper(member, (e) => helpers.referenceOf(e)) ? { emitsEvents: true } : {};
      }
      if (ts.isPropertyAccessExpression(target) && unwrap(target.expression).kind === ts.SyntaxKind.ThisKeyword) {
        const container = thisContainer(target);
        return container && ts.isClassLike(container) ? fieldMethods(container, target.name.text)?.(method, call) : undefined;
      }
    }
    const ref = helpers.calleeOf(call);
    if (!ref) return undefined;
    if (ref.kind === 'global') return (ref.name === 'fetch' && ref.path.length === 0) || (ref.name === 'Promise' && ref.path.length === 1 && PROMISE_STATICS.has(ref.path[0] ?? '')) ? {} : undefined;
    if (ref.kind === 'module') return ref.resolved ? projectApi(ref.resolved, ref.path, ref) : packageApi(ref.module, ref.path) ? {} : undefined;
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
    return members ? members(method, call) : undefined;
  };
  /** The function of this file a call runs, async or not: `this.method(…)` of the enclosing class or object literal, or `fn(…)` of a function declaration or const. */
  const localFunction = (call: ts.CallExpression | ts.NewExpression): FunctionNode | undefined => {
    if (!ts.isCallExpression(call)) return undefined;
    const callee = unwrap(call.expression);
    if (ts.isPropertyAccessExpression(callee) && unwrap(callee.expression).kind === ts.SyntaxKind.ThisKeyword) {
      const container = thisContainer(callee);
      return container && memberFunction(container, callee.name.text);
    }
    if (!ts.isIdentifier(callee)) return undefined;
    const decl = helpers.declarationOf(callee);
    if (decl && ts.isFunctionDeclaration(decl)) return decl.body ? decl : undefined;
    const init = decl && ts.isVariableDeclaration(decl) && isConst(decl) && decl.initializer ? unwrap(decl.initializer) : undefined;
    return init && isFunctionNode(init) ? init : undefined;
  };
  return { returnsPromise, localFunction };
}
