// Lazy initialisation: a module-level slot (a `let`, or a constant-named property of a module-level
// object literal used as a memo, `_cache.redis`) filled on first use and then returned as is. The
// write happens while the slot is still unset, so whichever request comes first builds the value and
// every later call gets it back: a lazily built singleton, not per-request state. Shapes:
// - `x ??= build()`, `x ||= build()`, `x || (x = build())`;
// - the then-branch of an `if` that tests the slot unset (`!x`, `x == null`, `typeof x ===
//   'undefined'`), also as one operand of `&&`, with other statements in between;
//   or the else-branch of one that tests it set;
// - an early-return guard `if (x) return …;` (or `x != null`), a statement of the function body
//   with no write of the slot before it, and a write later in that body, not inside a loop.
// Kept out, so that real defects stay visible:
// - a computed key (`cache[userId]`, `clients[tenant]`): a memo per key grows with the requests; an
//   object written through one (or passed on, aliased) is no memo at all;
// - a value that reads what the caller passes or the request carries (a parameter, `this`,
//   `arguments`, a local derived from one, an AsyncLocalStorage store, a module `let` that a function
//   reassigns): the first request's data kept for everyone;
// - a random value (`nanoid()`, `randomBytes`, `randomUUID`, `Math.random`): exactly what differs
//   between instances;
// - a container created lazily and then changed in place (`sessions ??= new Map()`, then
//   `sessions.set(…)`; `index[id] = …` into any value): the writes into it are the state.
//
// `inLazyInitialiser` is stricter, for the work written inside the initialiser itself (a config file
// read in `if (!config) config = JSON.parse(readFileSync(…))`), which then runs once: the slot must be
// written nowhere else in the file but by such writes or at module top level (no reset), an object memo
// must not be exported (another module could reset it), the initialiser must write the slot on every
// path that completes (no `return`, `break` or `continue` before the write), and must not sit in a
// `try` block (a failure would be retried on every request). Nested functions are never part of it,
// and calls out of it are not judged here: a factory called once may return methods that run on every
// request, so request reach still follows them.
import { ts } from './typescript.js';
import type { Helpers } from './helpers.js';
import { isNullishLiteral, isWritten, outermost, unwrap } from './references.js';

type Lookup = Pick<Helpers, 'declarationOf' | 'calleeOf'>;

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
  if (!moduleLevel(root) || !root.initializer || !ts.isObjectLiteralExpression(unwrap(root.initializer))) return undefined;
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

/** Expressions the condition tests unset, any of which is unset whenever it holds: `!x`, `x == null`, operands of `&&`. */
function unsetTested(cond: ts.Expression): ts.Expression[] {
  const c = unwrap(cond);
  if (ts.isBinaryExpression(c) && c.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return [...unsetTested(c.left), ...unsetTested(c.right)];
  if (ts.isPrefixUnaryExpression(c) && c.operator === ts.SyntaxKind.ExclamationToken) return [c.operand];
  const e = comparedToUnset(c, EQ);
  return e ? [e] : [];
}

/** The expression the condition tests set, when it holds exactly while it is set: `x`, `!!x`, `x != null` (not `x && fresh`: a stale value is rebuilt). */
function setTested(cond: ts.Expression): ts.Expression | undefined {
  let c = unwrap(cond);
  while (ts.isPrefixUnaryExpression(c) && c.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = unwrap(c.operand);
    if (!ts.isPrefixUnaryExpression(inner) || inner.operator !== ts.SyntaxKind.ExclamationToken) return undefined;
    c = unwrap(inner.operand);
  }
  if (ts.isBinaryExpression(c)) return comparedToUnset(c, NE);
  return ts.isIdentifier(c) || ts.isPropertyAccessExpression(c) || ts.isElementAccessExpression(c) ? c : undefined;
}

/** `node` (not its nested functions) contains a node that passes `test`. */
function contains(node: ts.Node, test: (n: ts.Node) => boolean): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (test(n)) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

const writesSlot = (slot: Slot, helpers: Lookup) => (n: ts.Node) => (ts.isIdentifier(n) || ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) && isWritten(n) && sameSlot(n as ts.Expression, slot, helpers);

/** `if (x) return …;` / `if (x) { …; return …; }` for the slot, without an else and without writing it. */
function isGuard(s: ts.Statement, slot: Slot, helpers: Lookup): boolean {
  if (!ts.isIfStatement(s) || s.elseStatement) return false;
  const tested = setTested(s.expression);
  if (!tested || !sameSlot(tested, slot, helpers)) return false;
  const then = s.thenStatement;
  const last = ts.isBlock(then) ? then.statements[then.statements.length - 1] : then;
  return !!last && ts.isReturnStatement(last) && !contains(then, writesSlot(slot, helpers));
}

/** The index of a guard for the slot among the body's statements before `before`, with no write of the slot ahead of it; else -1. */
function guardBefore(body: ts.Block, before: number, slot: Slot, helpers: Lookup): number {
  const stmts = body.statements;
  for (let i = 0; i < before; i++) {
    const s = stmts[i]!;
    if (isGuard(s, slot, helpers)) return i;
    if (contains(s, writesSlot(slot, helpers))) return -1;
  }
  return -1;
}

function isFalsyLiteral(e: ts.Expression): boolean {
  const v = unwrap(e);
  if (isNullishLiteral(v) || v.kind === ts.SyntaxKind.FalseKeyword || ts.isVoidExpression(v)) return true;
  return (ts.isNumericLiteral(v) && Number(v.text) === 0) || (ts.isStringLiteralLike(v) && v.text === '');
}

const isLoop = (n: ts.Node) => ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n) || ts.isWhileStatement(n) || ts.isDoStatement(n);

