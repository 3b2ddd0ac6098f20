// log-error-with-stack: a caught error logged in a way that drops its stack — `logger.error(err.message)`,
// `` logger.error(`failed: ${err}`) ``, `String(err)` — or handed to pino where pino does not
// serialise it (`logger.error('failed', err)`: pino ≥ 6 ignores arguments after the message that no
// placeholder consumes; `{ error: err }`: only `err` has pino's error serializer). The log line then
// says what failed but not where, and the incident is debugged without the one trace that had it.
// Not flagged: a log where the value is known not to be an Error (else of `x instanceof Error`), or
// whose error another error-level call on the same path surely logs with its stack (`stackLoggedBeside`).
import { ts } from '../src/core/typescript.js';
import { errorUse, isCaughtError, isNestConsoleLogger, logCallOf, type LogCall } from '../src/core/matchers.js';
import { isWritten, memberName, outermost, unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';
import { isFunctionLike, type Helpers } from '../src/core/helpers.js';
import type { RuleContext } from '../src/core/types.js';

const ERROR_LEVELS = new Set(['error', 'fatal', 'crit', 'alert', 'emerg']);

/** How to log an error with its stack, per library (winston copies `meta.stack` into the record). */
const FIX: Record<LogCall['library'], string> = {
  pino: 'log the error under `err`: `{{receiver}}.{{method}}({{errField}}, \'…\')`',
  bunyan: 'log the error under `err`: `{{receiver}}.{{method}}({{errField}}, \'…\')`',
  winston: 'pass the error as metadata: `{{receiver}}.{{method}}(\'…\', {{name}})`',
  log4js: 'pass the error itself: `{{receiver}}.{{method}}(\'…\', {{name}})`',
  nestjs: 'pass its stack: `{{receiver}}.{{method}}(\'…\', {{name}}.stack)`',
  console: 'pass the error object itself to the logger',
  unknown: 'pass the error object itself to the logger',
};

interface Occurrence {
  id: ts.Identifier;
  use: ReturnType<typeof errorUse>;
  /** Found in the initializer of a const that is logged, not in the call's own arguments. */
  indirect: boolean;
}

/** `x instanceof Error` with the global `Error` (a subclass such as `HttpError` says nothing of other errors), for the variable `decl` declares. */
function isErrorCheckOf(expr: ts.Expression, decl: ts.Node, helpers: Helpers): boolean {
  const e = unwrap(expr);
  if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.InstanceOfKeyword) return false;
  const value = unwrap(e.left);
  const type = unwrap(e.right);
  return ts.isIdentifier(value) && helpers.declarationOf(value) === decl && ts.isIdentifier(type) && type.text === 'Error' && !helpers.declarationOf(type);
}

/**
 * The occurrence sits where its value is known not to be an Error: the else branch of
 * `if (x instanceof Error)`, the then branch of `if (!(x instanceof Error))`, or the same sides of a
 * `?:`. Such a value has no stack to lose (`logger.error(\`rejected: ${String(reason)}\`)`).
 */
function knownNotError(id: ts.Identifier, helpers: Helpers): boolean {
  const decl = helpers.declarationOf(id);
  if (!decl) return false;
  const negated = (cond: ts.Expression): boolean => {
    const c = unwrap(cond);
    return ts.isPrefixUnaryExpression(c) && c.operator === ts.SyntaxKind.ExclamationToken && isErrorCheckOf(c.operand, decl, helpers);
  };
  for (let child: ts.Node = id, n = id.parent; n && n !== decl.parent; child = n, n = n.parent) {
    const branches = ts.isIfStatement(n) ? { cond: n.expression, yes: n.thenStatement, no: n.elseStatement } : ts.isConditionalExpression(n) ? { cond: n.condition, yes: n.whenTrue, no: n.whenFalse } : undefined;
    if (branches && ((child === branches.no && isErrorCheckOf(branches.cond, decl, helpers)) || (child === branches.yes && negated(branches.cond)))) return true;
  }
  return false;
}

