// Lazy initialisation: a module-level slot (a `let`, or a constant-named property of a module-level
// `const` object literal used as a memo, `_cache.redis`; a `let` memo can be replaced whole) filled on
// first use and then returned as is. The write happens while the slot is still unset, so whichever
// request comes first builds the value and every later call gets it back: a lazily built singleton,
// not per-request state. Shapes:
// - `x ??= build()`, `x ||= build()`, `x || (x = build())`;
// - the then-branch of an `if` that tests the slot unset (`!x`, `x == null`, `typeof x ===
//   'undefined'`), also as one operand of `&&`, with other statements in between;
//   or the else-branch of one that tests it set;
// - an early-return guard `if (x) return …;` (or `x != null`), a statement of the function body
//   with no write of the slot before it, and a write later in that body, not inside a loop.
// A truthiness test (`!x`, `||=`, `x ||`, `if (x) return`) counts only for a value that cannot be
// false, 0 or '' (`existsSync(…)`, `.length`, a comparison, a number are built again while falsy);
// `=== undefined`, `== null` and `??=` take any value.
// Kept out, so that real defects stay visible:
// - a computed key (`cache[userId]`, `clients[tenant]`): a memo per key grows with the requests; an
//   object written through one (or passed on, aliased) is no memo at all;
// - a value that reads what the caller passes or the request carries (a parameter, `this`,
//   `arguments`, a local derived from one, an AsyncLocalStorage store, a module `let` that a function
//   in request context reassigns, a same-file helper whose body reads a store or chance): the first
//   request's data kept for everyone. The code that builds the value (the branch, or everything after
//   the guard but a final `return`, nested callbacks included) must not read the request either;
// - a random value (`nanoid()`, `randomBytes`, `randomUUID`, `Math.random`): exactly what differs
//   between instances;
// - a container created lazily and then changed in place (`sessions ??= new Map()`, then
//   `sessions.set(…)`; `index[id] = …` into any value): the writes into it are the state. So is one
//   that is handed out (returned, aliased to a local, passed on): whoever gets it may fill it.
//
// `inLazyInitialiser` is stricter, for the work written inside the initialiser itself (a config file
// read in `if (!config) config = JSON.parse(readFileSync(…))`), which then runs once: the slot must be
// written nowhere else in the file but by such writes or at module top level (no reset), an object memo
// must not be exported (another module could reset it), the initialiser must write the slot on every
// path that completes (no `return`, `break`, `continue` or `throw` before the write: the work before it
// runs again while the write is skipped), and must not sit in a
// `try` block (a failure would be retried on every request). Nested functions are never part of it,
// and calls out of it are not judged here: a factory called once may return methods that run on every
// request, so request reach still follows them.
import { ts } from './typescript.js';
import type { Helpers } from './helpers.js';
import { hasModifier, isNullishLiteral, isWritten, outermost, unwrap } from './references.js';
import { containsOwn } from './promises.js';

type Lookup = Pick<Helpers, 'declarationOf' | 'calleeOf'>;

/**
 * Whether a node runs in request context (the rule's handler model). A module `let` that a function
 * reassigns counts as request data only when that function runs in request context; without the
 * predicate, every reassignment in a function counts.
 */
export type InRequest = (node: ts.Node) => boolean;

/** A module-level slot: the variable, and for an object memo the property name. */
interface Slot {
  root: ts.VariableDeclaration;
  key: string | undefined;
}

const ASSIGN = ts.SyntaxKind.EqualsToken;
const NULLISH_ASSIGN = ts.SyntaxKind.QuestionQuestionEqualsToken;
const OR_ASSIGN = ts.SyntaxKind.BarBarEqualsToken;
const EQ = new Set([ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.EqualsEqualsEqualsToken]);
const NE = new Set([ts.SyntaxKind.ExclamationEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken]);

/** Random sources by module: a value built from one differs between instances. */
const RANDOM_MODULES: Record<string, ReadonlySet<string> | 'any'> = {
  nanoid: 'any',
  crypto: new Set(['randomBytes', 'randomUUID', 'randomInt', 'randomFillSync', 'getRandomValues', 'generateKeySync', 'generateKeyPairSync']),
  uuid: new Set(['v1', 'v4', 'v6', 'v7']),
  cuid: 'any',
  '@paralleldrive/cuid2': 'any',
  ulid: 'any',
  shortid: 'any',
};
/** Packages that hand out the current request's context (like AsyncLocalStorage's `getStore()`). */
const REQUEST_CONTEXT_MODULES = new Set(['express-http-context', 'express-http-context2', 'cls-hooked', 'cls-rtracer', 'nestjs-cls']);

function isAssignment(n: ts.Node): n is ts.BinaryExpression {
  if (!ts.isBinaryExpression(n)) return false;
  const op = n.operatorToken.kind;
  return op === ASSIGN || op === NULLISH_ASSIGN || op === OR_ASSIGN;
}

function moduleLevel(decl: ts.Node | undefined): decl is ts.VariableDeclaration {
  return !!decl && ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) && ts.isVariableDeclarationList(decl.parent) && ts.isVariableStatement(decl.parent.parent) && ts.isSourceFile(decl.parent.parent.parent);
}

/** The constant key of `obj.p` / `obj['p']`, else undefined. */
function constantKey(e: ts.Expression): string | undefined {
  if (ts.isPropertyAccessExpression(e)) return ts.isIdentifier(e.name) ? e.name.text : undefined;
  if (ts.isElementAccessExpression(e)) {
    const arg = unwrap(e.argumentExpression);
    if (ts.isStringLiteralLike(arg) || ts.isNumericLiteral(arg)) return arg.text;
  }
  return undefined;
}

