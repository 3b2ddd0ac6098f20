// Shared recognisers of common backend constructs, used by more than one rule.
import { ts } from 'ts-morph';
import type { Helpers } from './helpers.js';
import { memberName, unwrap } from './references.js';

export const CONSOLE_LOG_METHODS = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace']);
const LOGGER_METHODS = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace', 'fatal', 'verbose', 'silly', 'http']);
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
 * default logger). The call is the logger, not a use of console instead of one.
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