/** Caught-error identifiers in the logged arguments, following consts declared from them (`const msg = err.message`). */
function occurrences(args: readonly ts.Expression[], helpers: Helpers): Occurrence[] {
  const out: Occurrence[] = [];
  const seen = new Set<ts.Node>();
  const visit = (n: ts.Node, depth: number): void => {
    if (ts.isIdentifier(n) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n) && !(ts.isPropertyAssignment(n.parent) && n.parent.name === n)) {
      if (isCaughtError(n, helpers)) {
        if (!knownNotError(n, helpers)) out.push({ id: n, use: errorUse(n), indirect: depth > 0 });
      } else if (depth < 2) {
        const decl = helpers.declarationOf(n);
        if (decl && ts.isVariableDeclaration(decl) && decl.initializer && !seen.has(decl)) {
          seen.add(decl);
          visit(decl.initializer, depth + 1);
        }
      }
    }
    ts.forEachChild(n, (c) => visit(c, depth));
  };
  for (const a of args) visit(a, 0);
  return out;
}

/** For pino: the error object reaches pino's error serializer (first argument, or under an error key of the first object). */
function pinoSerialises(o: Occurrence, call: LogCall): boolean {
  let node: ts.Node = o.id;
  while (ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isNonNullExpression(node.parent)) node = node.parent;
  const first = call.args[0];
  if (node === first) return true;
  const keys = call.logger?.errorKeys ?? 'unknown';
  const prop = node.parent;
  const keyOf = ts.isShorthandPropertyAssignment(prop) ? prop.name.text : ts.isPropertyAssignment(prop) && prop.initializer === node && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name)) ? prop.name.text : undefined;
  if (keyOf === undefined || prop.parent !== (first && unwrap(first))) return false;
  return keys === 'unknown' || keys.includes(keyOf);
}

const isPlainPino = (log: LogCall): boolean => log.library === 'pino' && log.logger !== null && !log.logger.wrapper && !log.logger.remapsArguments;

/** The call logs one of these occurrences with its stack: `err.stack`, or the error itself where the library serialises it. */
function keepsStack(found: readonly Occurrence[], log: LogCall): boolean {
  const pino = isPlainPino(log);
  return found.some((o) => o.use === 'stack' || (o.use === 'object' && (!pino || o.indirect || pinoSerialises(o, log))));
}

/**
 * The other call surely writes the stack of the error `decl` declares: it passes `err.stack` whole
 * (an argument, a template substitution, a `+` operand, a property of an object argument), or hands
 * the error itself to a logger known to print it with its stack: plain pino (first argument, or under
 * an error key of the first object), or @nestjs/common's Logger/ConsoleLogger (a bare argument) when the
 * package's @nestjs/common is 11 or later: Nest 10 prints `String(error)`, the message only. winston
 * without `format.errors()` writes `logger.error(err)` as `{"message":{}}`, and an unknown logger may
 * do the same: neither counts.
 */
function certainlyKeepsStack(other: ts.CallExpression, log: LogCall, decl: ts.Node, context: RuleContext): boolean {
  const { helpers } = context;
  const mine = occurrences(log.args, helpers).filter((o) => !o.indirect && helpers.declarationOf(o.id) === decl);
  // `err.stack` as an argument or a property of an object argument, alone or inside a template or `+`.
  const wholeStack = (o: Occurrence): boolean => {
    if (o.use !== 'stack') return false;
    let n = outermost(outermost(o.id).parent);
    while (ts.isTemplateSpan(n.parent) || (ts.isBinaryExpression(n.parent) && n.parent.operatorToken.kind === ts.SyntaxKind.PlusToken)) n = outermost(ts.isTemplateSpan(n.parent) ? n.parent.parent : n.parent);
    const p = n.parent;
    return p === other || (ts.isPropertyAssignment(p) && p.initializer === n && p.parent.parent === other);
  };
  if (mine.some(wholeStack)) return true;
  const objects = mine.filter((o) => o.use === 'object');
  if (objects.length === 0) return false;
  if (isPlainPino(log)) {
    // Keys read from options we cannot follow: only pino's own `err` is sure.
    const errorKeys = Array.isArray(log.logger?.errorKeys) ? log.logger!.errorKeys : ['err'];
    return objects.some((o) => pinoSerialises(o, { ...log, logger: { ...log.logger!, errorKeys } }));
  }
  const callee = unwrap(other.expression);
  return (
    (context.project.majorOf('@nestjs/common') ?? 0) >= 11 &&
    (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) &&
    isNestConsoleLogger(callee.expression, context) &&
    objects.some((o) => outermost(o.id).parent === other)
  );
}