/** The slot an expression names: `database`, `_cache.bus`, `_cache['bus']` (not `cache[key]`). */
function slotOf(expr: ts.Expression, helpers: Lookup): Slot | undefined {
  const e = unwrap(expr);
  if (ts.isIdentifier(e)) {
    const d = helpers.declarationOf(e);
    return moduleLevel(d) ? { root: d, key: undefined } : undefined;
  }
  if (!ts.isPropertyAccessExpression(e) && !ts.isElementAccessExpression(e)) return undefined;
  const base = unwrap(e.expression);
  const key = constantKey(e);
  if (key === undefined || !ts.isIdentifier(base)) return undefined;
  const root = helpers.declarationOf(base);
  if (!moduleLevel(root) || (root.parent.flags & ts.NodeFlags.Const) === 0 || !root.initializer || !ts.isObjectLiteralExpression(unwrap(root.initializer))) return undefined;
  return { root, key };
}

function sameSlot(expr: ts.Expression, slot: Slot, helpers: Lookup): boolean {
  const s = slotOf(expr, helpers);
  return !!s && s.root === slot.root && s.key === slot.key;
}

const isUnsetLiteral = (e: ts.Expression) => {
  const v = unwrap(e);
  return isNullishLiteral(v) || (ts.isStringLiteral(v) && v.text === 'undefined');
};

/** The slot expression a comparison with null/undefined tests (`x == null`, `typeof x !== 'undefined'`), for `ops`. */
function comparedToUnset(c: ts.Expression, ops: ReadonlySet<ts.SyntaxKind>): ts.Expression | undefined {
  if (!ts.isBinaryExpression(c) || !ops.has(c.operatorToken.kind)) return undefined;
  const side = isUnsetLiteral(c.right) ? c.left : isUnsetLiteral(c.left) ? c.right : undefined;
  if (!side) return undefined;
  const v = unwrap(side);
  return ts.isTypeOfExpression(v) ? v.expression : v;
}

/** A tested expression, and whether the test is for truthiness (`!x`, `if (x)`) rather than for null/undefined. */
interface Tested {
  expr: ts.Expression;
  truthy: boolean;
}

/** Expressions the condition tests unset, any of which is unset whenever it holds: `!x`, `x == null`, operands of `&&`. */
function unsetTested(cond: ts.Expression): Tested[] {
  const c = unwrap(cond);
  if (ts.isBinaryExpression(c) && c.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return [...unsetTested(c.left), ...unsetTested(c.right)];
  if (ts.isPrefixUnaryExpression(c) && c.operator === ts.SyntaxKind.ExclamationToken) return [{ expr: c.operand, truthy: true }];
  const e = comparedToUnset(c, EQ);
  return e ? [{ expr: e, truthy: false }] : [];
}

/** The expression the condition tests set, when it holds exactly while it is set: `x`, `!!x`, `x != null` (not `x && fresh`: a stale value is rebuilt). */
function setTested(cond: ts.Expression): Tested | undefined {
  let c = unwrap(cond);
  while (ts.isPrefixUnaryExpression(c) && c.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = unwrap(c.operand);
    if (!ts.isPrefixUnaryExpression(inner) || inner.operator !== ts.SyntaxKind.ExclamationToken) return undefined;
    c = unwrap(inner.operand);
  }
  if (ts.isBinaryExpression(c)) {
    const e = comparedToUnset(c, NE);
    return e ? { expr: e, truthy: false } : undefined;
  }
  return ts.isIdentifier(c) || ts.isPropertyAccessExpression(c) || ts.isElementAccessExpression(c) ? { expr: c, truthy: true } : undefined;
}

/** The test names the slot, and may be used with the value written (a truthiness test only for a value that cannot be falsy). */
const testsSlot = (t: Tested | undefined, slot: Slot, helpers: Lookup, truthyOk: boolean): t is Tested => !!t && (truthyOk || !t.truthy) && sameSlot(t.expr, slot, helpers);

const writesSlot = (slot: Slot, helpers: Lookup) => (n: ts.Node) => (ts.isIdentifier(n) || ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) && isWritten(n) && sameSlot(n as ts.Expression, slot, helpers);

/** `if (x) return …;` / `if (x) { …; return …; }` for the slot, without an else and without writing it. */
function isGuard(s: ts.Statement, slot: Slot, helpers: Lookup, truthyOk: boolean): boolean {
  if (!ts.isIfStatement(s) || s.elseStatement) return false;
  if (!testsSlot(setTested(s.expression), slot, helpers, truthyOk)) return false;
  const then = s.thenStatement;
  const last = ts.isBlock(then) ? then.statements[then.statements.length - 1] : then;
  return !!last && ts.isReturnStatement(last) && !containsOwn(then, writesSlot(slot, helpers));
}

/** The index of a guard for the slot among the body's statements before `before`, with no write of the slot ahead of it; else -1. */
function guardBefore(body: ts.Block, before: number, slot: Slot, helpers: Lookup, truthyOk: boolean): number {
  const stmts = body.statements;
  for (let i = 0; i < before; i++) {
    const s = stmts[i]!;
    if (isGuard(s, slot, helpers, truthyOk)) return i;
    if (containsOwn(s, writesSlot(slot, helpers))) return -1;
  }
  return -1;
}

function isFalsyLiteral(e: ts.Expression): boolean {
  const v = unwrap(e);
  if (isNullishLiteral(v) || v.kind === ts.SyntaxKind.FalseKeyword || ts.isVoidExpression(v)) return true;
  return (ts.isNumericLiteral(v) && Number(v.text) === 0) || (ts.isStringLiteralLike(v) && v.text === '');
}

const isLoop = (n: ts.Node) => ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n) || ts.isWhileStatement(n) || ts.isDoStatement(n);

