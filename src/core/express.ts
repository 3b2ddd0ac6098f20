// Express route and middleware registrations: which calls put a request handler on an Express
// app or Router, under which method and path, with which handler arguments. Receivers are
// recognised by where they come from (`express()`, `express.Router()`, a variable or parameter
// typed `Router`/`Express`/`Application` from 'express', a project export that holds one), never
// by their name alone, so Fastify, Koa, Hono and NestJS objects with a `get` method do not match.
import { ts } from './typescript.js';
import { passedExpressReceiver } from '../project/express-params.js';
import type { ProjectFacts } from '../project/facts.js';
import type { Helpers } from './helpers.js';
import { unwrap } from './references.js';
import type { Reference } from './types.js';

export type ExpressReceiverKind = 'app' | 'router';

/** HTTP-verb methods that register a route (`param` is a parameter hook, not a route). */
export const EXPRESS_ROUTE_METHODS: ReadonlySet<string> = new Set(['get', 'post', 'put', 'patch', 'delete', 'options', 'head', 'all']);

export interface ExpressRegistration {
  /** The registering call: `router.get('/x', h)`, `app.use(mw)`, `app.route('/x').post(h)`. */
  call: ts.CallExpression;
  receiver: ExpressReceiverKind;
  /** How the receiver reads in the code when it is a plain name (`app`, `router`), else its kind. */
  receiverName: string;
  /** A route method of EXPRESS_ROUTE_METHODS, or `use`. */
  method: string;
  /** The route or mount path argument (for `route(path).get(…)`, the `route` argument), if any. */
  path: ts.Expression | undefined;
  /** The handler arguments after the path, arrays of middleware flattened, in order. */
  handlers: ts.Expression[];
}

const ROUTER_TYPES: Record<string, ExpressReceiverKind> = { Router: 'router', IRouter: 'router', Express: 'app', Application: 'app' };
const MAX_DEPTH = 6;

/** The Express registration a call makes, or null. */
export function expressRegistration(call: ts.CallExpression, helpers: Helpers, project: ProjectFacts): ExpressRegistration | null {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return null;
  const method = callee.name.text;
  if (method !== 'use' && !EXPRESS_ROUTE_METHODS.has(method)) return null;
  const base = unwrap(callee.expression);
  const route = routeChain(base, helpers, project, 0);
  if (route) {
    if (method === 'use') return null;
    return { call, receiver: route.receiver, receiverName: route.receiverName, method, path: route.path, handlers: flatten(call.arguments, helpers) };
  }
  const receiver = expressReceiver(base, helpers, project);
  if (!receiver) return null;
  const receiverName = ts.isIdentifier(base) ? base.text : receiver;
  const args = [...call.arguments];
  if (method === 'use') {
    const first = args[0];
    const path = first && args.length > 1 && isPathLike(first, helpers) ? first : undefined;
    return { call, receiver, receiverName, method, path, handlers: flatten(path ? args.slice(1) : args, helpers) };
  }
  // `app.get('title')` reads a setting; a route has a path and at least one handler.
  if (args.length < 2) return null;
  return { call, receiver, receiverName, method, path: args[0], handlers: flatten(args.slice(1), helpers) };
}

/**
 * `express()` → 'app', `express.Router()` / `Router()` → 'router' (with `new` too), also at the
 * head of a registration chain (`Router().use('/api', api)`). Takes the reference resolver so that
 * the facts pass (which has no Helpers) can use it for exports.
 */
export function expressCreation(expr: ts.Expression, referenceOf: (e: ts.Expression) => Reference | null): ExpressReceiverKind | null {
  let e = unwrap(expr);
  for (let i = 0; i < MAX_DEPTH && ts.isCallExpression(e); i++) {
    const callee = unwrap(e.expression);
    if (!ts.isPropertyAccessExpression(callee) || !(callee.name.text === 'use' || EXPRESS_ROUTE_METHODS.has(callee.name.text))) break;
    e = unwrap(callee.expression);
  }
  if (!ts.isCallExpression(e) && !ts.isNewExpression(e)) return null;
  const ref = referenceOf(e.expression);
  if (!ref || ref.kind !== 'module' || ref.resolved || ref.module !== 'express') return null;
  if (ref.path.length === 0) return 'app';
  return ref.path.length === 1 && ref.path[0] === 'Router' ? 'router' : null;
}

