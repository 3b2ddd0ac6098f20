// no-swallowed-error: an error caught and thrown away — an empty `catch {}` without a comment, a
// catch whose only statements log a message but not the error, `.catch(() => {})` and
// `.catch(noop)`. The failure still happened, but nothing records what or why: a payment that was
// never captured, a cache that never warms, a webhook that is never sent show up days later as
// "it just didn't work", with no log line and no stack to start from. A catch that does anything
// else (returns a fallback, responds, rethrows, exits, reads the error) is handling it; a comment
// inside an empty catch is the author saying why it is safe; loading an optional dependency
// (`try { require('pino-pretty') } catch {}`) is the idiom, not a bug; so is an empty catch around a
// lone `JSON.parse` whose try returns the parse's answer and whose fallback is the `return <literal>`
// right after the try; nor is a catch that logs the input a lone `JSON.parse(x)`, `new URL(x)` or
// `require.resolve(x)` rejected (the log names `x`: a parse error says no more than that).
import { ts } from '../src/core/typescript.js';
import type { Helpers } from '../src/core/helpers.js';
import { consoleCall, isLoggerCall } from '../src/core/matchers.js';
import { containsOwn, isConst } from '../src/core/promises.js';
import { importSpecifier, memberName, requireSpecifier, unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';

const LODASH = new Set(['lodash', 'lodash-es', 'underscore']);

/** Short source text of a call or callee for messages: `fs.unlinkSync(…)`, `this.mailer.send(…)`. */
function describe(expr: ts.Expression): string {
  const e = unwrap(expr);
  if (ts.isAwaitExpression(e)) return describe(e.expression);
  if (ts.isCallExpression(e)) return `${describe(e.expression)}(…)`;
  if (ts.isNewExpression(e)) return `new ${describe(e.expression)}(…)`;
  if (ts.isPropertyAccessExpression(e)) return `${describe(e.expression)}.${e.name.text}`;
  if (e.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  if (ts.isIdentifier(e)) return e.text;
  return '…';
}

/** Collection writes name no failure: `list.push(require(file))` fails in `require`. */
const CONTAINER_WRITES = new Set(['push', 'unshift', 'add', 'set']);

/** The first call or `new` in a try block that can fail (not a log line, outside nested functions), named for the message. */
function firstCallIn(block: ts.Block, helpers: Helpers): string {
  let found: ts.CallExpression | ts.NewExpression | undefined;
  const visit = (n: ts.Node): void => {
    if (found || ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    const call = ts.isCallExpression(n) && !CONTAINER_WRITES.has(memberName(unwrap(n.expression)) ?? '') && !logCall(n, helpers);
    if (call || ts.isNewExpression(n)) {
      found = n as ts.CallExpression | ts.NewExpression;
      return;
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(block, visit);
  return found ? describe(found) : 'the try block';
}

/** A block or function body with no statements but a comment: the author explained the silence. */
function holdsComment(body: ts.Block): boolean {
  const inner = body.getSourceFile().text.slice(body.getStart() + 1, body.end - 1);
  return /\/\/|\/\*/.test(inner);
}

const statementsOf = (block: ts.Block) => block.statements.filter((s) => !ts.isEmptyStatement(s));


/**
 * `require('x')` or `import('x')` in the try block: an optional dependency being probed. A path
 * computed at run time (`require(file)`) is a plugin or model being loaded, whose errors matter.
 */
function loadsModule(block: ts.Block): boolean {
  return containsOwn(block, (n) => ts.isCallExpression(n) && (requireSpecifier(n) !== undefined || importSpecifier(n) !== undefined));
}

/** A literal default: `false`, `null`, `0`, `''`, `undefined`. */
function isLiteralValue(expr: ts.Expression | undefined): boolean {
  if (!expr) return false;
  const e = unwrap(expr);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) return ts.isNumericLiteral(e.operand);
  if (ts.isIdentifier(e)) return e.text === 'undefined';
  return (
    e.kind === ts.SyntaxKind.TrueKeyword ||
    e.kind === ts.SyntaxKind.FalseKeyword ||
    e.kind === ts.SyntaxKind.NullKeyword ||
    ts.isNumericLiteral(e) ||
    ts.isStringLiteral(e) ||
    ts.isNoSubstitutionTemplateLiteral(e)
  );
}

/**
 * A parse with its fallback right after the try: the try block's only call is `JSON.parse` (no other
 * call, `new`, `await` or `throw` that could fail there), and the statement that follows the try is
 * `return <literal>` (`try { … JSON.parse(value) … return true } catch {} return false`). The parse
 * error is the answer, given by that return.
 */
function parseFallbackAfter(tryStatement: ts.TryStatement, helpers: Helpers): boolean {
  const container = tryStatement.parent;
  const siblings = ts.isBlock(container) || ts.isSourceFile(container) ? container.statements : undefined;
  const next = siblings?.[siblings.indexOf(tryStatement) + 1];
  if (!next || !ts.isReturnStatement(next) || !isLiteralValue(next.expression)) return false;
  // The try answers from the parse with a return of its own (`if (parsed …) return true`): the return
  // after it is the answer for a parse error. A try that only stores the parse has no answer to give.
  if (!containsOwn(tryStatement.tryBlock, ts.isReturnStatement)) return false;
  let parses = false;
  const other = containsOwn(tryStatement.tryBlock, (n) => {
    if (ts.isCallExpression(n) && helpers.isGlobalCall(n, 'JSON', 'parse')) {
      parses = true;
      return false;
    }
    return ts.isCallExpression(n) || ts.isNewExpression(n) || ts.isAwaitExpression(n) || ts.isThrowStatement(n) || ts.isTaggedTemplateExpression(n) || ts.isYieldExpression(n);
  });
  return parses && !other;
}

/** `JSON.parse(x)` (no reviver: it could throw errors of its own), `new URL(x)` or `require.resolve(x)`: the input it parses. */
function parsedInput(e: ts.Expression, helpers: Helpers): ts.Expression | undefined {
  const v = unwrap(e);
  if (ts.isCallExpression(v) && v.arguments.length === 1 && (helpers.isGlobalCall(v, 'JSON', 'parse') || helpers.isGlobalCall(v, 'require', 'resolve'))) return v.arguments[0];
  if (ts.isNewExpression(v) && v.arguments?.length === 1 && helpers.isGlobalCall(v, 'URL')) return v.arguments[0];
  return undefined;
}

/**
 * A catch that logs the input a parse rejected: the try block is one statement that declares,
 * assigns or returns `JSON.parse(x)`, `new URL(x)` or `require.resolve(x)` and does nothing else
 * (no use of the result that could throw), and the log names `x` (Ghost's `Ignoring invalid
 * newsletters data - ${metadataNewsletters}.`). A parse error says only that the input is not valid;
 * the log already says which input. A log that does not name it (`could not parse stripe_plans`)
 * still drops what went wrong.
 */
function logsRejectedInput(tryStatement: ts.TryStatement, log: ts.CallExpression, helpers: Helpers): boolean {
  const statements = tryStatement.tryBlock.statements;
  const only = statements.length === 1 ? statements[0] : undefined;
  if (!only) return false;
  let value: ts.Expression | undefined;
  if (ts.isReturnStatement(only)) value = only.expression;
  else if (ts.isVariableStatement(only) && only.declarationList.declarations.length === 1) {
    const d = only.declarationList.declarations[0];
    value = d && ts.isIdentifier(d.name) ? d.initializer : undefined;
  } else if (ts.isExpressionStatement(only)) {
    const e = unwrap(only.expression);
    // `plans = JSON.parse(raw)`, `memberData.newsletters = JSON.parse(raw)`: a plain name or property chain.
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const target = unwrap(e.left);
      if (ts.isIdentifier(target) || (ts.isPropertyAccessExpression(target) && !containsOwn(target, (m) => ts.isCallExpression(m) || ts.isElementAccessExpression(m)))) value = e.right;
    }
  }
  const input = value && parsedInput(value, helpers);
  if (!input) return false;
  const parsed = unwrap(input);
  // The input itself must be a plain value (`JSON.parse(readFileSync(p))` can fail otherwise).
  if (!ts.isIdentifier(parsed) && !ts.isPropertyAccessExpression(parsed)) return false;
  if (ts.isPropertyAccessExpression(parsed) && containsOwn(parsed, (m) => ts.isCallExpression(m))) return false;
  const text = parsed.getText();
  // The log names the same value: the identifier itself (not a property called so), or the same property chain.
  return log.arguments.some((arg) =>
    containsOwn(arg, (m) => (ts.isIdentifier(parsed) ? ts.isIdentifier(m) && !isPropertyName(m) && m.text === text : ts.isPropertyAccessExpression(m) && m.getText() === text)),
  );
}

const EXPLAINS_SILENCE = /ignor|swallow|best[- ]effort|safe to|may not|might not|does ?n[o']t (exist|matter)|optional|expected|not an error|no-?op/i;

/**
 * A comment right above the statement (`// best effort: the file may not exist`) that says why the
 * error is dropped, or above the declaration of the default the try overwrites.
 */
function explainedAbove(node: ts.Node): boolean {
  let statement: ts.Node = node;
  while (!ts.isBlock(statement.parent) && !ts.isSourceFile(statement.parent) && !ts.isFunctionLike(statement.parent)) statement = statement.parent;
  const text = statement.getSourceFile().text;
  const explained = (n: ts.Node) => (ts.getLeadingCommentRanges(text, n.pos) ?? []).some((c) => EXPLAINS_SILENCE.test(text.slice(c.pos, c.end)));
  if (explained(statement)) return true;
  const siblings = ts.isBlock(statement.parent) || ts.isSourceFile(statement.parent) ? statement.parent.statements : undefined;
  const previous = siblings?.[siblings.indexOf(statement as ts.Statement) - 1];
  return !!previous && ts.isVariableStatement(previous) && explained(previous);
}

/** The identifiers a catch binding or callback parameter declares (destructuring included). */
function boundNames(name: ts.BindingName | undefined): string[] {
  if (!name) return [];
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((el) => (ts.isOmittedExpression(el) ? [] : boundNames(el.name)));
}

/** Some identifier under `root` (nested callbacks included) reads one of the `names` that `owner` declares. */
function usesBinding(root: ts.Node, owner: ts.Node, names: string[], helpers: Helpers): boolean {
  if (names.length === 0) return false;
  let hit = false;
  const visit = (n: ts.Node): void => {
    if (hit) return;
    if (ts.isIdentifier(n) && names.includes(n.text) && !isPropertyName(n)) {
      const decl = helpers.declarationOf(n);
      hit = !!decl && isWithin(decl, owner);
    } else ts.forEachChild(n, visit);
  };
  visit(root);
  return hit;
}

/** `x.err` or `{ err: 1 }`: the name of a property, not a read of a variable. */
function isPropertyName(id: ts.Identifier): boolean {
  const p = id.parent;
  return (ts.isPropertyAccessExpression(p) && p.name === id) || (ts.isPropertyAssignment(p) && p.name === id);
}

function isWithin(node: ts.Node, ancestor: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n; n = n.parent) if (n === ancestor) return true;
  return false;
}

/** A `logger.warn(…)` / `console.error(…)` call, possibly awaited or voided, as one expression. */
function logCall(expr: ts.Expression, helpers: Helpers): ts.CallExpression | undefined {
  let e = unwrap(expr);
  if (ts.isAwaitExpression(e) || ts.isVoidExpression(e)) e = unwrap(e.expression);
  return ts.isCallExpression(e) && (isLoggerCall(e) || consoleCall(e, helpers) !== undefined) ? e : undefined;
}

/** Every statement is a log call (and there is at least one): the catch only reports a message. */
function onlyLogs(statements: readonly ts.Statement[], helpers: Helpers): ts.CallExpression | undefined {
  const calls = statements.map((s) => (ts.isExpressionStatement(s) ? logCall(s.expression, helpers) : undefined));
  return calls.length > 0 && calls.every((c) => c !== undefined) ? calls[0] : undefined;
}

/** A function with an empty body and no comment: a local `noop`, or lodash's. */
function isNoop(arg: ts.Expression, helpers: Helpers): string | undefined {
  const e = unwrap(arg);
  const ref = helpers.referenceOf(e);
  if (ref?.kind === 'module' && !ref.resolved) {
    const base = ref.module.split('/')[0] ?? '';
    const name = ref.path[ref.path.length - 1] ?? ref.module.split('/')[1];
    if (LODASH.has(base) && name === 'noop') return describe(e);
  }
  if (!ts.isIdentifier(e)) return undefined;
  const decl = helpers.declarationOf(e);
  // A `let` may be reassigned (`let fail = () => {}` later set to a promise's `reject`): only constants are noops.
  const fn = decl && (ts.isFunctionDeclaration(decl) ? decl : ts.isVariableDeclaration(decl) && isConst(decl) && decl.initializer ? unwrap(decl.initializer) : undefined);
  if (!fn || !(ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isArrowFunction(fn))) return undefined;
  const body = fn.body;
  return body && ts.isBlock(body) && statementsOf(body).length === 0 && !holdsComment(body) ? e.text : undefined;
}

export default defineFileRule({
  id: 'no-swallowed-error',
  category: 'resilience',
  severity: 'medium',
  recommended: true,
  defaultOptions: {},
  messages: {
    emptyCatch: 'empty `catch` swallows any error from `{{source}}`: log it with the error, handle it (fallback value, response, rethrow), or add a comment saying why it is safe to ignore',
    logWithoutError: '`catch` only logs `{{log}}` and drops the error from `{{source}}`: pass the error to the logger so its message and stack are recorded, or handle it',
    emptyCallback: '`.catch` with an empty callback swallows the rejection of `{{source}}`: log it with the error, handle it, or add a comment saying why it is safe to ignore',
    noopCallback: '`.catch({{name}})` swallows the rejection of `{{source}}`: log it with the error or handle it',
    callbackLogWithoutError: '`.catch` callback only logs `{{log}}` and drops the rejection of `{{source}}`: pass the error to the logger so its message and stack are recorded',
  },
  docs: {
    description: 'Disallow catching an error and throwing it away: empty catch blocks, log lines without the error, `.catch(() => {})`.',
    why:
      'A swallowed error does not stop the failure, it only hides it: the payment that was never captured, the cache that never ' +
      'warms or the webhook that was never sent surfaces days later as a support ticket, with no log line, no stack and no metric ' +
      'to start from. A catch that logs a fixed message but not the error is nearly as bad: it says that something failed, never ' +
      'what or where. An empty catch with a comment, loading an optional dependency, and a catch that returns a fallback value, ' +
      'responds, rethrows or exits are handling the error and are not flagged, nor is an empty catch around a lone `JSON.parse` ' +
      'whose try returns its answer, followed directly by `return <literal>` (`catch {} return false`), nor a catch that logs the ' +
      'input a lone `JSON.parse(x)`, `new URL(x)` or `require.resolve(x)` rejected (a try that only declares, assigns or returns it; `logger.warn(`Invalid URL: ${x}`)`): a parse error says no more than that.',
    fix:
      'Log the error itself (`logger.warn({ err }, \'rates refresh failed\')`), handle it (return a fallback, respond with an error, ' +
      'rethrow with `{ cause: err }`), or, when ignoring it is really right, say why in a comment inside the catch.',
    sites: 'catch clauses and `.catch` handlers',
    examples: {
      invalid: [
        {
          filename: 'src/services/invoice.service.ts',
          code:
            "import { mailer } from '../lib/mailer';\nimport type { Invoice } from '../models/invoice';\n\n" +
            'export async function sendInvoice(invoice: Invoice): Promise<void> {\n  try {\n' +
            "    await mailer.send({ to: invoice.customerEmail, template: 'invoice', data: invoice });\n  } catch {}\n}\n",
        },
        {
          filename: 'src/services/audit.service.ts',
          code:
            "import { auditClient } from '../lib/audit-client';\nimport { logger } from '../lib/logger';\n\n" +
            'export function recordLogin(userId: string): void {\n' +
            "  auditClient.post('/events', { type: 'login', userId }).catch(() => {});\n}\n\n" +
            'export async function recordLogout(userId: string): Promise<void> {\n  try {\n' +
            "    await auditClient.post('/events', { type: 'logout', userId });\n  } catch (err) {\n    logger.warn('audit write failed');\n  }\n}\n",
        },
      ],
      valid: [
        {
          filename: 'src/services/invoice.service.ts',
          code:
            "import { mailer } from '../lib/mailer';\nimport { logger } from '../lib/logger';\nimport type { Invoice } from '../models/invoice';\n\n" +
            'export async function sendInvoice(invoice: Invoice): Promise<void> {\n  try {\n' +
            "    await mailer.send({ to: invoice.customerEmail, template: 'invoice', data: invoice });\n  } catch (err) {\n" +
            "    logger.error({ err, invoiceId: invoice.id }, 'invoice email failed');\n    throw err;\n  }\n}\n",
        },
        {
          filename: 'src/config/settings.ts',
          code:
            "import { readFileSync } from 'node:fs';\n\n" +
            'export function loadOverrides(path: string): Record<string, string> {\n  try {\n' +
            "    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;\n  } catch {\n    return {};\n  }\n}\n\n" +
            'export function removeLockFile(path: string): void {\n  try {\n' +
            "    require('node:fs').unlinkSync(path);\n  } catch {\n    // ignore: the lock file may already be gone\n  }\n}\n",
        },
      ],
    },
  },
  create(context) {
    const { helpers } = context;
    const roles = context.file.roles;
    if (roles.has('test') || roles.has('browser')) return {};
    return {
      CatchClause(clause: ts.CatchClause) {
        context.countSite(clause);
        const tryStatement = clause.parent;
        if (loadsModule(tryStatement.tryBlock)) return;
        const source = firstCallIn(tryStatement.tryBlock, helpers);
        const statements = statementsOf(clause.block);
        if (statements.length === 0) {
          if (!holdsComment(clause.block) && !explainedAbove(tryStatement) && !parseFallbackAfter(tryStatement, helpers)) context.report({ node: clause, messageId: 'emptyCatch', data: { source } });
          return;
        }
        const log = onlyLogs(statements, helpers);
        const binding = clause.variableDeclaration;
        if (log && !usesBinding(clause.block, clause, boundNames(binding?.name), helpers) && !logsRejectedInput(tryStatement, log, helpers)) {
          context.report({ node: clause, messageId: 'logWithoutError', data: { log: describe(log), source } });
        }
      },
      CallExpression(call: ts.CallExpression) {
        const callee = unwrap(call.expression);
        if (!ts.isPropertyAccessExpression(callee) || memberName(callee) !== 'catch' || call.arguments.length !== 1) return;
        const handler = unwrap(call.arguments[0]!);
        context.countSite(call);
        if (importSpecifier(callee.expression) !== undefined) return;
        const source = describe(callee.expression);
        if (ts.isArrowFunction(handler) || ts.isFunctionExpression(handler)) {
          const body = handler.body;
          const names = handler.parameters.flatMap((p) => boundNames(p.name));
          if (ts.isBlock(body)) {
            const statements = statementsOf(body);
            if (statements.length === 0) {
              if (!holdsComment(body) && !explainedAbove(call)) context.report({ node: handler, messageId: 'emptyCallback', data: { source } });
              return;
            }
            const log = onlyLogs(statements, helpers);
            if (log && !usesBinding(body, handler, names, helpers)) context.report({ node: handler, messageId: 'callbackLogWithoutError', data: { log: describe(log), source } });
            return;
          }
          const log = logCall(body, helpers);
          if (log && !usesBinding(body, handler, names, helpers)) context.report({ node: handler, messageId: 'callbackLogWithoutError', data: { log: describe(log), source } });
          return;
        }
        const noop = isNoop(handler, helpers);
        if (noop) context.report({ node: handler, messageId: 'noopCallback', data: { name: noop, source } });
      },
    };
  },
});