/**
 * A value that may be false, 0 or '' (`existsSync(…)`, `.length`, a comparison, `!x`, `Boolean(…)`, a
 * number): under a truthiness test (`!x`, `||=`, `if (x) return`) it is built again on every call
 * while it is falsy, so it is not built once.
 */
/** `process.env` (not a local named `process`: not checked, as elsewhere in the rules' syntax tests). */
function isProcessEnv(e: ts.Expression): boolean {
  return ts.isPropertyAccessExpression(e) && e.name.text === 'env' && ts.isIdentifier(e.expression) && e.expression.text === 'process';
}

function mayBeFalsy(value: ts.Expression, helpers: Lookup, depth = 0): boolean {
  const v = unwrap(value);
  if (depth > 3) return true;
  if (ts.isAwaitExpression(v)) return mayBeFalsy(v.expression, helpers, depth + 1);
  if (ts.isConditionalExpression(v)) return mayBeFalsy(v.whenTrue, helpers, depth + 1) || mayBeFalsy(v.whenFalse, helpers, depth + 1);
  if (ts.isNumericLiteral(v) || ts.isBigIntLiteral(v) || ts.isStringLiteralLike(v) || ts.isTemplateExpression(v)) return isFalsyLiteral(v) || ts.isNumericLiteral(v);
  if (v.kind === ts.SyntaxKind.TrueKeyword || v.kind === ts.SyntaxKind.FalseKeyword) return true;
  if (ts.isPrefixUnaryExpression(v) || ts.isPostfixUnaryExpression(v) || ts.isTypeOfExpression(v) || ts.isVoidExpression(v) || ts.isDeleteExpression(v)) return true;
  if (ts.isBinaryExpression(v)) {
    const k = v.operatorToken.kind;
    if (k === ts.SyntaxKind.BarBarToken || k === ts.SyntaxKind.QuestionQuestionToken) return mayBeFalsy(v.right, helpers, depth + 1) || (k === ts.SyntaxKind.QuestionQuestionToken && mayBeFalsy(v.left, helpers, depth + 1));
    if (k === ts.SyntaxKind.AmpersandAmpersandToken) return true;
    if (k === ts.SyntaxKind.CommaToken || isAssignment(v)) return mayBeFalsy(v.right, helpers, depth + 1);
    // `base + '/api'`: a string with something in it; other operators give booleans and numbers
    const nonEmpty = (e: ts.Expression) => (ts.isStringLiteralLike(unwrap(e)) && (unwrap(e) as ts.StringLiteralLike).text !== '') || ts.isTemplateExpression(unwrap(e));
    return !(k === ts.SyntaxKind.PlusToken && (nonEmpty((v as ts.BinaryExpression).left) || nonEmpty((v as ts.BinaryExpression).right)));
  }
  // A member of something else (`JSON.parse(text).beta`, `config?.limit`): of a type this cannot tell. An
  // environment variable is a string, taken as set when it is (as a string read from a file is).
  if ((ts.isPropertyAccessExpression(v) || ts.isElementAccessExpression(v)) && !isProcessEnv(unwrap(v.expression))) return true;
  if (ts.isCallExpression(v)) {
    const callee = unwrap(v.expression);
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    if (/^(Boolean|Number|parseInt|parseFloat|exists|existsSync|has|includes|some|every|test|startsWith|endsWith|is[A-Z].*|indexOf|lastIndexOf|findIndex|count|now|getTime|valueOf)$/.test(name)) return true;
    // Lookups that may find nothing. (A string read from a file is taken as not empty: a template, a key.)
    if (/^(get|getItem|find|findLast|pop|shift|at|match|exec)$/.test(name)) return true;
  }
  if (ts.isIdentifier(v)) {
    const d = helpers.declarationOf(v);
    if (d && !moduleLevel(d) && ts.isVariableDeclaration(d) && ts.findAncestor(d, ts.isFunctionLike)) {
      const values = localValues(d, helpers);
      return !values || values.some((x) => ts.isExpression(x) && mayBeFalsy(x, helpers, depth + 1));
    }
  }
  return false;
}

/**
 * The write happens only while its slot is unset (see the file comment for the shapes): the code that
 * runs to build the value (the value, the branch of the test, or the statements after an early-return
 * guard), else undefined.
 */
function initRegion(assignment: ts.BinaryExpression, slot: Slot, helpers: Lookup): ts.Node[] | undefined {
  // `cache = null` empties the slot, under any guard: whatever fills it runs again.
  if (isFalsyLiteral(assignment.right)) return undefined;
  const truthyOk = !mayBeFalsy(assignment.right, helpers);
  const op = assignment.operatorToken.kind;
  if (op === NULLISH_ASSIGN) return [assignment.right];
  if (op === OR_ASSIGN) return truthyOk ? [assignment.right] : undefined;
  return regionWhileUnset(assignment, slot, helpers, false, truthyOk);
}

/**
 * The node runs only while the slot is unset when its function is entered: under a test of the slot
 * (`if (!x) …`, `x || …`), or after an early-return guard for it. After a guard, a write inside a loop
 * is not taken for a lazy one (`loops` false); filling the new container there is. A truthiness test
 * counts only when `truthyOk`. The result is the code that runs while the slot is unset: the branch, or
 * the statements after the guard (see below), else undefined.
 */
