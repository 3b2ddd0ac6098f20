// Shared recognisers of common backend constructs, used by more than one rule.
import { ts } from './typescript.js';
import type { Helpers } from './helpers.js';
import { LOG_METHODS } from './loggers.js';
import { memberFunctionOf, memberName, propertyNameText, unwrap } from './references.js';

export { isNestConsoleLogger, logCallOf, type LogCall, type LoggerInfo, type LoggerLibrary } from './loggers.js';

export const CONSOLE_LOG_METHODS = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace']);
const LOGGER_METHODS = LOG_METHODS;
const LOGGER_NAME = /(^|[^a-z])log(ger)?s?$|^log|logger/i;

/** `console.<method>(…)` on the real console (not a shadowing local), with the method name. */
export function consoleCall(call: ts.CallExpression, helpers: Helpers): string | undefined {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) && !ts.isElementAccessExpression(callee)) return undefined;
  const ref = helpers.referenceOf(callee);
  if (ref?.kind === 'global' && ref.name === 'console' && ref.path.length === 1) return ref.path[0];
  return undefined;
}

/** `logger.info(…)`, `this.logger.warn(…)`, `req.log.error(…)`: a call on something named like a logger. */
export function isLoggerCall(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  const method = memberName(callee);
  if (!method || !LOGGER_METHODS.has(method) || !(ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee))) return false;
  const target = unwrap(callee.expression);
  const name = ts.isIdentifier(target) ? target.text : memberName(target);
  return name !== undefined && name !== 'console' && LOGGER_NAME.test(name);
}

/** A project's own logger implementation: `logger.ts`, `log.js`, `logging/index.ts`, `utils/logger/…`. */
export function isLoggerModulePath(relPath: string): boolean {
  const segments = relPath.toLowerCase().split('/');
  const base = (segments[segments.length - 1] ?? '').replace(/\.[cm]?[jt]sx?$/, '');
  return /^(logger|logging|log|loggers|log-?util|logger\.service)$/.test(base) || segments.slice(0, -1).some((d) => d === 'logger' || d === 'logging' || d === 'loggers');
}

/**
 * A console call that implements a logger method: the whole body of a function given as a
 * `log`/`info`/`warn`/… property or method (`{ warn: (m) => console.warn(m) }`, a console-backed
 * default logger). The call is the logger, not a use of console instead of one. (A console call in
 * a logger class's other members: `isInsideLoggerImplementation`.)
 */
export function isLoggerAdapterCall(call: ts.CallExpression): boolean {
  let fn: ts.Node = call.parent;
  if (ts.isExpressionStatement(fn)) {
    const block = fn.parent;
    if (!ts.isBlock(block) || block.statements.length !== 1) return false;
    fn = block.parent;
  }
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn) || ts.isMethodDeclaration(fn))) return false;
  const holder = ts.isMethodDeclaration(fn) ? fn : fn.parent;
  const name = (ts.isMethodDeclaration(holder) || ts.isPropertyAssignment(holder) || ts.isPropertyDeclaration(holder)) && holder.name && ts.isIdentifier(holder.name) ? holder.name.text : undefined;
  return name !== undefined && LOGGER_METHODS.has(name);
}

/**
 * The levels a logger implementation defines as methods. Not `log` (the generic verb: a service's
 * `private log(msg)` helper), nor `http`, `warning`, `alert`, `success` (an HTTP client field, notice
 * kinds, an alerting service's method, toast callbacks).
 */
const LEVEL_METHODS: ReadonlySet<string> = new Set(['trace', 'debug', 'verbose', 'info', 'warn', 'error', 'fatal', 'silly']);
const loggingMembersOf = new WeakMap<ts.Node, ReadonlySet<ts.Node> | null>();

const declaredName = (member: ts.Node): string | undefined => propertyNameText((member as { name?: ts.PropertyName }).name);

/** What a member's body writes through: console or another logger (`console.warn(…)`, `base.info(…)`), and the members it calls on `this` (`this.plain(…)`). */
function writesOf(fn: ts.FunctionLikeDeclaration): { console: boolean; own: Set<string> } {
  const out = { console: false, own: new Set<string>() };
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
      const target = n.expression.expression;
      const method = n.expression.name.text;
      if (ts.isIdentifier(target) && target.text === 'console') out.console = true;
      else if (target.kind === ts.SyntaxKind.ThisKeyword) out.own.add(method);
      // Another logger underneath (`base.info(…)`, `this.logger.warn(…)`).
      else if (LEVEL_METHODS.has(method) || method === 'log') out.console = true;
    }
    ts.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  return out;
}

/**
 * The members of a class or object literal that make up a logger, or null when it is not one: it
 * needs public methods for at least two distinct levels (`info` and `warn`, `info` and `fatal`) that
 * write through console, another logger or another of its members, like logto's `ConsoleLog`; then those level
 * methods and the members they call on `this` (`plain`) are its logging members. A service's status
 * `info()`, its `error(id)` handler, or its `handle()` beside console-writing `info`/`warn` helpers is
 * not logging.
 */
