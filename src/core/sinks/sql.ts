// SQL sinks: calls that send their text argument to the database as SQL — pg and mysql/mysql2
// `query`/`execute`, knex `raw` and the `…Raw` builder methods, Sequelize `query`/`literal`, TypeORM
// `query` (data source, entity manager, repository, query runner) and the query builder's
// `where`/`orderBy`/… strings, Prisma `$queryRawUnsafe`/`$executeRawUnsafe` (and `Prisma.raw`),
// better-sqlite3 / sqlite3 `exec`/`prepare`/`all`/`get`/`run`. Only the SQL text is a sink: bind
// parameters (`query(text, [values])`, knex bindings, Sequelize `replacements`) are the fix, so
// they are never listed. Tagged templates (`sql\`…\``, Prisma `$queryRaw\`…\``) are never tainted
// by the engine. Receivers are recognised by how they were created (../db.ts), not by their name.
import { ts } from '../typescript.js';
import { dbHandleOf, type DbHandleKind } from '../db.js';
import type { Helpers } from '../helpers.js';
import { memberName, unwrap } from '../references.js';
import type { SinkKind, SinkMatch } from '../taint.js';

const POOL_METHODS = new Set(['query', 'execute']);
const KNEX_RAW = new Set(['raw', 'whereRaw', 'orWhereRaw', 'andWhereRaw', 'havingRaw', 'orHavingRaw', 'andHavingRaw', 'orderByRaw', 'groupByRaw', 'joinRaw', 'fromRaw', 'jsonExtract']);
const BUILDER_TEXT = new Set(['where', 'andWhere', 'orWhere', 'having', 'andHaving', 'orHaving', 'orderBy', 'addOrderBy', 'groupBy', 'addGroupBy', 'select', 'addSelect']);
const SQLITE_METHODS = new Set(['exec', 'prepare', 'all', 'get', 'run', 'each']);
const PRISMA_UNSAFE = new Set(['$queryRawUnsafe', '$executeRawUnsafe']);
/** The leading keyword of SQL text, for receivers this file cannot see the origin of. */
const SQL_TEXT = /^\s*\(?\s*(select|insert|update|delete|with|create|alter|drop|truncate|merge|replace|pragma|show|describe|explain|call)\b/i;

/** The root of a method chain: `knex('users')` of `knex('users').where(…).whereRaw(…)`. */
function chainRoot(expr: ts.Expression): { root: ts.Expression; calls: ts.CallExpression[] } {
  let e = unwrap(expr);
  const calls: ts.CallExpression[] = [];
  for (let i = 0; i < 20; i++) {
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(unwrap(e.expression))) {
      calls.push(e);
      e = unwrap((unwrap(e.expression) as ts.PropertyAccessExpression).expression);
    } else if (ts.isAwaitExpression(e)) e = unwrap(e.expression);
    else break;
  }
  return { root: e, calls };
}

/** The SQL handle an expression holds: ../db.ts kinds, plus mysql2's `pool.promise()` and TypeORM query runners. */
function sqlHandle(expr: ts.Expression, helpers: Helpers): DbHandleKind | 'typeorm-runner' | null {
  // The name first: `const sequelize = require('./database')` is the module's export, which the
  // value (a `require()` call) no longer says.
  const named = unwrap(expr);
  const e = unwrap(helpers.valueOf(expr));
  const kind = (ts.isIdentifier(named) ? dbHandleOf(named, helpers) : null) ?? dbHandleOf(e, helpers);
  if (kind) return kind;
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(unwrap(e.expression))) {
    const callee = unwrap(e.expression) as ts.PropertyAccessExpression;
    const receiver = sqlHandle(callee.expression, helpers);
    if (callee.name.text === 'promise' && receiver === 'sql-pool') return 'sql-pool';
    if (callee.name.text === 'createQueryRunner' && (receiver === 'typeorm-datasource' || receiver === 'typeorm-manager')) return 'typeorm-runner';
  }
  // queryRunner.manager
  if (ts.isPropertyAccessExpression(e) && e.name.text === 'manager' && sqlHandle(e.expression, helpers) === 'typeorm-runner') return 'typeorm-manager';
  return null;
}