function regionWhileUnset(node: ts.Node, slot: Slot, helpers: Lookup, loops: boolean, truthyOk: boolean): ts.Node[] | undefined {
  let loop = false;
  for (let child: ts.Node = node, n = node.parent; n && !ts.isFunctionLike(n) && !ts.isClassLike(n); child = n, n = n.parent) {
    // x || (x = build()), x ?? (x = build())
    if (ts.isBinaryExpression(n) && child === n.right && sameSlot(n.left, slot, helpers)) {
      if (n.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || (truthyOk && n.operatorToken.kind === ts.SyntaxKind.BarBarToken)) return [n.right];
    }
    if (ts.isIfStatement(n)) {
      if (child === n.thenStatement && unsetTested(n.expression).some((t) => testsSlot(t, slot, helpers, truthyOk))) return [n.thenStatement];
      if (child === n.elseStatement && testsSlot(setTested(n.expression), slot, helpers, truthyOk)) return [n.elseStatement];
    }
    if (isLoop(n)) loop = true;
    if (ts.isBlock(n) && ts.isFunctionLike(n.parent)) {
      const at = n.statements.indexOf(child as ts.Statement);
      const g = loops || !loop ? guardBefore(n, at, slot, helpers, truthyOk) : -1;
      if (g < 0) return undefined;
      // Everything after the guard runs only while the slot is unset (the first call): the statements
      // after the write may still set the value up (`api.interceptors.request.use(…)`), a final `return`
      // only hands it out. (A `return` or `throw` before the write may skip it: the value is still built
      // once, but the work before the exit is not, see `rangesOf`.)
      return [...n.statements.slice(g + 1, at + 1), ...n.statements.slice(at + 1).filter((s) => !ts.isReturnStatement(s))];
    }
  }
  return undefined;
}

const runsWhileUnset = (node: ts.Node, slot: Slot, helpers: Lookup, loops: boolean) => regionWhileUnset(node, slot, helpers, loops, true) !== undefined;

/** What makes a value differ per call or per instance: a caller's or request's data, or chance. */
type Variance = 'request' | 'random' | undefined;

/**
 * A module-level `let` that a function of the file reassigns, other than by a guarded write (set per
 * request by a middleware, say). A guarded write whose value varies is judged where it is.
 */
const reassignedLets = new WeakMap<ts.VariableDeclaration, boolean>();
function reassignedInFunction(decl: ts.VariableDeclaration, helpers: Lookup, inRequest: InRequest | undefined): boolean {
  let hit = reassignedLets.get(decl);
  if (hit === undefined) {
    hit = false;
    reassignedLets.set(decl, false);
    const slot: Slot = { root: decl, key: undefined };
    const name = (decl.name as ts.Identifier).text;
    const visit = (n: ts.Node, inFn: boolean): void => {
      if (hit) return;
      if (inFn && ts.isIdentifier(n) && n.text === name && !isNamePosition(n) && isWritten(n) && helpers.declarationOf(n) === decl) {
        const p = outermost(n).parent;
        if (!(isAssignment(p) && p.left === outermost(n) && initRegion(p, slot, helpers)) && (!inRequest || inRequest(n))) hit = true;
      } else ts.forEachChild(n, (c) => visit(c, inFn || ts.isFunctionLike(c) || ts.isClassLike(c)));
    };
    visit(decl.getSourceFile(), false);
    reassignedLets.set(decl, hit);
  }
  return hit;
}

/** The identifier is the target of a plain `=` (inside a callback of the value, say): written, not read. */
function isAssignedTo(n: ts.Identifier): boolean {
  const o = outermost(n);
  return ts.isBinaryExpression(o.parent) && o.parent.left === o && o.parent.operatorToken.kind === ASSIGN;
}

/** The identifier names a property, not a variable: `a.name`, `{ name: v }`, a member's name. */
function isNamePosition(n: ts.Identifier): boolean {
  const p = n.parent;
  return (
    (ts.isPropertyAccessExpression(p) && p.name === n) ||
    (ts.isQualifiedName(p) && p.right === n) ||
    ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p) || ts.isPropertySignature(p)) && p.name === n) ||
    (ts.isBindingElement(p) && p.propertyName === n)
  );
}

function randomCall(call: ts.CallExpression | ts.NewExpression, helpers: Lookup): boolean {
  const ref = helpers.calleeOf(call);
  if (!ref) return false;
  if (ref.kind === 'global') return (ref.name === 'Math' && ref.path[0] === 'random') || (ref.name === 'crypto' && (ref.path[0] === 'randomUUID' || ref.path[0] === 'getRandomValues'));
  if (ref.kind !== 'module' || ref.resolved) return false;
  const names = RANDOM_MODULES[ref.module];
  return names === 'any' || (!!names && ref.path.length > 0 && names.has(ref.path[0]!));
}

/**
 * A call of a function of the same file whose body (not its nested functions' calls aside, one level
 * deep) reads a request-context store or a random source: `const tenant = () => als.getStore()!.tenant`,
 * `function generateSecret() { return nanoid(32); }`.
 */