/**
 * Another error-level log call surely writes the stack of every error this call logs as text, and
 * runs whenever this one does: `logger.error(\`login failed: ${err.message}\`); logger.error(err);`
 * on a logger that prints an Error with its stack. The other call is a statement of a block this call
 * is in, before it (so it ran), or the statement right after this call's own (nothing between: a
 * `process.exit()` or an `await` that throws would skip it). A call in another branch, inside a
 * condition, in a nested function, at a lower level, or of another binding does not count, nor does
 * any call when the error variable is assigned to: the stack logged may be of another error.
 */
function stackLoggedBeside(call: ts.CallExpression, found: readonly Occurrence[], context: RuleContext): boolean {
  const { helpers } = context;
  const errors = new Set(found.map((o) => helpers.declarationOf(o.id)));
  for (const decl of errors) if (!decl || isAssigned(decl, helpers)) return false;
  const covered = new Set<unknown>();
  const consider = (statement: ts.Statement | undefined): void => {
    if (!statement || !ts.isExpressionStatement(statement)) return;
    const other = unwrap(statement.expression);
    if (other === call || !ts.isCallExpression(other)) return;
    const log = logCallOf(other, context);
    if (!log || !ERROR_LEVELS.has(log.level)) return;
    for (const decl of errors) if (certainlyKeepsStack(other, log, decl!, context)) covered.add(decl);
  };
  let child: ts.Node = call;
  for (let n: ts.Node = call.parent; !ts.isSourceFile(n) && !isFunctionLike(n); child = n, n = n.parent) {
    if (!ts.isBlock(n)) continue;
    const at = n.statements.indexOf(child as ts.Statement);
    for (const s of n.statements.slice(0, at)) consider(s);
    // After the call: only the next statement of its own block.
    if (ts.isExpressionStatement(child) && unwrap(child.expression) === call) consider(n.statements[at + 1]);
  }
  return [...errors].every((d) => covered.has(d));
}

/** The caught-error variable is assigned to somewhere in its catch clause or callback (`err = new Error(…)`). */
function isAssigned(decl: ts.Node, helpers: Helpers): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(n) && helpers.declarationOf(n) === decl && isWritten(n)) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(decl.parent);
  return found;
}

