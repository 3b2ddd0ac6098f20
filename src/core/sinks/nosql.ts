// NoSQL sinks: MongoDB queries (Mongoose models, mongodb driver / MarsDB collections) whose filter
// holds request input. Two flaws, two kinds:
// - `nosql` (operator injection): a filter value that can be an object. A JSON body, or a query
//   string parsed by `qs` (`?email[$ne]=x`), turns `{ email: req.body.email }` into
//   `{ email: { $ne: 'x' } }` and the query matches every user. Route params, headers and cookies
//   are strings (`ignoresSource`); `String(x)`, string methods, templates, `$eq`, a `typeof` check
//   or a schema make the value a scalar.
// - `nosql-code`: request input in `$where` JavaScript, which the database runs (any request value,
//   strings included: `' || sleep(5000) || '`).
// Only the filter is a sink (the update document of `updateOne` is not a query).
import { ts } from '../typescript.js';
import { dbHandleOf } from '../db.js';
import type { Helpers } from '../helpers.js';
import { memberName, unwrap } from '../references.js';
import type { SinkKind, SinkMatch } from '../taint.js';

/** Methods whose first argument is a filter. */
const FILTER_FIRST = new Set([
  'find', 'findOne', 'findOneAndUpdate', 'findOneAndDelete', 'findOneAndRemove', 'findOneAndReplace', 'updateOne', 'updateMany', 'update',
  'deleteOne', 'deleteMany', 'remove', 'countDocuments', 'count', 'exists', 'replaceOne', 'findAndModify', 'where',
]);
/** Mongoose methods whose first argument is an `_id` value (cast like a filter value). */
const ID_FIRST = new Set(['findById', 'findByIdAndUpdate', 'findByIdAndDelete', 'findByIdAndRemove']);
/** Operators whose operand is a nested filter. */
const NESTED_FILTER = new Set(['$elemMatch', '$not']);
const LOGICAL = new Set(['$and', '$or', '$nor']);
/** Methods that return a string: their result cannot be an operator object. */
const STRING_METHODS = new Set(['toString', 'trim', 'trimStart', 'trimEnd', 'toLowerCase', 'toUpperCase', 'toLocaleLowerCase', 'toLocaleUpperCase', 'replace', 'replaceAll', 'substring', 'substr', 'padStart', 'padEnd', 'normalize', 'charAt', 'repeat', 'join']);
/** Request members whose values are always strings (or arrays of strings): not an operator object. */
const OBJECT_INPUT = new Set(['body', 'query', 'json', 'param']);

interface FilterParts {
  /** Values that can be an operator object when they come from the request. */
  values: ts.Expression[];
  /** `$where` code. */
  code: ts.Expression[];
}

/** A Mongo receiver: a Mongoose model (../db.ts), a driver collection, `db.collection('x')`. */
function isMongoReceiver(expr: ts.Expression, helpers: Helpers): boolean {
  const kind = dbHandleOf(unwrap(expr), helpers);
  return kind === 'mongoose-model' || kind === 'mongo-collection';
}

/** The value is a string by construction: a template, a concatenation with text, `String(x)`, `x.trim()`. */
function isStringBuilt(expr: ts.Expression, helpers: Helpers, depth = 0): boolean {
  const e = unwrap(expr);
  if (ts.isTemplateExpression(e) || ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return true;
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) return isStringBuilt(e.left, helpers, depth + 1) || isStringBuilt(e.right, helpers, depth + 1);
  if (ts.isCallExpression(e) && stringResult(e, helpers)) return true;
  if (ts.isIdentifier(e) && depth < 4) {
    const v = helpers.valueOf(e);
    return v !== e && isStringBuilt(v, helpers, depth + 1);
  }
  return false;
}

function stringResult(call: ts.CallExpression | ts.NewExpression, helpers: Helpers): boolean {
  const ref = helpers.referenceOf(unwrap(call.expression));
  if (ref?.kind === 'global' && ref.path.length === 0 && ref.name === 'String') return true;
  const name = memberName(unwrap(call.expression));
  return !!name && STRING_METHODS.has(name);
}