function helperVariance(call: ts.CallExpression, helpers: Lookup): Variance {
  const callee = unwrap(call.expression);
  if (!ts.isIdentifier(callee)) return undefined;
  const d = helpers.declarationOf(callee);
  let fn: ts.Node | undefined;
  if (d && ts.isFunctionDeclaration(d)) fn = d.body;
  else if (d && ts.isVariableDeclaration(d) && d.initializer) {
    const init = unwrap(d.initializer);
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) fn = init.body;
  }
  if (!fn) return undefined;
  let found: Variance;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && randomCall(n, helpers)) found = 'random';
    else if (ts.isCallExpression(n) && requestContextCall(n, helpers)) found = 'request';
    else ts.forEachChild(n, visit);
  };
  visit(fn);
  return found;
}

function requestContextCall(call: ts.CallExpression, helpers: Lookup): boolean {
  const callee = unwrap(call.expression);
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'getStore') return true;
  const ref = helpers.calleeOf(call);
  return ref?.kind === 'module' && !ref.resolved && REQUEST_CONTEXT_MODULES.has(ref.module);
}

/**
 * What the value of a write at `at` reads that varies: a parameter (destructured too) or `this` of a
 * function around `at`, or a local of one set from such (its initializer, what is assigned to it, the
 * collection a `for…of` walks), a module `let` other than `self` that a function reassigns, a
 * request-context store, or a random source. Names the value declares itself do not count.
 */
export function valueVariance(value: ts.Node, at: ts.Node, helpers: Lookup, self?: ts.Node, inRequest?: InRequest): Variance {
  const around: ts.Node[] = [];
  for (let n = at.parent; n; n = n.parent) if (ts.isFunctionLike(n)) around.push(n);
  const within = (d: ts.Node, f: ts.Node) => d.pos >= f.pos && d.end <= f.end;
  const seen = new Set<ts.Node>();
  let found: Variance;
  const visit = (n: ts.Node, expr: ts.Node): void => {
    if (found) return;
    if (n.kind === ts.SyntaxKind.ThisKeyword) {
      const owner = ts.findAncestor(n.parent, (p) => (ts.isFunctionLike(p) && !ts.isArrowFunction(p)) || ts.isClassLike(p));
      if (owner && !within(owner, expr) && around.includes(owner)) found = 'request';
    } else if (ts.isIdentifier(n) && !isNamePosition(n) && !isAssignedTo(n)) {
      const d = helpers.declarationOf(n);
      if (!d && n.text === 'arguments' && around.length > 0) found = 'request';
      if (d && !within(d, expr) && !seen.has(d)) {
        seen.add(d);
        if (around.some((f) => within(d, f))) {
          const values = localValues(d, helpers);
          if (!values) found = 'request';
          else for (const v of values) visit(v, v);
        } else if (d !== self && moduleLevel(d) && (d.parent.flags & ts.NodeFlags.Const) === 0 && reassignedInFunction(d, helpers, inRequest)) {
          found = 'request';
        }
      }
    } else if (ts.isCallExpression(n) || ts.isNewExpression(n)) {
      if (randomCall(n, helpers)) found = 'random';
      else if (ts.isCallExpression(n) && requestContextCall(n, helpers)) found = 'request';
      else if (ts.isCallExpression(n)) found = helperVariance(n, helpers);
    }
    ts.forEachChild(n, (c) => visit(c, expr));
  };
  visit(value, value);
  return found;
}

/**
 * What a local holds: the initializer of its declaration (destructured too: `const { Agent } = await
 * import('node:http')`), the collection a `for…of`/`for…in` variable walks, or, declared without an
 * initializer (`let counter: Kv;`), every value the function assigns to it. Undefined for a parameter,
 * a `catch` variable or a local function: they count as varying.
 */
function localValues(d: ts.Node, helpers: Lookup): ts.Node[] | undefined {
  let decl: ts.Node = d;
  while (ts.isBindingElement(decl) || ts.isObjectBindingPattern(decl) || ts.isArrayBindingPattern(decl)) decl = decl.parent;
  if (!ts.isVariableDeclaration(decl)) return undefined;
  if (decl.initializer) return [decl.initializer];
  const list = decl.parent;
  if (ts.isVariableDeclarationList(list) && (ts.isForOfStatement(list.parent) || ts.isForInStatement(list.parent)) && list.parent.initializer === list) return [list.parent.expression];
  if (!ts.isIdentifier(decl.name) || !ts.isVariableDeclarationList(list) || !ts.isVariableStatement(list.parent)) return undefined;
  const scope = ts.findAncestor(decl, ts.isFunctionLike);
  const body = scope && 'body' in scope ? scope.body : undefined;
  if (!body) return undefined;
  const out: ts.Node[] = [];
  let other = false;
  const visit = (n: ts.Node): void => {
    if (other) return;
    if (ts.isIdentifier(n) && !isNamePosition(n) && isWritten(n) && helpers.declarationOf(n) === decl) {
      const p = outermost(n).parent;
      if (isAssignment(p) && p.left === outermost(n)) out.push(p.right);
      else other = true; // `++`, `+=`, a destructuring or `for…of` target: no value to follow
    }
    ts.forEachChild(n, visit);
  };
  visit(body);
  return other ? undefined : out;
}

/** `[]`, `{}`, `new Map()`, `new Set()`: a container, not a client or a configuration. */
function isContainerLiteral(value: ts.Expression, helpers: Lookup): boolean {
  const v = unwrap(value);
  if (ts.isArrayLiteralExpression(v) || ts.isObjectLiteralExpression(v)) return true;
  // `Object.create(null)`: a dictionary as empty as `{}`.
  if (ts.isCallExpression(v) && ts.isPropertyAccessExpression(v.expression) && v.expression.name.text === 'create') {
    const ref = helpers.calleeOf(v);
    if (ref?.kind === 'global' && ref.name === 'Object') return true;
  }
  if (!ts.isNewExpression(v)) return false;
  const ref = helpers.calleeOf(v);
  return ref?.kind === 'global' && ref.path.length === 0 && ['Map', 'Set', 'Array', 'Object', 'WeakMap', 'WeakSet'].includes(ref.name);
}