export default defineFileRule({
  id: 'log-error-with-stack',
  category: 'observability',
  severity: 'medium',
  recommended: true,
  defaultOptions: {},
  messages: {
    textOnly: '`{{receiver}}.{{method}}` logs `{{expr}}` of the caught error `{{name}}` but not the error: its stack is lost — {{fix}}',
    pinoArgument: '`{{receiver}}.{{method}}` passes the caught error `{{name}}` after the message: pino drops arguments that no placeholder uses, so the error and its stack are lost — {{fix}}',
    pinoKey: '`{{receiver}}.{{method}}` logs the caught error `{{name}}` under `{{key}}`: pino serialises errors (message, stack) only under `err`, so this field is written as `{}` — {{fix}}',
  },
  docs: {
    description: 'Require caught errors to be logged with their stack, following each logger library\'s rules.',
    why:
      'A log line built from `err.message` or `` `${err}` `` says what failed but not where: the stack trace, the one clue that ' +
      'leads to the failing line and its callers, is gone. pino has its own trap: since v6 it ignores arguments after the message ' +
      'that no `%s` placeholder consumes, so `logger.error(\'failed\', err)` drops the error entirely, and only the `err` key has ' +
      'its error serializer, so `{ error: err }` is written as `{}`. winston copies the stack of an error passed after the message; ' +
      'NestJS\'s Logger takes the stack as its second argument. A log where the value is known not to be an Error (the else of ' +
      '`x instanceof Error`, the then of `!(x instanceof Error)`) has no stack to lose and is not flagged. Nor is a message line ' +
      'beside another error-level call that surely logs the same error with its stack: it passes `err.stack`, or gives the error ' +
      'to pino (first argument or under `err`) or to NestJS 11\'s `Logger`/`ConsoleLogger`, which prints it with `util.inspect`; ' +
      'the other call is an earlier statement of an enclosing block or the very next statement, and the error variable is never ' +
      'reassigned (`` this.logger.error(`login failed: ${err.message}`); this.logger.error(err); `` on NestJS 11). Handing the bare ' +
      'error to winston (without `format.errors()` it writes `{"message":{}}`), to NestJS 10 (it prints `String(err)`) or to an ' +
      'unknown logger does not count.',
    fix: 'pino: `logger.error({ err }, \'charge failed\')`; winston: `logger.error(\'charge failed\', err)`; NestJS: `this.logger.error(\'charge failed\', err.stack)`.',
    sites: 'error-level log calls that handle a caught error',
    examples: {
      invalid: [
        {
          filename: 'src/services/payments.service.ts',
          code:
            "import pino from 'pino';\n\nconst logger = pino();\n\n" +
            'export async function capture(paymentId: string, gateway: { capture(id: string): Promise<void> }) {\n' +
            '  try {\n    await gateway.capture(paymentId);\n  } catch (err) {\n' +
            "    logger.error(`capture failed: ${(err as Error).message}`);\n    throw err;\n  }\n}\n",
        },
        {
          filename: 'src/services/payments.service.ts',
          code:
            "import pino from 'pino';\n\nconst logger = pino();\n\n" +
            'export async function refund(paymentId: string, gateway: { refund(id: string): Promise<void> }) {\n' +
            "  await gateway.refund(paymentId).catch((err) => logger.error('refund failed', err));\n}\n",
        },
      ],
      valid: [
        {
          filename: 'src/services/payments.service.ts',
          code:
            "import pino from 'pino';\n\nconst logger = pino();\n\n" +
            'export async function capture(paymentId: string, gateway: { capture(id: string): Promise<void> }) {\n' +
            '  try {\n    await gateway.capture(paymentId);\n  } catch (err) {\n' +
            "    logger.error({ err, paymentId }, 'capture failed');\n    throw err;\n  }\n}\n",
        },
        {
          filename: 'src/services/payments.service.ts',
          code:
            "import winston from 'winston';\n\nconst logger = winston.createLogger({ format: winston.format.json() });\n\n" +
            'export async function capture(paymentId: string, gateway: { capture(id: string): Promise<void> }) {\n' +
            '  try {\n    await gateway.capture(paymentId);\n  } catch (err) {\n' +
            "    logger.error(`capture of ${paymentId} failed`, err);\n  }\n}\n",
        },
      ],
    },
  },
  create(context) {
    if (!context.file.roles.has('server')) return {};
    const { helpers } = context;
    return {
      CallExpression(call: ts.CallExpression) {
        const log = logCallOf(call, context);
        if (!log || !ERROR_LEVELS.has(log.level)) return;
        const found = occurrences(log.args, helpers);
        if (found.length === 0) {
          if (insideCatch(call)) context.countSite(call);
          return;
        }
        context.countSite(call);
        const name = found[0]!.id.text;
        if (keepsStack(found, log) || stackLoggedBeside(call, found, context)) return;
        const pino = isPlainPino(log);
        const objects = found.filter((o) => o.use === 'object');
        const data = { receiver: log.receiver, method: log.method, name, errField: name === 'err' ? '{ err }' : `{ err: ${name} }` };
        const fix = FIX[log.logger?.wrapper ? 'unknown' : log.library].replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(data[k as keyof typeof data]));
        const misplaced = objects[0];
        if (misplaced) {
          const prop = misplaced.id.parent;
          const key = ts.isShorthandPropertyAssignment(prop) ? prop.name.text : ts.isPropertyAssignment(prop) ? prop.name.getText() : undefined;
          const inFirst = key !== undefined && prop.parent === unwrap(log.args[0] ?? call);
          context.report({ node: call, messageId: inFirst ? 'pinoKey' : 'pinoArgument', data: { ...data, key: key ?? '', fix } });
          return;
        }
        const text = found.find((o) => o.use === 'text');
        if (!text) return;
        context.report({ node: call, messageId: 'textOnly', data: { ...data, expr: describeUse(text.id), fix } });
      },
    };
  },
});

/** The stack-losing expression around an error occurrence, as written (`err.message`, `String(err)`, `${err}`). */
function describeUse(id: ts.Identifier): string {
  let node: ts.Node = id;
  while (ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isNonNullExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if ((ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && memberName(parent) === 'message') return `${id.text}.message`;
  if (ts.isPropertyAccessExpression(parent) && parent.name.text === 'toString') return `${id.text}.toString()`;
  if (ts.isCallExpression(parent)) return `${parent.expression.getText()}(${id.text})`;
  if (ts.isTemplateSpan(parent)) return `\${${id.text}}`;
  return `'…' + ${id.text}`;
}

function insideCatch(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isCatchClause(n)) return true;
    if (ts.isSourceFile(n)) return false;
  }
  return false;
}