/** The write happens only while its slot is unset (see the file comment for the shapes). */
function guardedShape(assignment: ts.BinaryExpression, slot: Slot, helpers: Lookup): boolean {
  // `cache = null` empties the slot, under any guard: whatever fills it runs again.
  if (isFalsyLiteral(assignment.right)) return false;
  const op = assignment.operatorToken.kind;
  if (op === NULLISH_ASSIGN || op === OR_ASSIGN) return true;
  return runsWhileUnset(assignment, slot, helpers, false);
}

/**
 * The node runs only while the slot is unset when its function is entered: under a test of the slot
 * (`if (!x) …`, `x || …`), or after an early-return guard for it. After a guard, a write inside a loop
 * is not taken for a lazy one (`loops` false); filling the new container there is.
 */
function runsWhileUnset(node: ts.Node, slot: Slot, helpers: Lookup, loops: boolean): boolean {
  let loop = false;
  for (let child: ts.Node = node, n = node.parent; n && !ts.isFunctionLike(n) && !ts.isClassLike(n); child = n, n = n.parent) {
    // x || (x = build()), x ?? (x = build())
    if (ts.isBinaryExpression(n) && child === n.right && (n.operatorToken.kind === ts.SyntaxKind.BarBarToken || n.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) && sameSlot(n.left, slot, helpers)) return true;
    if (ts.isIfStatement(n)) {
      if (child === n.thenStatement && unsetTested(n.expression).some((e) => sameSlot(e, slot, helpers))) return true;
      if (child === n.elseStatement) {
        const set = setTested(n.expression);
        if (set && sameSlot(set, slot, helpers)) return true;
      }
    }
    if (isLoop(n)) loop = true;
    if (ts.isBlock(n) && ts.isFunctionLike(n.parent)) return (loops || !loop) && guardBefore(n, n.statements.indexOf(child as ts.Statement), slot, helpers) >= 0;
  }
  return false;
}

/** What makes a value differ per call or per instance: a caller's or request's data, or chance. */
type Variance = 'request' | 'random' | undefined;

/**
 * A module-level `let` that a function of the file reassigns, other than by a guarded write (set per
 * request by a middleware, say). A guarded write whose value varies is judged where it is.
 */