/** A local of the function, declared with a variable statement: what it holds can be followed. */
function localOf(e: ts.Expression, helpers: Lookup): ts.VariableDeclaration | undefined {
  const v = unwrap(e);
  if (!ts.isIdentifier(v)) return undefined;
  const d = helpers.declarationOf(v);
  return d && ts.isVariableDeclaration(d) && !moduleLevel(d) && ts.findAncestor(d, ts.isFunctionLike) ? d : undefined;
}

/**
 * Where the value of `e` goes: nowhere but a member access (`x.get(k)`, `x.size`), a test (`!x`, `x ==
 * null`, `if (x)`) or a discarded statement; else (returned, aliased to a local, passed on, spread) it
 * flows out, and whoever gets it can change it.
 */
function flowsOut(e: ts.Expression): boolean {
  const o = outermost(e);
  const p = o.parent;
  if ((ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p)) && p.expression === o) return false;
  if ((ts.isPrefixUnaryExpression(p) && p.operator === ts.SyntaxKind.ExclamationToken) || ts.isTypeOfExpression(p) || ts.isExpressionStatement(p) || ts.isVoidExpression(p)) return false;
  if ((ts.isIfStatement(p) || ts.isWhileStatement(p) || ts.isDoStatement(p)) && p.expression === o) return false;
  if (ts.isConditionalExpression(p) && p.condition === o) return false;
  if (ts.isBinaryExpression(p)) {
    const k = p.operatorToken.kind;
    if (EQ.has(k) || NE.has(k)) return false;
    if (k === ts.SyntaxKind.AmpersandAmpersandToken && p.left === o) return false;
    if (k === ts.SyntaxKind.AmpersandAmpersandToken || k === ts.SyntaxKind.BarBarToken || k === ts.SyntaxKind.QuestionQuestionToken) return flowsOut(p);
    if (isAssignment(p) && p.left === o) return flowsOut(p);
  }
  return true;
}

/** A reference to `decl` in its function, other than `except`, through which its value flows out. */
function localFlows(decl: ts.VariableDeclaration, except: ts.Node, helpers: Lookup): boolean {
  const scope = ts.findAncestor(decl, ts.isFunctionLike);
  let hit = false;
  const visit = (n: ts.Node): void => {
    if (hit) return;
    if (ts.isIdentifier(n) && n !== decl.name && n !== except && !isNamePosition(n) && helpers.declarationOf(n) === decl && !isWritten(n) && flowsOut(n)) hit = true;
    else ts.forEachChild(n, visit);
  };
  if (scope) visit(scope);
  return hit;
}

/**
 * An empty container built lazily whose value flows out (`return sessions`, `const q = (_cache.queue ??=
 * [])`, through the local it was built in): whoever gets it may fill it per request, which is not seen
 * here (callers in other modules are not followed).
 */
function containerEscapes(assignment: ts.BinaryExpression, slot: Slot, helpers: Lookup): boolean {
  const local = localOf(assignment.right, helpers);
  const values = local ? localValues(local, helpers) : [assignment.right];
  // Only an empty container (`new Map()`, `[]`, `{}`) handed out is there to be filled by whoever gets it; a
  // record with fields (`{ oldest, latest }`) or a table filled while it is built (`new Map([['welcome', …]])`,
  // `.set` in a loop under the guard) is handed out to be read.
  const empty = (v: ts.Node) => {
    if (!ts.isExpression(v) || !isContainerLiteral(v, helpers)) return false;
    const e = unwrap(v);
    if (ts.isArrayLiteralExpression(e)) return e.elements.length === 0;
    if (ts.isObjectLiteralExpression(e)) return e.properties.length === 0;
    // `Object.create(null)` (no property descriptors)
    if (ts.isCallExpression(e)) return e.arguments.length <= 1;
    return ts.isNewExpression(e) && (e.arguments?.length ?? 0) === 0;
  };
  if (!(!values || values.some(empty))) return false;
  if (!local && (usesOf(slot.root, helpers).changes.get(slot.key ?? '') ?? []).some((c) => runsWhileUnset(c.at, slot, helpers, true))) return false;
  if (usesOf(slot.root, helpers).flows.has(slot.key ?? '') || flowsOut(assignment)) return true;
  return !!local && localFlows(local, unwrap(assignment.right), helpers);
}

/**
 * The assignment fills a module-level slot on first use: a guarded shape (see the file comment), a
 * constant slot, and a value that reads nothing varying (see `valueVariance`).
 */
export function isLazyInitWrite(assignment: ts.BinaryExpression, helpers: Lookup, inRequest?: InRequest): boolean {
  if (!isAssignment(assignment)) return false;
  const slot = slotOf(assignment.left, helpers);
  if (!slot) return false;
  const uses = usesOf(slot.root, helpers);
  if (slot.key !== undefined && uses.escapes) return false;
  const region = initRegion(assignment, slot, helpers);
  if (!region || valueVariance(assignment.right, assignment, helpers, slot.root, inRequest) !== undefined) return false;
  // The code that builds it reads the request (`api.interceptors.request.use(cfg => { … req.headers … })`): the first request's data kept.
  if (region.some((r) => valueVariance(r, assignment, helpers, slot.root, inRequest) === 'request')) return false;
  if (containerEscapes(assignment, slot, helpers)) return false;
  // `if (!sessions) sessions = new Map()` and then `sessions.set(…)` or `index[id] = …`: a container created lazily and
  // filled per call. Filling it while it is built (under the same guard, with nothing varying) is part of building it.
  const container = isContainerLiteral(assignment.right, helpers);
  return !(uses.changes.get(slot.key ?? '') ?? []).some(
    (c) => (c.how === 'write' || container) && !(runsWhileUnset(c.at, slot, helpers, true) && c.values.every((v) => valueVariance(v, c.at, helpers, slot.root, inRequest) === undefined)),
  );
}