/** A TypeORM query builder: a chain from `createQueryBuilder()` on a data source, manager, repository or query runner. */
function isQueryBuilder(expr: ts.Expression, helpers: Helpers): boolean {
  for (const call of chainRoot(helpers.valueOf(expr)).calls) {
    const callee = unwrap(call.expression) as ts.PropertyAccessExpression;
    if (callee.name.text !== 'createQueryBuilder') continue;
    const kind = sqlHandle(callee.expression, helpers);
    return kind === 'typeorm-datasource' || kind === 'typeorm-manager' || kind === 'typeorm-repository' || kind === 'typeorm-runner';
  }
  return false;
}

/** A chain on a knex instance: `knex.raw(…)`, `db('users').whereRaw(…)`, `this.knex('t').select().orderByRaw(…)`. */
function isKnexChain(expr: ts.Expression, helpers: Helpers): boolean {
  const { root, calls } = chainRoot(helpers.valueOf(expr));
  const isKnex = (e: ts.Expression) => sqlHandle(e, helpers) === 'knex';
  if (isKnex(root) || (ts.isCallExpression(root) && isKnex(root.expression))) return true;
  return calls.some((c) => isKnex(c.expression) || isKnex((unwrap(c.expression) as ts.PropertyAccessExpression).expression));
}

/** The SQL text of `query(text, …)` or `query({ text | sql | query, values })`. */
function textArg(call: ts.CallExpression, helpers: Helpers, ...keys: string[]): ts.Expression | undefined {
  const first = call.arguments[0];
  if (!first) return undefined;
  const value = unwrap(helpers.valueOf(first));
  if (ts.isObjectLiteralExpression(value)) {
    for (const key of keys) {
      const p = helpers.property(value, key);
      if (p.kind === 'found' && p.value) return p.value;
    }
    return undefined;
  }
  return first;
}

/** The leading literal text of a string built by a template or `+` (following a variable to its initializer). */
function leadingText(expr: ts.Expression, helpers: Helpers, depth = 0): string | undefined {
  const e = unwrap(helpers.valueOf(expr));
  if (ts.isIdentifier(e) && depth < 4) {
    const decl = helpers.declarationOf(e);
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer) return leadingText(decl.initializer, helpers, depth + 1);
  }
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (ts.isTemplateExpression(e)) return e.head.text || e.templateSpans[0]?.literal.text;
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) return leadingText(e.left, helpers, depth);
  return undefined;
}

/**
 * A receiver read from a project module whose origin the facts do not know: `db.sequelize` of a
 * CommonJS models index, `models.sequelize` made by a factory function, a pool imported while the
 * facts pass has no exports yet. Only SQL text makes its `query` a sink.
 */
function projectReceiver(expr: ts.Expression, helpers: Helpers): boolean {
  const ref = helpers.referenceOf(unwrap(expr));
  if (ref?.kind !== 'module' || !ref.resolved) return false;
  const exp = ref.path.length <= 1 ? helpers.exportOf(ref.path.length === 0 ? { ...ref, path: ['default'] } : ref) : undefined;
  return !exp || exp.info.db === null;
}

