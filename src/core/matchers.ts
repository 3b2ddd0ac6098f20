// Shared recognisers of common backend constructs, used by more than one rule.
import { ts } from './typescript.js';
import type { Helpers } from './helpers.js';
import { LOG_METHODS } from './loggers.js';
import { memberName, unwrap } from './references.js';

export { logCallOf, type LogCall, type LoggerInfo, type LoggerLibrary } from './loggers.js';

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
 * A console call that implements a logger: the whole body of a function given as a
 * `log`/`info`/`warn`/… property or method (`{ warn: (m) => console.warn(m) }`, a console-backed
 * default logger), or any call inside a class or object literal that is a logger implementation
 * (`isInsideLoggerImplementation`). The call is the logger, not a use of console instead of one.
 */
export function isLoggerAdapterCall(call: ts.CallExpression): boolean {
  return isSoleStatementOfLogMember(call) || isInsideLoggerImplementation(call);
}

function isSoleStatementOfLogMember(call: ts.CallExpression): boolean {
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
const loggerImplementations = new WeakMap<ts.Node, boolean>();

/** The level a class or object member implements: a public method or function-valued property named exactly like a level. */
function levelMember(member: ts.Node): string | undefined {
  if (!ts.isMethodDeclaration(member) && !ts.isPropertyDeclaration(member) && !ts.isPropertyAssignment(member)) return undefined;
  // `handleError`, `logInfo`, `onError` name what a service does; `#error` is private.
  if (!(ts.isIdentifier(member.name) || ts.isStringLiteral(member.name)) || !LEVEL_METHODS.has(member.name.text)) return undefined;
  // `error: string | null` state and `debug = false` flags are data, not log methods.
  if (!ts.isMethodDeclaration(member)) {
    const init = member.initializer && unwrap(member.initializer);
    if (!init || !(ts.isArrowFunction(init) || ts.isFunctionExpression(init))) return undefined;
  }
  // A service's private `info`/`error` helpers are its own console logging, not a logger others use.
  if (!ts.isPropertyAssignment(member) && ts.getModifiers(member)?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)) return undefined;
  return member.name.text;
}

/**
 * A project's own logger implementation, whatever its file is named: a class or object literal with
 * public methods for at least two distinct levels (`info` and `warn`, `info` and `fatal`), like
 * logto's `ConsoleLog` or a console-backed fallback `{ info, warn, error }`. One `error` handler or
 * one `log` helper does not make a service a logger.
 */
export function isLoggerImplementation(node: ts.ClassLikeDeclaration | ts.ObjectLiteralExpression): boolean {
  let known = loggerImplementations.get(node);
  if (known === undefined) {
    const members: readonly ts.Node[] = ts.isObjectLiteralExpression(node) ? node.properties : node.members;
    const levels = new Set<string>();
    for (const m of members) {
      const level = levelMember(m);
      if (level !== undefined) levels.add(level);
    }
    known = levels.size >= 2;
    loggerImplementations.set(node, known);
  }
  return known;
}

/** The node is inside a logger implementation (`isLoggerImplementation`): any of its members, at any depth. */
export function isInsideLoggerImplementation(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if ((ts.isClassLike(n) || ts.isObjectLiteralExpression(n)) && isLoggerImplementation(n)) return true;
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