// ---- The initialiser: the code that builds a lazily initialised value ----

/** Per slot root: the writes made inside functions (by key, '' for the variable itself), and whether an object memo escapes. */
interface RootUses {
  writes: Map<string, ts.Expression[]>;
  /** Referenced other than through a property (passed on, aliased, spread, exported by name), or written through a computed key: any property may change. */
  escapes: boolean;
  /**
   * Per slot (by key, '' for the variable), the places where a function changes its value in place:
   * written into (`index[id] = v`, `_cache.index[id] = v`, `delete x.y`) or through a Map, Set or
   * array method (`list.push(x)`, `_cache.sessions.set(id, s)`), with what they put in.
   */
  changes: Map<string, InPlaceChange[]>;
  /** The slots (by key, '' for the variable) whose value flows out somewhere (see `flowsOut`). */
  flows: Set<string>;
}

interface InPlaceChange {
  at: ts.Node;
  how: 'write' | 'method';
  /** The key and value written, or the method's arguments. */
  values: ts.Expression[];
}

/** Methods that change a Map, Set or array in place. */
const IN_PLACE = new Set(['set', 'add', 'delete', 'clear', 'push', 'unshift', 'splice', 'pop', 'shift']);

/** How the value of `e` is changed in place: written into (`e.x = …`, `e[k] = …`, `delete e.x`), or through a method (`e.push(…)`). */
function changeInPlace(e: ts.Expression): InPlaceChange | undefined {
  const access = e.parent;
  if ((!ts.isPropertyAccessExpression(access) && !ts.isElementAccessExpression(access)) || access.expression !== e) return undefined;
  if (isWritten(access)) {
    const values: ts.Expression[] = ts.isElementAccessExpression(access) ? [access.argumentExpression] : [];
    const p = outermost(access).parent;
    if (ts.isBinaryExpression(p)) values.push(p.right);
    return { at: access, how: 'write', values };
  }
  const call = access.parent;
  if (ts.isPropertyAccessExpression(access) && IN_PLACE.has(access.name.text) && ts.isCallExpression(call) && call.expression === access) return { at: call, how: 'method', values: [...call.arguments] };
  return undefined;
}
const rootUses = new WeakMap<ts.VariableDeclaration, RootUses>();

function usesOf(root: ts.VariableDeclaration, helpers: Lookup): RootUses {
  let uses = rootUses.get(root);
  if (!uses) {
    const found: RootUses = { writes: new Map(), escapes: false, changes: new Map(), flows: new Set() };
    const changed = (e: ts.Expression, key: string) => {
      const change = changeInPlace(e);
      if (change) found.changes.set(key, [...(found.changes.get(key) ?? []), change]);
    };
    const name = (root.name as ts.Identifier).text;
    const write = (key: string, target: ts.Expression) => found.writes.set(key, [...(found.writes.get(key) ?? []), target]);
    const visit = (n: ts.Node, inFn: boolean): void => {
      if (ts.isTypeNode(n)) return;
      if (ts.isIdentifier(n) && n.text === name && n !== root.name && !isNamePosition(n) && helpers.declarationOf(n) === root) {
        const access = n.parent;
        if (inFn) changed(n, '');
        if ((ts.isPropertyAccessExpression(access) || ts.isElementAccessExpression(access)) && access.expression === n) {
          const key = constantKey(access);
          if (key === undefined) found.escapes ||= isWritten(access);
          else if (inFn && isWritten(access)) write(key, access);
          if (key !== undefined && inFn) changed(access, key);
          if (key !== undefined && flowsOut(access)) found.flows.add(key);
        } else if (isWritten(n)) {
          if (inFn) write('', n);
          if (flowsOut(n)) found.flows.add('');
        } else found.escapes = true;
        if (!isWritten(n) && flowsOut(n)) found.flows.add('');
        return;
      }
      ts.forEachChild(n, (c) => visit(c, inFn || ts.isFunctionLike(c) || ts.isClassLike(c)));
    };
    visit(root.getSourceFile(), false);
    rootUses.set(root, (uses = found));
  }
  return uses;
}

/** An object memo that importers can write to: `export const _cache = {…}` (a reset in another module is not seen here). */
function exported(root: ts.VariableDeclaration): boolean {
  return hasModifier(root.parent.parent, ts.SyntaxKind.ExportKeyword);
}

/**
 * Nothing but lazy-init writes change the slot once the module has loaded: every write in a function
 * of the file is one, and an object memo neither escapes nor is exported.
 */
function writtenOnlyLazily(slot: Slot, helpers: Lookup, inRequest: InRequest | undefined): boolean {
  const uses = usesOf(slot.root, helpers);
  if (slot.key !== undefined && (uses.escapes || exported(slot.root))) return false;
  return (uses.writes.get(slot.key ?? '') ?? []).every((target) => {
    const p = outermost(target).parent;
    return isAssignment(p) && p.left === outermost(target) && isLazyInitWrite(p, helpers, inRequest);
  });
}