/** How a message names the receiver: `pool`, `this.dataSource`, `warehouse` of `warehouse('orders').select()…`, `repo.createQueryBuilder()`. */
function display(receiver: ts.Expression): string {
  const text = receiver.getText().replace(/\s+/g, '');
  if (text.length <= 40 && !/[(`'"[]/.test(text)) return text;
  const { root, calls } = chainRoot(receiver);
  const builder = calls.find((c) => memberName(unwrap(c.expression)) === 'createQueryBuilder');
  if (builder) return `${display((unwrap(builder.expression) as ts.PropertyAccessExpression).expression)}.createQueryBuilder()`;
  const base = ts.isCallExpression(root) ? unwrap(root.expression) : root;
  return base === receiver ? (memberName(unwrap(receiver)) ?? 'db') : display(base);
}

function label(receiver: ts.Expression, method: string): string {
  return `${display(receiver)}.${method}`;
}

function matchSql(call: ts.CallExpression | ts.NewExpression, helpers: Helpers): SinkMatch | undefined {
  if (!ts.isCallExpression(call)) return undefined;
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const receiver = unwrap(callee.expression);
  const first = call.arguments[0];
  if (!first || ts.isTaggedTemplateExpression(unwrap(first))) return undefined;
  const sink = (text: ts.Expression | undefined): SinkMatch | undefined => (text ? { sink: label(receiver, method), args: [text] } : undefined);
  // Prisma: the method names are Prisma's own; `$queryRaw(Prisma.raw(text))` is as unsafe.
  if (PRISMA_UNSAFE.has(method)) return sink(first);
  if (method === '$queryRaw' || method === '$executeRaw') {
    const raw = unwrap(first);
    const ref = ts.isCallExpression(raw) ? helpers.referenceOf(raw.expression) : null;
    const isRaw = ref?.kind === 'module' && !ref.resolved && /prisma/.test(ref.module) && ref.path.join('.') === 'Prisma.raw';
    return isRaw && ts.isCallExpression(raw) ? sink(raw.arguments[0]) : undefined;
  }
  const kind = sqlHandle(receiver, helpers);
  switch (kind) {
    case 'sql-pool':
      return POOL_METHODS.has(method) ? sink(textArg(call, helpers, 'text', 'sql')) : undefined;
    case 'sequelize':
      return method === 'query' ? sink(textArg(call, helpers, 'query')) : method === 'literal' ? sink(first) : undefined;
    case 'typeorm-datasource':
    case 'typeorm-manager':
    case 'typeorm-repository':
    case 'typeorm-runner':
      return method === 'query' ? sink(first) : undefined;
    case 'sqlite':
      return SQLITE_METHODS.has(method) ? sink(first) : undefined;
    case 'knex':
      return KNEX_RAW.has(method) ? sink(first) : undefined;
    default:
      break;
  }
  // Sequelize.literal(text) on the package itself
  if (method === 'literal') {
    const ref = helpers.referenceOf(receiver);
    if (ref?.kind === 'module' && !ref.resolved && ['sequelize', 'sequelize-typescript', '@sequelize/core'].includes(ref.module)) return sink(first);
    return undefined;
  }
  if (KNEX_RAW.has(method) && isKnexChain(receiver, helpers)) return sink(first);
  if (BUILDER_TEXT.has(method) && isQueryBuilder(receiver, helpers)) {
    const v = unwrap(helpers.valueOf(first));
    const structured = ts.isObjectLiteralExpression(v) || ts.isArrayLiteralExpression(v) || ts.isArrowFunction(v) || ts.isFunctionExpression(v) || ts.isNewExpression(v);
    return structured ? undefined : sink(first);
  }
  if ((method === 'query' || method === 'execute' || method === 'raw' || method === 'exec') && projectReceiver(receiver, helpers)) {
    const text = textArg(call, helpers, 'text', 'sql', 'query');
    const lead = text && leadingText(text, helpers);
    return lead !== undefined && SQL_TEXT.test(lead) ? sink(text) : undefined;
  }
  return undefined;
}

export const sqlSinks: SinkKind = {
  id: 'sql',
  names: new Set([...POOL_METHODS, ...KNEX_RAW, ...BUILDER_TEXT, ...SQLITE_METHODS, ...PRISMA_UNSAFE, '$queryRaw', '$executeRaw', 'literal']),
  match: matchSql,
};
