// Once-only initialisers: a module-level slot (a `let`, or a property of a module-level object used
// as a memo, `_cache.redis`) written only while it is still unset. Whoever calls first builds the
// value and every later call gets it back, so the write and the work done to build the value (a
// config file read, a client created) happen once per process, not once per request, even when a
// request handler is the first caller. The handler model (./handlers.ts) does not follow calls out of
// such an initialiser, no-sync-in-handler does not count blocking calls in one, and
// no-module-state-in-handler does not count the write. The shapes:
// - `x ??= build()`, `x ||= build()`;
// - `if (!x) { x = build() }`, also with the unset test as one operand of `&&`
//   (`if (enabled && x === null) x = build()`);
// - an early-return guard: `if (x) return x;` (or `x != null`) as a statement of the function body,
//   then the writes of `x` later in that body, with no `return` in between (a path that returns
//   before writing `x` would run again on the next call).
// `x` is a module-level `let`, `obj.p` or `obj[k]` of a module-level object; for `obj[k]` the write
// is once per key, which is once-only only when the key is nothing a caller passes (a per-user
// `cache[userId]` grows with the requests).
import { ts } from './typescript.js';
import type { Helpers } from './helpers.js';
import { isNullishLiteral, unwrap } from './references.js';

type Lookup = Pick<Helpers, 'declarationOf'>;

/** A module-level slot: its root declaration and the property it names (`.p`, or `[]` with the key's declaration). */
interface Slot {
  root: ts.Node;
  key: string | undefined;
  keyDecl?: ts.Node;
  keyExpr?: ts.Expression;
}

function moduleLevel(decl: ts.Node): boolean {
  return ts.isVariableDeclaration(decl) && ts.isVariableDeclarationList(decl.parent) && ts.isVariableStatement(decl.parent.parent) && ts.isSourceFile(decl.parent.parent.parent);
}

/** The slot an expression names: `database`, `_cache.bus`, `_cache['bus']`, `counters[key]`. */
function slotOf(expr: ts.Expression, helpers: Lookup): Slot | undefined {
  const e = unwrap(expr);
  if (ts.isIdentifier(e)) {
    const d = helpers.declarationOf(e);
    return d && moduleLevel(d) ? { root: d, key: undefined } : undefined;
  }
  if (!ts.isPropertyAccessExpression(e) && !ts.isElementAccessExpression(e)) return undefined;
  const base = unwrap(e.expression);
  const root = ts.isIdentifier(base) ? helpers.declarationOf(base) : undefined;
  if (!root || !moduleLevel(root)) return undefined;
  if (ts.isPropertyAccessExpression(e)) return { root, key: `.${e.name.text}` };
  const arg = unwrap(e.argumentExpression);
  if (ts.isStringLiteralLike(arg) || ts.isNumericLiteral(arg)) return { root, key: `.${arg.text}` };
  const keyDecl = ts.isIdentifier(arg) ? helpers.declarationOf(arg) : undefined;
  return keyDecl ? { root, key: '[]', keyDecl, keyExpr: arg } : undefined;
}

function sameSlot(expr: ts.Expression, slot: Slot, helpers: Lookup): boolean {
  const s = slotOf(expr, helpers);
  return !!s && s.root === slot.root && s.key === slot.key && s.keyDecl === slot.keyDecl;
}

const EQ = new Set([ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.EqualsEqualsEqualsToken]);
const NE = new Set([ts.SyntaxKind.ExclamationEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken]);

/** `x == null`-like comparisons of the slot: `ops` are `==`/`===` (unset) or `!=`/`!==` (set). */
function comparesToUnset(c: ts.Expression, slot: Slot, helpers: Lookup, ops: ReadonlySet<ts.SyntaxKind>): boolean {
  if (!ts.isBinaryExpression(c) || !ops.has(c.operatorToken.kind)) return false;
  const unset = (e: ts.Expression) => {
    const v = unwrap(e);
    return isNullishLiteral(v) || (ts.isStringLiteral(v) && v.text === 'undefined');
  };
  const it = (e: ts.Expression) => {
    const v = unwrap(e);
    return sameSlot(v, slot, helpers) || (ts.isTypeOfExpression(v) && sameSlot(v.expression, slot, helpers));
  };
  return (it(c.left) && unset(c.right)) || (it(c.right) && unset(c.left));
}