/** `obj.key = value` assignments to a filter object built step by step (`const filter = {}; filter.status = …`). */
function assignedMembers(decl: ts.VariableDeclaration, helpers: Helpers): Array<{ key: string | undefined; value: ts.Expression }> {
  const out: Array<{ key: string | undefined; value: ts.Expression }> = [];
  const scope = decl.parent?.parent?.parent;
  if (!scope) return out;
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = unwrap(n.left);
      if ((ts.isPropertyAccessExpression(left) || ts.isElementAccessExpression(left)) && ts.isIdentifier(unwrap(left.expression)) && helpers.declarationOf(unwrap(left.expression) as ts.Identifier) === decl) {
        out.push({ key: ts.isElementAccessExpression(left) && !memberName(left) ? undefined : memberName(left), value: n.right });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(scope);
  return out;
}

/** Splits a filter into its request-sensitive parts. */
function filterParts(expr: ts.Expression, helpers: Helpers, out: FilterParts, depth = 0): void {
  const e = unwrap(expr);
  const value = ts.isIdentifier(e) ? unwrap(helpers.valueOf(e)) : e;
  if (!ts.isObjectLiteralExpression(value) || depth > 6) {
    out.values.push(expr);
    return;
  }
  const members: Array<{ key: string | undefined; value: ts.Expression }> = [];
  for (const p of value.properties) {
    if (ts.isSpreadAssignment(p)) out.values.push(p.expression);
    else if (ts.isPropertyAssignment(p)) members.push({ key: ts.isComputedPropertyName(p.name) ? undefined : p.name.getText().replace(/^['"]|['"]$/g, ''), value: p.initializer });
    else if (ts.isShorthandPropertyAssignment(p)) members.push({ key: p.name.text, value: p.name });
  }
  // A filter object filled in after its declaration.
  if (ts.isIdentifier(e)) {
    const decl = helpers.declarationOf(e);
    if (decl && ts.isVariableDeclaration(decl)) members.push(...assignedMembers(decl, helpers));
  }
  for (const m of members) {
    if (m.key === '$where') out.code.push(m.value);
    else if (m.key && LOGICAL.has(m.key)) {
      const list = unwrap(m.value);
      if (ts.isArrayLiteralExpression(list)) for (const el of list.elements) filterParts(el, helpers, out, depth + 1);
      else out.values.push(m.value);
    } else if (m.key === '$expr') out.values.push(m.value);
    else if (m.key?.startsWith('$')) continue; // a top-level operator's operand (`$text`, `$comment`) is data
    else fieldValue(m.value, helpers, out, depth);
  }
}

/** The value of a field in a filter: an operator object, a sub-document literal, or a value. */
function fieldValue(expr: ts.Expression, helpers: Helpers, out: FilterParts, depth: number): void {
  const v = unwrap(expr);
  if (ts.isObjectLiteralExpression(v)) {
    for (const p of v.properties) {
      if (ts.isSpreadAssignment(p)) out.values.push(p.expression);
      else if (ts.isPropertyAssignment(p) && NESTED_FILTER.has(p.name.getText())) filterParts(p.initializer, helpers, out, depth + 1);
      // `{ $eq: x }`, `{ $in: list }`: an operator's operand is a literal value; a sub-document literal matches exactly.
    }
    return;
  }
  if (isStringBuilt(v, helpers)) return;
  out.values.push(expr);
}

/** Per helpers (the facts pass sees no exports yet, a rule does), per call: both kinds ask. */
const cache = new WeakMap<Helpers, WeakMap<ts.Node, FilterParts | null>>();

function partsOf(call: ts.CallExpression | ts.NewExpression, helpers: Helpers): FilterParts | null {
  let parts = cache.get(helpers);
  if (!parts) cache.set(helpers, (parts = new WeakMap()));
  const known = parts.get(call);
  if (known !== undefined) return known;
  let result: FilterParts | null = null;
  const callee = unwrap(call.expression);
  if (ts.isCallExpression(call) && ts.isPropertyAccessExpression(callee) && isMongoReceiver(callee.expression, helpers)) {
    const method = callee.name.text;
    const [first, second] = call.arguments;
    const out: FilterParts = { values: [], code: [] };
    if (FILTER_FIRST.has(method) && first) filterParts(first, helpers, out);
    else if (method === 'distinct' && second) filterParts(second, helpers, out);
    else if (ID_FIRST.has(method) && first && !isStringBuilt(first, helpers)) out.values.push(first);
    else if (method === 'aggregate' && first) {
      const pipeline = unwrap(helpers.valueOf(first));
      if (!ts.isArrayLiteralExpression(pipeline)) out.values.push(first);
      else {
        for (const stage of pipeline.elements) {
          const s = unwrap(stage);
          const match = ts.isObjectLiteralExpression(s) ? helpers.property(s, '$match') : undefined;
          if (match?.kind === 'found' && match.value) filterParts(match.value, helpers, out);
        }
      }
    }
    if (FILTER_FIRST.has(method) || ID_FIRST.has(method) || method === 'distinct' || method === 'aggregate') result = out;
  }
  parts.set(call, result);
  return result;
}

function label(call: ts.CallExpression | ts.NewExpression): string {
  const callee = unwrap(call.expression) as ts.PropertyAccessExpression;
  const receiver = callee.expression.getText().replace(/\s+/g, '');
  const short = receiver.length > 40 || /[(`'"]/.test(receiver) ? (memberName(unwrap(callee.expression)) ?? 'collection') : receiver;
  return `${short}.${callee.name.text}`;
}

const NAMES = new Set([...FILTER_FIRST, ...ID_FIRST, 'distinct', 'aggregate']);

export const nosqlSinks: SinkKind = {
  id: 'nosql',
  names: NAMES,
  match(call, helpers): SinkMatch | undefined {
    const p = partsOf(call, helpers);
    return p ? { sink: label(call), args: p.values } : undefined;
  },
  sanitizes: stringResult,
  ignoresSource: (member) => !OBJECT_INPUT.has(member),
  typeofConfines: true,
};

export const nosqlCodeSinks: SinkKind = {
  id: 'nosql-code',
  names: NAMES,
  match(call, helpers): SinkMatch | undefined {
    const p = partsOf(call, helpers);
    return p && p.code.length > 0 ? { sink: label(call), args: p.code } : undefined;
  },
};
