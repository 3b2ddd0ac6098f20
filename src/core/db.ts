// Database handles and the calls that reach the database through them: Prisma clients, Mongoose
// and Sequelize models, knex instances, pg/mysql2 pools and clients, Sequelize instances, TypeORM
// data sources, managers and repositories. A handle is recognised by how it was created (or the
// type it was injected with), in this file or in the project module that exports it, never by its
// name: `db.query()` on an unknown `db` is not a database call.
import { ts } from './typescript.js';
import type { Helpers } from './helpers.js';
import { memberName, unwrap } from './references.js';
import type { Reference } from './types.js';

export type DbHandleKind = 'prisma' | 'mongoose-model' | 'sequelize-model' | 'model-document' | 'knex' | 'sql-pool' | 'sequelize' | 'typeorm-datasource' | 'typeorm-manager' | 'typeorm-repository' | 'sqlite' | 'mongo-collection';

const PRISMA_MODEL_OPS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'upsert', 'delete', 'deleteMany', 'count', 'aggregate', 'groupBy']);
const PRISMA_CLIENT_OPS = new Set(['$queryRaw', '$queryRawUnsafe', '$executeRaw', '$executeRawUnsafe', '$transaction', '$runCommandRaw']);
const MONGOOSE_MODEL_OPS = ['find', 'findOne', 'findById', 'findByIdAndUpdate', 'findByIdAndDelete', 'findByIdAndRemove', 'findOneAndUpdate', 'findOneAndDelete', 'findOneAndReplace', 'findOneAndRemove', 'create', 'insertMany', 'updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'remove', 'countDocuments', 'estimatedDocumentCount', 'count', 'aggregate', 'exists', 'distinct', 'replaceOne', 'bulkWrite', 'update'];
const SEQUELIZE_MODEL_OPS = ['findAll', 'findOne', 'findByPk', 'findAndCountAll', 'findOrCreate', 'findCreateFind', 'create', 'bulkCreate', 'update', 'destroy', 'count', 'max', 'min', 'sum', 'upsert', 'increment', 'decrement', 'truncate', 'restore'];
const MODEL_OPS = new Set([...MONGOOSE_MODEL_OPS, ...SEQUELIZE_MODEL_OPS]);
const DOCUMENT_OPS = new Set(['save', 'remove', 'deleteOne', 'updateOne', 'destroy', 'reload', 'populate']);
const TYPEORM_OPS = new Set(['find', 'findBy', 'findOne', 'findOneBy', 'findOneOrFail', 'findOneByOrFail', 'findAndCount', 'findAndCountBy', 'findByIds', 'save', 'insert', 'update', 'upsert', 'delete', 'remove', 'softDelete', 'softRemove', 'restore', 'count', 'countBy', 'exist', 'exists', 'existsBy', 'increment', 'decrement', 'query', 'createQueryBuilder', 'transaction', 'sum', 'average', 'minimum', 'maximum', 'clear']);
const SQL_OPS = new Set(['query', 'execute', 'connect']);
const MYSQL_MODULES = new Set(['mysql', 'mysql2', 'mysql2/promise']);
const SEQUELIZE_MODULES = new Set(['sequelize', 'sequelize-typescript', '@sequelize/core']);

const isPackageRef = (ref: Reference | null, modules: ReadonlySet<string> | string): ref is Extract<Reference, { kind: 'module' }> =>
  ref?.kind === 'module' && !ref.resolved && (typeof modules === 'string' ? ref.module === modules : modules.has(ref.module));
const pathIs = (ref: Extract<Reference, { kind: 'module' }>, ...names: string[]) => ref.path.length <= 1 && names.includes(ref.path[0] ?? '');

/**
 * The handle a creating expression yields, from package references alone (the facts pass uses it
 * for exports): `new PrismaClient()`, `mongoose.model(…)`, `knex(config)`, `new Pool()`,
 * `mysql.createPool()`, `new Sequelize()`, `new DataSource()`, `a ?? new PrismaClient()`.
 * `receiverKind` answers for receivers of method calls (`sequelize.define(…)`), when known.
 */
export function dbCreation(expr: ts.Expression, referenceOf: (e: ts.Expression) => Reference | null, receiverKind: (e: ts.Expression) => DbHandleKind | null = () => null): DbHandleKind | null {
  const e = unwrap(expr);
  if (ts.isBinaryExpression(e) && (e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || e.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
    return dbCreation(e.right, referenceOf, receiverKind) ?? dbCreation(e.left, referenceOf, receiverKind);
  }
  if (ts.isNewExpression(e)) {
    const ref = referenceOf(e.expression);
    if (ref?.kind !== 'module' || ref.resolved) return null;
    if (/(^|\/)(@prisma\/client|prisma)/.test(ref.module) && pathIs(ref, 'PrismaClient')) return 'prisma';
    if (isPackageRef(ref, 'pg') && pathIs(ref, 'Pool', 'Client')) return 'sql-pool';
    if (isPackageRef(ref, SEQUELIZE_MODULES) && (ref.path.length === 0 || pathIs(ref, 'Sequelize', 'default'))) return 'sequelize';
    if (isPackageRef(ref, 'typeorm') && pathIs(ref, 'DataSource', 'Connection')) return 'typeorm-datasource';
    // new Database(file) of better-sqlite3, new sqlite3.Database(file); a MarsDB / mongodb Collection
    if (isPackageRef(ref, 'better-sqlite3') && (ref.path.length === 0 || pathIs(ref, 'default', 'Database'))) return 'sqlite';
    if (isPackageRef(ref, 'sqlite3') && ref.path[ref.path.length - 1] === 'Database') return 'sqlite';
    if (isPackageRef(ref, new Set(['marsdb', 'mongodb'])) && pathIs(ref, 'Collection')) return 'mongo-collection';
    return null;
  }
  if (!ts.isCallExpression(e)) return null;
  const callee = unwrap(e.expression);
  // new PrismaClient().$extends(…)
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === '$extends') return dbCreation(callee.expression, referenceOf, receiverKind) === 'prisma' ? 'prisma' : null;
  const ref = referenceOf(callee);
  if (isPackageRef(ref, 'mongoose') && pathIs(ref, 'model')) return 'mongoose-model';
  if (isPackageRef(ref, new Set(['@typegoose/typegoose'])) && pathIs(ref, 'getModelForClass')) return 'mongoose-model';
  if (isPackageRef(ref, 'knex') && (ref.path.length === 0 || pathIs(ref, 'knex', 'default', 'Knex'))) return 'knex';
  if (isPackageRef(ref, MYSQL_MODULES) && pathIs(ref, 'createPool', 'createConnection', 'createPoolCluster')) return 'sql-pool';
  if (ts.isPropertyAccessExpression(callee)) {
    const method = callee.name.text;
    const receiver = receiverKind(callee.expression);
    if (method === 'define' && receiver === 'sequelize') return 'sequelize-model';
    if (method === 'model' && ref?.kind === 'module' && !ref.resolved && ref.module === 'mongoose') return 'mongoose-model'; // mongoose.connection.model(…)
    // db.collection('orders') of the mongodb driver (and its look-alikes: mongojs, monk's get, MarsDB)
    if (method === 'collection' && e.arguments.length >= 1 && e.arguments.length <= 2) return 'mongo-collection';
  }
  return null;
}

/** `class PrismaService extends PrismaClient`, `class User extends Model` (Sequelize). */
export function dbClassKind(cls: ts.ClassLikeDeclaration, referenceOf: (e: ts.Expression) => Reference | null): DbHandleKind | null {
  const base = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
  const ref = base ? referenceOf(base) : null;
  if (ref?.kind !== 'module' || ref.resolved) return null;
  if (/(^|\/)(@prisma\/client|prisma)/.test(ref.module) && pathIs(ref, 'PrismaClient')) return 'prisma';
  if (SEQUELIZE_MODULES.has(ref.module) && pathIs(ref, 'Model')) return 'sequelize-model';
  return null;
}

/** A type annotation that names a handle: `Repository<User>`, `EntityManager`, `Model<Cat>`, `PrismaClient`, `Knex`, `Pool`. */
function typeKind(type: ts.TypeNode | undefined, helpers: Helpers): DbHandleKind | null {
  if (!type || !ts.isTypeReferenceNode(type)) return null;
  const name = ts.isIdentifier(type.typeName) ? type.typeName : type.typeName.right;
  const ref = helpers.referenceOf(ts.isIdentifier(type.typeName) ? type.typeName : (type.typeName.left as ts.Identifier));
  if (ref?.kind === 'module' && ref.resolved) {
    // A project class: `PrismaService extends PrismaClient`.
    const exp = helpers.exportOf(ts.isIdentifier(type.typeName) ? ref : { ...ref, path: [...ref.path, name.text] });
    return exp?.info.db ?? null;
  }
  if (ref?.kind === 'local' && ts.isClassDeclaration(ref.declaration)) return dbClassKind(ref.declaration, helpers.referenceOf);
  if (ref?.kind !== 'module') return null;
  const key = `${ref.module}:${name.text}`;
  const KINDS: Record<string, DbHandleKind> = {
    'typeorm:Repository': 'typeorm-repository',
    'typeorm:MongoRepository': 'typeorm-repository',
    'typeorm:TreeRepository': 'typeorm-repository',
    'typeorm:EntityManager': 'typeorm-manager',
    'typeorm:DataSource': 'typeorm-datasource',
    'mongoose:Model': 'mongoose-model',
    '@prisma/client:PrismaClient': 'prisma',
    'knex:Knex': 'knex',
    'pg:Pool': 'sql-pool',
    'pg:PoolClient': 'sql-pool',
    'pg:Client': 'sql-pool',
  };
  return KINDS[key] ?? null;
}

/** The class property or constructor parameter `this.<name>` was declared with. */
function thisMember(access: ts.PropertyAccessExpression): ts.PropertyDeclaration | ts.ParameterDeclaration | undefined {
  let cls: ts.Node | undefined = access.parent;
  while (cls && !ts.isClassLike(cls)) cls = cls.parent;
  if (!cls) return undefined;
  const name = access.name.text;
  for (const m of cls.members) {
    if (ts.isPropertyDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === name) return m;
    if (ts.isConstructorDeclaration(m)) for (const p of m.parameters) if (ts.isIdentifier(p.name) && p.name.text === name) return p;
  }
  return undefined;
}

/** The database handle an expression holds, or null. */
export function dbHandleOf(expr: ts.Expression, helpers: Helpers, depth = 0): DbHandleKind | null {
  if (depth > 6) return null;
  let e = unwrap(expr);
  if (ts.isAwaitExpression(e)) e = unwrap(e.expression);
  const recurse = (x: ts.Expression) => dbHandleOf(x, helpers, depth + 1);
  if (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword) {
    const member = thisMember(e);
    if (!member) return null;
    const typed = typeKind(member.type, helpers);
    if (typed) return typed;
    return ts.isPropertyDeclaration(member) && member.initializer ? recurse(member.initializer) : null;
  }
  if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) {
    const ref = helpers.referenceOf(e);
    // The export itself (`prisma`, `models.User`, `require('./user')`), not a member of it.
    if (ref?.kind === 'module' && ref.resolved) return ref.path.length <= 1 ? (helpers.exportOf(ref.path.length === 0 ? { ...ref, path: ['default'] } : ref)?.info.db ?? null) : null;
    if (ref?.kind === 'local' && ref.path.length === 0) {
      const decl = ref.declaration;
      if (ts.isClassDeclaration(decl)) return dbClassKind(decl, helpers.referenceOf);
      if (ts.isVariableDeclaration(decl) || ts.isParameter(decl)) {
        const typed = typeKind(decl.type, helpers);
        if (typed) return typed;
      }
      if (ts.isVariableDeclaration(decl) && decl.initializer && ts.isIdentifier(decl.name)) return dbCreation(decl.initializer, helpers.referenceOf, recurse) ?? recurse(decl.initializer);
      return null;
    }
    // dataSource.manager
    if (ts.isPropertyAccessExpression(e) && e.name.text === 'manager' && recurse(e.expression) === 'typeorm-datasource') return 'typeorm-manager';
    return null;
  }
  if (ts.isNewExpression(e)) {
    const created = dbCreation(e, helpers.referenceOf, recurse);
    if (created) return created;
    const model = recurse(e.expression);
    return model === 'mongoose-model' || model === 'sequelize-model' ? 'model-document' : null;
  }
  if (ts.isCallExpression(e)) {
    const created = dbCreation(e, helpers.referenceOf, recurse);
    if (created) return created;
    const ref = helpers.calleeOf(e);
    if (isPackageRef(ref, 'typeorm')) {
      if (pathIs(ref, 'getRepository', 'getMongoRepository', 'getTreeRepository')) return 'typeorm-repository';
      if (pathIs(ref, 'getManager', 'getMongoManager')) return 'typeorm-manager';
      if (pathIs(ref, 'getConnection')) return 'typeorm-datasource';
    }
    const callee = unwrap(e.expression);
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      const receiver = recurse(callee.expression);
      if (/^get(Mongo|Tree)?Repository$/.test(method) && (receiver === 'typeorm-datasource' || receiver === 'typeorm-manager')) return 'typeorm-repository';
      if (method === 'connect' && receiver === 'sql-pool') return 'sql-pool';
      if (method === 'getConnection' && receiver === 'sql-pool') return 'sql-pool';
    }
    return null;
  }
  return null;
}