/** Is `expr` an Express app or Router, and which? */
export function expressReceiver(expr: ts.Expression, helpers: Helpers, project: ProjectFacts, depth = 0): ExpressReceiverKind | null {
  if (depth > MAX_DEPTH) return null;
  const e = unwrap(expr);
  if (ts.isCallExpression(e) || ts.isNewExpression(e)) {
    const created = expressCreation(e, helpers.referenceOf);
    if (created) return created;
    // `app.get(…).post(…)` and `Router().use(a).use(b)` return the receiver.
    if (ts.isCallExpression(e)) {
      const callee = unwrap(e.expression);
      if (ts.isPropertyAccessExpression(callee) && (callee.name.text === 'use' || callee.name.text === 'param' || EXPRESS_ROUTE_METHODS.has(callee.name.text))) {
        if (routeChain(unwrap(callee.expression), helpers, project, depth + 1)) return null;
        return expressReceiver(callee.expression, helpers, project, depth + 1);
      }
    }
    return importedReceiver(e, helpers, project);
  }
  if (ts.isIdentifier(e)) {
    const decl = helpers.declarationOf(e);
    if (!decl) return null;
    if (ts.isParameter(decl) || ts.isVariableDeclaration(decl)) {
      const typed = expressTypeOf(decl.type);
      if (typed) return typed;
      if (ts.isParameter(decl) && ts.isIdentifier(decl.name)) return passedExpressReceiver(project, decl.getSourceFile().fileName, decl.name.getStart());
      if (ts.isVariableDeclaration(decl) && decl.initializer && holdsItsInitializer(decl, helpers)) return expressReceiver(decl.initializer, helpers, project, depth + 1);
      return null;
    }
    return importedReceiver(e, helpers, project);
  }
  if (ts.isPropertyAccessExpression(e)) {
    if (e.expression.kind === ts.SyntaxKind.ThisKeyword) return classMemberReceiver(e, helpers, project, depth);
    return importedReceiver(e, helpers, project);
  }
  return null;
}

/** A `const`, or a `let`/`var` never assigned again: the binding still holds its initializer. */
export function holdsItsInitializer(decl: ts.VariableDeclaration, helpers: Helpers): boolean {
  if (!ts.isIdentifier(decl.name)) return false;
  const list = decl.parent;
  if (ts.isVariableDeclarationList(list) && list.flags & ts.NodeFlags.Const) return true;
  const name = decl.name.text;
  let assigned = false;
  const visit = (n: ts.Node): void => {
    if (assigned) return;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
      const left = unwrap(n.left);
      if (ts.isIdentifier(left) && left.text === name && helpers.declarationOf(left) === decl) assigned = true;
    }
    ts.forEachChild(n, visit);
  };
  // `var` is function-scoped, `let` block-scoped: the statement's container covers every assignment either way.
  visit(helpers.enclosingFunction(decl) ?? decl.getSourceFile());
  return !assigned;
}

/** `app.route('/x')` (or a verb chained on it): the route's receiver and path. */
function routeChain(expr: ts.Expression, helpers: Helpers, project: ProjectFacts, depth: number): { receiver: ExpressReceiverKind; receiverName: string; path: ts.Expression | undefined } | null {
  if (depth > MAX_DEPTH) return null;
  const e = helpers.valueOf(expr);
  if (!ts.isCallExpression(e)) return null;
  const callee = unwrap(e.expression);
  if (!ts.isPropertyAccessExpression(callee)) return null;
  const name = callee.name.text;
  if (name === 'route') {
    const base = unwrap(callee.expression);
    const receiver = expressReceiver(base, helpers, project, depth + 1);
    return receiver ? { receiver, receiverName: ts.isIdentifier(base) ? base.text : receiver, path: e.arguments[0] } : null;
  }
  if (EXPRESS_ROUTE_METHODS.has(name)) return routeChain(callee.expression, helpers, project, depth + 1);
  return null;
}

/** A project export that is an Express app or router (needs the facts' `expressReceiver`). */
function importedReceiver(expr: ts.Expression, helpers: Helpers, project: ProjectFacts): ExpressReceiverKind | null {
  const ref = helpers.referenceOf(expr);
  if (!ref || ref.kind !== 'module' || !ref.resolved || ref.path.length > 1) return null;
  const hit = ref.path.length === 0 ? project.lookupExport(ref.resolved, 'default') : helpers.exportOf(ref);
  return hit?.info.expressReceiver ?? null;
}

/** `this.router` in a class whose property is declared or assigned as an Express receiver. */
function classMemberReceiver(access: ts.PropertyAccessExpression, helpers: Helpers, project: ProjectFacts, depth: number): ExpressReceiverKind | null {
  let cls: ts.Node | undefined = access.parent;
  while (cls && !ts.isClassLike(cls)) cls = cls.parent;
  if (!cls || !ts.isClassLike(cls)) return null;
  const name = access.name.text;
  for (const member of cls.members) {
    if (ts.isPropertyDeclaration(member) && ts.isIdentifier(member.name) && member.name.text === name) {
      const typed = expressTypeOf(member.type);
      if (typed) return typed;
      if (member.initializer) return expressReceiver(member.initializer, helpers, project, depth + 1);
    }
    if (ts.isConstructorDeclaration(member) && member.body) {
      for (const s of member.body.statements) {
        const assigned = thisAssignment(s, name);
        if (assigned) return expressReceiver(assigned, helpers, project, depth + 1);
      }
      for (const p of member.parameters) {
        const isProperty = ts.getModifiers(p)?.some((m) => m.kind === ts.SyntaxKind.PublicKeyword || m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword || m.kind === ts.SyntaxKind.ReadonlyKeyword);
        if (isProperty && ts.isIdentifier(p.name) && p.name.text === name) return expressTypeOf(p.type);
      }
    }
  }
  return null;
}