const reassignedLets = new WeakMap<ts.VariableDeclaration, boolean>();
function reassignedInFunction(decl: ts.VariableDeclaration, helpers: Lookup): boolean {
  let hit = reassignedLets.get(decl);
  if (hit === undefined) {
    hit = false;
    const slot: Slot = { root: decl, key: undefined };
    const name = (decl.name as ts.Identifier).text;
    const visit = (n: ts.Node, inFn: boolean): void => {
      if (hit) return;
      if (inFn && ts.isIdentifier(n) && n.text === name && !isNamePosition(n) && isWritten(n) && helpers.declarationOf(n) === decl) {
        const p = outermost(n).parent;
        if (!(isAssignment(p) && p.left === outermost(n) && guardedShape(p, slot, helpers))) hit = true;
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
export function valueVariance(value: ts.Expression, at: ts.Node, helpers: Lookup, self?: ts.Node): Variance {
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
        } else if (d !== self && moduleLevel(d) && (d.parent.flags & ts.NodeFlags.Const) === 0 && reassignedInFunction(d, helpers)) {
          found = 'request';
        }
      }
    } else if (ts.isCallExpression(n) || ts.isNewExpression(n)) {
      if (randomCall(n, helpers)) found = 'random';
      else if (ts.isCallExpression(n) && requestContextCall(n, helpers)) found = 'request';
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
  if (!ts.isNewExpression(v)) return false;
  const ref = helpers.calleeOf(v);
  return ref?.kind === 'global' && ref.path.length === 0 && (ref.name === 'Map' || ref.name === 'Set');
}

/**
 * The assignment fills a module-level slot on first use: a guarded shape (see the file comment), a
 * constant slot, and a value that reads nothing varying (see `valueVariance`).
 */
export function isLazyInitWrite(assignment: ts.BinaryExpression, helpers: Lookup): boolean {
  if (!isAssignment(assignment)) return false;
  const slot = slotOf(assignment.left, helpers);
  if (!slot) return false;
  const uses = usesOf(slot.root, helpers);
  if (slot.key !== undefined && uses.escapes) return false;
  if (!guardedShape(assignment, slot, helpers) || valueVariance(assignment.right, assignment, helpers, slot.root) !== undefined) return false;
  // `if (!sessions) sessions = new Map()` and then `sessions.set(…)` or `index[id] = …`: a container created lazily and
  // filled per call. Filling it while it is built (under the same guard, with nothing varying) is part of building it.
  const container = isContainerLiteral(assignment.right, helpers);
  return !(uses.changes.get(slot.key ?? '') ?? []).some(
    (c) => (c.how === 'write' || container) && !(runsWhileUnset(c.at, slot, helpers, true) && c.values.every((v) => valueVariance(v, c.at, helpers, slot.root) === undefined)),
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
    const found: RootUses = { writes: new Map(), escapes: false, changes: new Map() };
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
        } else if (isWritten(n)) {
          if (inFn) write('', n);
        } else found.escapes = true;
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
  return ts.getModifiers(root.parent.parent as ts.VariableStatement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
}

/**
 * Nothing but lazy-init writes change the slot once the module has loaded: every write in a function
 * of the file is one, and an object memo neither escapes nor is exported.
 */
function writtenOnlyLazily(slot: Slot, helpers: Lookup): boolean {
  const uses = usesOf(slot.root, helpers);
  if (slot.key !== undefined && (uses.escapes || exported(slot.root))) return false;
  return (uses.writes.get(slot.key ?? '') ?? []).every((target) => {
    const p = outermost(target).parent;
    return isAssignment(p) && p.left === outermost(target) && isLazyInitWrite(p, helpers);
  });
}

function inTryBlock(node: ts.Node): boolean {
  for (let child = node, n = node.parent; n && !ts.isFunctionLike(n); child = n, n = n.parent) {
    if (ts.isTryStatement(n) && child === n.tryBlock) return true;
  }
  return false;
}

/** The statement leaves the code around it early: a `return`, `break` or `continue` (nested functions aside). */
const mayExit = (s: ts.Node) => contains(s, (n) => ts.isReturnStatement(n) || ts.isBreakStatement(n) || ts.isContinueStatement(n));

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

function initialiserSlot(slot: Slot | undefined, at: ts.Node, helpers: Lookup): slot is Slot {
  return !!slot && !inTryBlock(at) && writtenOnlyLazily(slot, helpers);
}

/** Per `if`: its then-branch (or else-branch) initialises a slot. */
const initialisingBranch = new WeakMap<ts.IfStatement, 'then' | 'else' | 'none'>();
function branchOf(s: ts.IfStatement, helpers: Lookup): 'then' | 'else' | 'none' {
  let hit = initialisingBranch.get(s);
  if (hit === undefined) {
    hit = 'none';
    for (const e of unsetTested(s.expression)) {
      const slot = slotOf(e, helpers);
      if (initialiserSlot(slot, s, helpers) && alwaysWrites(s.thenStatement, slot, helpers)) hit = 'then';
    }
    const set = hit === 'none' ? setTested(s.expression) : undefined;
    const slot = set && slotOf(set, helpers);
    if (s.elseStatement && initialiserSlot(slot, s, helpers) && alwaysWrites(s.elseStatement, slot, helpers)) hit = 'else';
    initialisingBranch.set(s, hit);
  }
  return hit;
}

/** Per function body: the ranges of statements [from, to] after an early-return guard, up to the statement that writes the slot. */
const guardedRanges = new WeakMap<ts.Block, Array<[number, number]>>();
function rangesOf(body: ts.Block, helpers: Lookup): Array<[number, number]> {
  let hit = guardedRanges.get(body);
  if (!hit) {
    hit = [];
    const stmts = body.statements;
    for (let g = 0; g < stmts.length; g++) {
      const s = stmts[g]!;
      if (!ts.isIfStatement(s) || s.elseStatement) continue;
      const tested = setTested(s.expression);
      const slot = tested && slotOf(tested, helpers);
      if (!initialiserSlot(slot, s, helpers) || guardBefore(body, g + 1, slot, helpers) !== g) continue;
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
export function inLazyInitialiser(node: ts.Node, helpers: Lookup): boolean {
  for (let child = node, n = node.parent; n && !ts.isFunctionLike(n) && !ts.isClassLike(n); child = n, n = n.parent) {
    if (isAssignment(n) && child === n.right) {
      const slot = slotOf(n.left, helpers);
      if (slot && isLazyInitWrite(n, helpers) && initialiserSlot(slot, n, helpers)) return true;
    } else if (ts.isIfStatement(n) && (child === n.thenStatement || child === n.elseStatement)) {
      if (branchOf(n, helpers) === (child === n.thenStatement ? 'then' : 'else')) return true;
    } else if (ts.isBlock(n) && ts.isFunctionLike(n.parent)) {
      const i = n.statements.indexOf(child as ts.Statement);
      return rangesOf(n, helpers).some(([from, to]) => i >= from && i <= to);
    }
  }
  return false;
}