function loggingMembers(container: ts.ClassLikeDeclaration | ts.ObjectLiteralExpression): ReadonlySet<ts.Node> | null {
  let known = loggingMembersOf.get(container);
  if (known !== undefined) return known;
  const members: readonly ts.Node[] = ts.isObjectLiteralExpression(container) ? container.properties : container.members;
  const names = new Set(members.map(declaredName).filter((n): n is string => n !== undefined));
  const levels = new Set<string>();
  const logging = new Set<ts.Node>();
  const called = new Set<string>();
  for (const m of members) {
    const name = declaredName(m);
    const fn = memberFunctionOf(m);
    if (name === undefined || !fn || !LEVEL_METHODS.has(name)) continue;
    // A service's private `info`/`error` helpers are its own console logging, not a logger others use.
    if (!ts.isPropertyAssignment(m) && ts.canHaveModifiers(m) && ts.getModifiers(m)?.some((x) => x.kind === ts.SyntaxKind.PrivateKeyword || x.kind === ts.SyntaxKind.ProtectedKeyword)) continue;
    const writes = writesOf(fn);
    const ownCalls = [...writes.own].filter((n) => names.has(n));
    if (!writes.console && ownCalls.length === 0) continue;
    levels.add(name);
    logging.add(m);
    for (const n of ownCalls) called.add(n);
  }
  known = levels.size >= 2 ? new Set([...logging, ...members.filter((m) => called.has(declaredName(m) ?? '\0'))]) : null;
  loggingMembersOf.set(container, known);
  return known;
}

/** The node is inside a logging member of a logger implementation (`loggingMembers`), at any depth. */
export function isInsideLoggerImplementation(node: ts.Node): boolean {
  let member: ts.Node = node;
  for (let n: ts.Node | undefined = node.parent; n; member = n, n = n.parent) {
    if ((ts.isClassLike(n) || ts.isObjectLiteralExpression(n)) && loggingMembers(n)?.has(member)) return true;
  }
  return false;
}

const ERROR_PARAM = /^(e|err|error|ex|exc|exception|reason)$/i;
const ERROR_EVENTS = new Set(['error', 'uncaughtException', 'unhandledRejection']);

/**
 * The identifier names a caught error: a `catch (err)` binding, the parameter of a `.catch(err => …)`
 * or `.then(ok, err => …)` callback, of an Express error middleware `(err, req, res, next)`, of a
 * Fastify `setErrorHandler((error, request, reply) => …)`, or of an `on('error', err => …)` listener.
 */
export function isCaughtError(id: ts.Identifier, helpers: Helpers): boolean {
  const decl = helpers.declarationOf(id);
  if (!decl) return false;
  if (ts.isVariableDeclaration(decl)) return ts.isCatchClause(decl.parent) && ts.isIdentifier(decl.name);
  if (!ts.isParameter(decl) || !ts.isIdentifier(decl.name)) return false;
  const fn = decl.parent;
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn) || ts.isFunctionDeclaration(fn)) || fn.parameters[0] !== decl) return false;
  if (fn.parameters.length === 4 && ERROR_PARAM.test(decl.name.text)) return true;
  const call = fn.parent;
  if (!ts.isCallExpression(call)) return false;
  const method = memberName(unwrap(call.expression));
  const at = call.arguments.indexOf(fn as ts.Expression);
  if (method === 'catch' && at === 0) return true;
  if (method === 'then' && at === 1) return true;
  if (method === 'setErrorHandler' && at === 0) return true;
  const event = call.arguments[0] && unwrap(call.arguments[0]);
  return (method === 'on' || method === 'once') && at === 1 && !!event && ts.isStringLiteralLike(event) && ERROR_EVENTS.has(event.text);
}

/**
 * How an occurrence of an error variable is used: `text` (its message or string form: `err.message`,
 * `${err}`, `String(err)`, `'x' + err`, `err.toString()`, `JSON.stringify(err)`), `stack`
 * (`err.stack`), `object` (the error itself, as a value), `other` (another property, a test).
 */
export type ErrorUse = 'text' | 'stack' | 'object' | 'other';

export function errorUse(id: ts.Identifier): ErrorUse {
  let node: ts.Node = id;
  while ((ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isNonNullExpression(node.parent) || ts.isTypeAssertionExpression(node.parent)) && node.parent) node = node.parent;
  const parent = node.parent;
  if ((ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === node) {
    const name = memberName(parent);
    if (name === 'message') return 'text';
    if (name === 'stack') return 'stack';
    if (name === 'toString' && ts.isCallExpression(parent.parent) && parent.parent.expression === parent) return 'text';
    return 'other';
  }
  if (ts.isTemplateSpan(parent)) return 'text';
  if (ts.isBinaryExpression(parent)) {
    const op = parent.operatorToken.kind;
    if (op === ts.SyntaxKind.PlusToken) return 'text';
    if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) return 'object';
    return 'other';
  }
  if (ts.isCallExpression(parent) && parent.arguments.includes(node as ts.Expression)) {
    const callee = unwrap(parent.expression);
    if (ts.isIdentifier(callee) && callee.text === 'String') return 'text';
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'JSON' && callee.name.text === 'stringify') return 'text';
  }
  if (ts.isConditionalExpression(parent) && parent.condition === node) return 'other';
  if (ts.isPrefixUnaryExpression(parent) || ts.isTypeOfExpression(parent)) return 'other';
  return 'object';
}