/** A call that goes to the database through a handle: `prisma.user.findMany()`, `User.findById()`, `knex('users')`, `pool.query()`. */
export function isDbCall(call: ts.CallExpression, helpers: Helpers): boolean {
  const callee = unwrap(call.expression);
  if (ts.isIdentifier(callee) || (ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword)) {
    return dbHandleOf(callee, helpers) === 'knex'; // db('users')
  }
  if (!ts.isPropertyAccessExpression(callee)) return false;
  const method = callee.name.text;
  const receiver = unwrap(callee.expression);
  const kind = dbHandleOf(receiver, helpers);
  switch (kind) {
    case 'prisma':
      return PRISMA_CLIENT_OPS.has(method);
    case 'mongoose-model':
    case 'sequelize-model':
      return MODEL_OPS.has(method);
    case 'model-document':
      return DOCUMENT_OPS.has(method);
    case 'knex':
      return method !== 'destroy' && method !== 'client';
    case 'sql-pool':
      return SQL_OPS.has(method);
    case 'sequelize':
      return method === 'query' || method === 'transaction';
    case 'typeorm-datasource':
      return method === 'query' || method === 'transaction';
    case 'typeorm-manager':
    case 'typeorm-repository':
      return TYPEORM_OPS.has(method);
    default:
      break;
  }
  // prisma.user.findMany(): the model is a property of the client.
  if ((ts.isPropertyAccessExpression(receiver) || ts.isElementAccessExpression(receiver)) && PRISMA_MODEL_OPS.has(method) && memberName(receiver) !== undefined) {
    return dbHandleOf(receiver.expression, helpers) === 'prisma';
  }
  return false;
}