/** The condition holds only while the slot is unset: `!x`, `x == null`, `typeof x === 'undefined'`, or one of them as an operand of `&&`. */
function testsUnset(cond: ts.Expression, slot: Slot, helpers: Lookup): boolean {
  const c = unwrap(cond);
  if (ts.isBinaryExpression(c) && c.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return testsUnset(c.left, slot, helpers) || testsUnset(c.right, slot, helpers);
  if (ts.isPrefixUnaryExpression(c) && c.operator === ts.SyntaxKind.ExclamationToken) return sameSlot(c.operand, slot, helpers);
  return comparesToUnset(c, slot, helpers, EQ);
}

/** The condition holds whenever the slot is set: `x`, `x != null`, `x !== undefined`, `typeof x !== 'undefined'` (not `x && fresh`: a stale value is rebuilt). */
function testsSet(cond: ts.Expression, slot: Slot, helpers: Lookup): boolean {
  const c = unwrap(cond);
  return sameSlot(c, slot, helpers) || comparesToUnset(c, slot, helpers, NE);
}

/** `if (x) return x;` / `if (x) { return x; }`. */
function isGuard(s: ts.Statement, slot: Slot, helpers: Lookup): boolean {
  if (!ts.isIfStatement(s) || s.elseStatement) return false;
  const then = s.thenStatement;
  const last = ts.isBlock(then) ? then.statements[then.statements.length - 1] : then;
  return !!last && ts.isReturnStatement(last) && testsSet(s.expression, slot, helpers);
}

/** The statement (not its nested functions) contains a `return` / a write of the slot. */
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

const isWriteOf = (slot: Slot, helpers: Lookup) => (n: ts.Node) => ts.isBinaryExpression(n) && isAssignment(n) && sameSlot(n.left, slot, helpers);

function isAssignment(n: ts.BinaryExpression): boolean {
  const op = n.operatorToken.kind;
  return op === ts.SyntaxKind.EqualsToken || op === ts.SyntaxKind.QuestionQuestionEqualsToken || op === ts.SyntaxKind.BarBarEqualsToken;
}

/**
 * The body statements from which on everything runs only until the slot is set: after a guard for
 * the slot, when a later statement writes it and no statement between them returns.
 */
function guardedFrom(body: ts.Block, slot: Slot, helpers: Lookup): number {
  const stmts = body.statements;
  for (let g = 0; g < stmts.length; g++) {
    if (!isGuard(stmts[g]!, slot, helpers)) continue;
    for (let w = g + 1; w < stmts.length; w++) {
      const s = stmts[w]!;
      if (contains(s, isWriteOf(slot, helpers))) return g + 1;
      if (contains(s, ts.isReturnStatement)) break;
    }
  }
  return -1;
}

/** The body of the function holding `node`, and the top-level statement of it that contains `node`. */
function bodyStatement(node: ts.Node): { body: ts.Block; index: number } | undefined {
  for (let child = node, n = node.parent; n; child = n, n = n.parent) {
    if (ts.isFunctionLike(n)) return undefined;
    if (ts.isBlock(n) && ts.isFunctionLike(n.parent)) return { body: n, index: n.statements.indexOf(child as ts.Statement) };
  }
  return undefined;
}

/**
 * The value reads what a caller may pass: a parameter (destructured too) of a function around `at`,
 * or a local of one whose initializer does (`const u = req.user`), or a local without one.
 * Module-level names and the value's own nested functions' names do not count.
 */
export function readsParameters(value: ts.Expression, at: ts.Node, helpers: Lookup): boolean {
  const around: ts.Node[] = [];
  for (let n = at.parent; n; n = n.parent) if (ts.isFunctionLike(n)) around.push(n);
  const seen = new Set<ts.Node>();
  const reads = (expr: ts.Node): boolean => {
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (ts.isIdentifier(n)) {
        const d = helpers.declarationOf(n);
        const own = d && d.pos >= expr.pos && d.end <= expr.end;
        if (d && !own && !seen.has(d) && around.some((f) => d.pos >= f.pos && d.end <= f.end)) {
          seen.add(d);
          // A local set from what the function computes: follow its initializer or what is assigned to it.
          const values = localValues(d, helpers);
          found = values ? values.some(reads) : true;
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(expr);
    return found;
  };
  return reads(value);
}

/**
 * What a local holds: the initializer of its declaration (destructured too: `const { Agent } =
 * await import('node:http')`), or, declared without one (`let counter: Kv;`), every value the
 * function assigns to it. Undefined for a parameter.
 */
function localValues(d: ts.Node, helpers: Lookup): ts.Expression[] | undefined {
  let decl: ts.Node = d;
  while (ts.isBindingElement(decl) || ts.isObjectBindingPattern(decl) || ts.isArrayBindingPattern(decl)) decl = decl.parent;
  if (!ts.isVariableDeclaration(decl)) return undefined;
  if (decl.initializer) return [decl.initializer];
  if (!ts.isIdentifier(decl.name)) return undefined;
  const scope = ts.findAncestor(decl, ts.isFunctionLike);
  const body = scope && 'body' in scope ? scope.body : undefined;
  if (!body) return undefined;
  const out: ts.Expression[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && isAssignment(n)) {
      const l = unwrap(n.left);
      if (ts.isIdentifier(l) && helpers.declarationOf(l) === decl) out.push(n.right);
    }
    ts.forEachChild(n, visit);
  };
  visit(body);
  return out;
}

/** The write sets its slot once per process (or once per key that no caller passes); see the file comment for the shapes. */
export function isOnceOnlyWrite(assignment: ts.BinaryExpression, helpers: Lookup): boolean {
  if (!isAssignment(assignment)) return false;
  const slot = slotOf(assignment.left, helpers);
  if (!slot || (slot.keyExpr && readsParameters(slot.keyExpr, assignment, helpers))) return false;
  if (assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return true;
  for (let child: ts.Node = assignment, n = assignment.parent; n && !ts.isFunctionLike(n); child = n, n = n.parent) {
    if (ts.isIfStatement(n) && child === n.thenStatement && testsUnset(n.expression, slot, helpers)) return true;
  }
  const at = bodyStatement(assignment);
  if (!at) return false;
  const from = guardedFrom(at.body, slot, helpers);
  return from >= 0 && at.index >= from;
}

/** Answers of `inOnceOnlyInitialiser` for `if` statements and function bodies: each walks its subtree. */
const initIfs = new WeakMap<ts.IfStatement, boolean>();
const initBodies = new WeakMap<ts.Block, number>();

/**
 * `node` runs only while building a once-only value: in the value of a once-only write, in the
 * then-branch of `if (!x)` that writes `x`, or after an early-return guard for a slot the body then
 * writes. Nested functions are not: a callback set up there runs later, as often as it is called.
 */
export function inOnceOnlyInitialiser(node: ts.Node, helpers: Lookup): boolean {
  for (let child = node, n = node.parent; n && !ts.isFunctionLike(n); child = n, n = n.parent) {
    if (ts.isBinaryExpression(n) && child === n.right && isOnceOnlyWrite(n, helpers)) return true;
    if (ts.isIfStatement(n) && child === n.thenStatement && initialisingIf(n, helpers)) return true;
    if (ts.isBlock(n) && ts.isFunctionLike(n.parent)) {
      const from = guardedStart(n, helpers);
      return from >= 0 && n.statements.indexOf(child as ts.Statement) >= from;
    }
  }
  return false;
}

/** `if (!x) { … x = … }`: the then-branch writes a slot the condition tests unset, once. */
function initialisingIf(s: ts.IfStatement, helpers: Lookup): boolean {
  let hit = initIfs.get(s);
  if (hit === undefined) {
    hit = contains(s.thenStatement, (n) => ts.isBinaryExpression(n) && isAssignment(n) && isOnceOnlyWrite(n, helpers) && testsUnsetSlotOf(n, s, helpers));
    initIfs.set(s, hit);
  }
  return hit;
}

function testsUnsetSlotOf(write: ts.BinaryExpression, s: ts.IfStatement, helpers: Lookup): boolean {
  const slot = slotOf(write.left, helpers);
  return !!slot && testsUnset(s.expression, slot, helpers);
}

/** The first body statement guarded for some slot the body writes after the guard, or -1. */
function guardedStart(body: ts.Block, helpers: Lookup): number {
  let hit = initBodies.get(body);
  if (hit === undefined) {
    hit = -1;
    for (const s of body.statements) {
      if (!ts.isIfStatement(s) || s.elseStatement) continue;
      const slot = slotOf(setTested(s.expression), helpers);
      if (!slot || (slot.keyExpr && readsParameters(slot.keyExpr, s, helpers))) continue;
      const from = guardedFrom(body, slot, helpers);
      if (from >= 0) {
        hit = from;
        break;
      }
    }
    initBodies.set(body, hit);
  }
  return hit;
}

/** The expression a set test (`x`, `x != null`, `typeof x !== 'undefined'`) tests. */
function setTested(cond: ts.Expression): ts.Expression {
  const c = unwrap(cond);
  if (ts.isBinaryExpression(c) && NE.has(c.operatorToken.kind)) {
    const side = isNullishLiteral(c.right) || ts.isStringLiteral(unwrap(c.right)) ? c.left : c.right;
    const v = unwrap(side);
    return ts.isTypeOfExpression(v) ? v.expression : v;
  }
  return c;
}