function inTryBlock(node: ts.Node): boolean {
  for (let child = node, n = node.parent; n && !ts.isFunctionLike(n); child = n, n = n.parent) {
    if (ts.isTryStatement(n) && child === n.tryBlock) return true;
  }
  return false;
}

/** The statement may leave the code around it early: a `return`, `break`, `continue` or `throw` (nested functions aside). */
const mayExit = (s: ts.Node) => containsOwn(s, (n) => ts.isReturnStatement(n) || ts.isBreakStatement(n) || ts.isContinueStatement(n) || ts.isThrowStatement(n));

/** Every path through the statement that completes writes the slot (or throws). */
function alwaysWrites(s: ts.Statement, slot: Slot, helpers: Lookup): boolean {
  if (ts.isThrowStatement(s)) return true;
  if (ts.isExpressionStatement(s) || ts.isReturnStatement(s)) {
    const e = s.expression && unwrap(s.expression);
    return !!e && isAssignment(e) && sameSlot(e.left, slot, helpers);
  }
  if (ts.isBlock(s)) return statementsWrite(s.statements, slot, helpers);
  if (ts.isIfStatement(s)) return !!s.elseStatement && alwaysWrites(s.thenStatement, slot, helpers) && alwaysWrites(s.elseStatement, slot, helpers);
  return false;
}

/** The statements write the slot before any of them can leave early. */
function statementsWrite(stmts: ts.NodeArray<ts.Statement> | readonly ts.Statement[], slot: Slot, helpers: Lookup): boolean {
  for (const s of stmts) {
    if (alwaysWrites(s, slot, helpers)) return true;
    if (mayExit(s)) return false;
  }
  return false;
}

function initialiserSlot(slot: Slot | undefined, at: ts.Node, helpers: Lookup, inRequest: InRequest | undefined): slot is Slot {
  return !!slot && !inTryBlock(at) && writtenOnlyLazily(slot, helpers, inRequest);
}

/** Per `if`: its then-branch (or else-branch) initialises a slot. */
const initialisingBranch = new WeakMap<ts.IfStatement, 'then' | 'else' | 'none'>();
function branchOf(s: ts.IfStatement, helpers: Lookup, inRequest: InRequest | undefined): 'then' | 'else' | 'none' {
  let hit = initialisingBranch.get(s);
  if (hit === undefined) {
    hit = 'none';
    for (const t of unsetTested(s.expression)) {
      const slot = slotOf(t.expr, helpers);
      if (initialiserSlot(slot, s, helpers, inRequest) && alwaysWrites(s.thenStatement, slot, helpers)) hit = 'then';
    }
    const set = hit === 'none' ? setTested(s.expression) : undefined;
    const slot = set && slotOf(set.expr, helpers);
    if (s.elseStatement && initialiserSlot(slot, s, helpers, inRequest) && alwaysWrites(s.elseStatement, slot, helpers)) hit = 'else';
    initialisingBranch.set(s, hit);
  }
  return hit;
}

/** Per function body: the ranges of statements [from, to] after an early-return guard, up to the statement that writes the slot. */
const guardedRanges = new WeakMap<ts.Block, Array<[number, number]>>();
function rangesOf(body: ts.Block, helpers: Lookup, inRequest: InRequest | undefined): Array<[number, number]> {
  let hit = guardedRanges.get(body);
  if (!hit) {
    hit = [];
    const stmts = body.statements;
    for (let g = 0; g < stmts.length; g++) {
      const s = stmts[g]!;
      if (!ts.isIfStatement(s) || s.elseStatement) continue;
      const tested = setTested(s.expression);
      const slot = tested && slotOf(tested.expr, helpers);
      if (!initialiserSlot(slot, s, helpers, inRequest) || guardBefore(body, g + 1, slot, helpers, true) !== g) continue;
      for (let w = g + 1; w < stmts.length; w++) {
        if (alwaysWrites(stmts[w]!, slot, helpers)) {
          hit.push([g + 1, w]);
          break;
        }
        if (mayExit(stmts[w]!)) break;
      }
    }
    guardedRanges.set(body, hit);
  }
  return hit;
}

/**
 * `node` runs only while a lazily initialised slot is being filled: in the value of a lazy-init
 * write, in the branch of `if (!x) { … x = … }` that writes it, or between an early-return guard and
 * the write (see the file comment for the conditions). Nested functions are not: a callback set up
 * there runs later, as often as it is called.
 */
export function inLazyInitialiser(node: ts.Node, helpers: Lookup, inRequest?: InRequest): boolean {
  for (let child = node, n = node.parent; n && !ts.isFunctionLike(n) && !ts.isClassLike(n); child = n, n = n.parent) {
    if (isAssignment(n) && child === n.right) {
      const slot = slotOf(n.left, helpers);
      if (slot && isLazyInitWrite(n, helpers, inRequest) && initialiserSlot(slot, n, helpers, inRequest)) return true;
    } else if (ts.isIfStatement(n) && (child === n.thenStatement || child === n.elseStatement)) {
      if (branchOf(n, helpers, inRequest) === (child === n.thenStatement ? 'then' : 'else')) return true;
    } else if (ts.isBlock(n) && ts.isFunctionLike(n.parent)) {
      const i = n.statements.indexOf(child as ts.Statement);
      return rangesOf(n, helpers, inRequest).some(([from, to]) => i >= from && i <= to);
    }
  }
  return false;
}