function thisAssignment(statement: ts.Statement, name: string): ts.Expression | undefined {
  if (!ts.isExpressionStatement(statement)) return undefined;
  const e = unwrap(statement.expression);
  if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  const left = unwrap(e.left);
  return ts.isPropertyAccessExpression(left) && left.expression.kind === ts.SyntaxKind.ThisKeyword && left.name.text === name ? e.right : undefined;
}

/** `Router`, `Express`, `Application` (or `express.Router`…) imported from 'express', type-only imports included. */
export function expressTypeOf(type: ts.TypeNode | undefined): ExpressReceiverKind | null {
  if (!type || !ts.isTypeReferenceNode(type)) return null;
  const sf = type.getSourceFile();
  const name = type.typeName;
  if (ts.isIdentifier(name) && name.text === 'ReturnType') return returnTypeOfExpress(type, sf);
  if (ts.isIdentifier(name)) {
    const imported = importedNameFromExpress(sf, name.text);
    return imported ? (ROUTER_TYPES[imported] ?? null) : null;
  }
  if (ts.isIdentifier(name.left) && isExpressModuleBinding(sf, name.left.text)) return ROUTER_TYPES[name.right.text] ?? null;
  return null;
}

/** `ReturnType<typeof express>` (an app), `ReturnType<typeof express.Router>` / `ReturnType<typeof Router>` (a router). */
function returnTypeOfExpress(type: ts.TypeReferenceNode, sf: ts.SourceFile): ExpressReceiverKind | null {
  const arg = type.typeArguments?.[0];
  if (!arg || !ts.isTypeQueryNode(arg)) return null;
  const q = arg.exprName;
  if (ts.isIdentifier(q)) return isExpressModuleBinding(sf, q.text) ? 'app' : importedNameFromExpress(sf, q.text) === 'Router' ? 'router' : null;
  return ts.isIdentifier(q.left) && isExpressModuleBinding(sf, q.left.text) && q.right.text === 'Router' ? 'router' : null;
}

function expressImports(sf: ts.SourceFile): ts.ImportDeclaration[] {
  return sf.statements.filter((s): s is ts.ImportDeclaration => ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === 'express');
}

/** The name `local` is imported as from 'express' (`import { Router as R }` → 'Router'). */
function importedNameFromExpress(sf: ts.SourceFile, local: string): string | undefined {
  for (const imp of expressImports(sf)) {
    const bindings = imp.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) {
      for (const s of bindings.elements) if (s.name.text === local) return (s.propertyName ?? s.name).text;
    }
  }
  return undefined;
}

/** `local` is the express module itself: a default or namespace import, or `import x = require('express')`. */
function isExpressModuleBinding(sf: ts.SourceFile, local: string): boolean {
  for (const imp of expressImports(sf)) {
    const clause = imp.importClause;
    if (clause?.name?.text === local) return true;
    if (clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings) && clause.namedBindings.name.text === local) return true;
  }
  return sf.statements.some(
    (s) => ts.isImportEqualsDeclaration(s) && s.name.text === local && ts.isExternalModuleReference(s.moduleReference) && ts.isStringLiteral(s.moduleReference.expression) && s.moduleReference.expression.text === 'express',
  );
}

const PATH_NAME = /(path|route|prefix|url|mount|base)s?$/i;

/** A mount path: a string, template, regex, an array of those, a const holding one, or a name that says so (`basePath`). */
function isPathLike(expr: ts.Expression, helpers: Helpers): boolean {
  const e = helpers.valueOf(expr);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isTemplateExpression(e) || ts.isRegularExpressionLiteral(e) || ts.isBinaryExpression(e)) return true;
  const name = ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : undefined;
  if (name !== undefined && PATH_NAME.test(name)) return true;
  return ts.isArrayLiteralExpression(e) && e.elements.length > 0 && e.elements.every((x) => isPathLike(x, helpers));
}

/** Handler arguments with arrays of middleware (written out or held in a const) spread in place. */
function flatten(args: readonly ts.Expression[], helpers: Helpers, depth = 0): ts.Expression[] {
  const out: ts.Expression[] = [];
  for (const a of args) {
    const e = helpers.valueOf(a);
    if (ts.isArrayLiteralExpression(e) && depth < MAX_DEPTH) out.push(...flatten(e.elements, helpers, depth + 1));
    else if (!ts.isSpreadElement(e) && !ts.isOmittedExpression(e)) out.push(a);
  }
  return out;
}

/**
 * The lowest Express major the project's package.json admits; 4 when there is no range to read
 * (no package.json, express not listed): the common case for a file that imports express.
 * A dist-tag (`latest`, `next`) is read as 5, the major those tags have pointed to since 2025.
 */
export function expressMajor(project: ProjectFacts): number {
  const range = project.dependencyRange('express');
  if (range === undefined) return 4;
  if (/^(latest|next)$/i.test(range.trim())) return 5;
  return project.majorOf('express') ?? 4;
}
