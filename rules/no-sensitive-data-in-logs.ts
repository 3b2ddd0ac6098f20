// no-sensitive-data-in-logs: logger and console calls that write whole request bodies, headers or
// cookies, or values named like passwords, secrets, tokens, API keys, authorization headers, card
// numbers or SSNs. Logs are shipped to third-party services, kept for months and read by many
// people: a token in a log line is a credential anyone with log access can replay (CWE-532).
// pino `redact` paths configured on the logger that is called (across files) are honoured.
import { ts } from '../src/core/typescript.js';
import { consoleCall, logCallOf, type LoggerInfo } from '../src/core/matchers.js';
import { nameWords } from '../src/core/names.js';
import { memberName, unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';

const CONSOLE_METHODS = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table']);
const SENSITIVE_WORDS = new Set(['password', 'passwd', 'passphrase', 'secret', 'token', 'authorization', 'cookie', 'cookies', 'ssn', 'cvv', 'cvc', 'credentials']);
const SENSITIVE_PAIRS = new Set(['api key', 'private key', 'secret key', 'access key', 'card number', 'credit card', 'set cookie']);
/** Tokens that are not credentials: pagination and cancellation tokens, CSRF tokens sent to the page. */
const HARMLESS_TOKEN_OWNERS = new Set(['page', 'next', 'continuation', 'pagination', 'cancellation', 'csrf', 'xsrf', 'sync', 'resume', 'cursor']);
/** Names that describe a value rather than hold it: `isTokenValid`, `hasPassword`. */
const PREDICATE_PREFIXES = new Set(['is', 'has', 'should', 'can', 'needs', 'requires', 'use', 'with', 'no', 'show', 'validate']);
const REQUEST_HOLDERS = /^(req|request)$/;
const WHOLE_PARTS = new Set(['body', 'headers', 'cookies']);

/** The name says the value is a secret: `password`, `refreshToken`, `x-api-key`, `authorization`, `cardNumber`. */
export function isSensitiveName(name: string): boolean {
  const w = nameWords(name);
  const last = w[w.length - 1];
  const prev = w[w.length - 2];
  if (!last || (w.length > 1 && PREDICATE_PREFIXES.has(w[0]!))) return false;
  if (last === 'token' && prev && HARMLESS_TOKEN_OWNERS.has(prev)) return false;
  if (SENSITIVE_WORDS.has(last) || (prev && SENSITIVE_PAIRS.has(`${prev} ${last}`))) return true;
  return /^(api|private|secret)key$|^(access|refresh|id|auth|bearer|session|jwt)token$|^(new|old|current|hashed|admin|user|db)password$|^(client|jwt|app)secret$|^creditcard$|^cardnumber$/.test(last);
}

/** `req.body`, `request.headers`, `ctx.request.body`, `ctx.headers`: a whole request part. */
function wholeRequestPart(e: ts.Expression): string | undefined {
  if (!ts.isPropertyAccessExpression(e)) return undefined;
  const part = e.name.text === 'header' ? 'headers' : e.name.text;
  if (!WHOLE_PARTS.has(part)) return undefined;
  const holder = unwrap(e.expression);
  if (ts.isIdentifier(holder) && (REQUEST_HOLDERS.test(holder.text) || (holder.text === 'ctx' && part === 'headers'))) return part;
  if (ts.isPropertyAccessExpression(holder) && holder.name.text === 'request' && ts.isIdentifier(holder.expression) && holder.expression.text === 'ctx') return part;
  return undefined;
}

/** `req.get('authorization')`, `req.header('x-api-key')`, `headers.get('cookie')`: the header name read. */
function headerRead(e: ts.CallExpression): string | undefined {
  const method = memberName(unwrap(e.expression));
  const arg = e.arguments[0] && unwrap(e.arguments[0]);
  if ((method === 'get' || method === 'header' || method === 'getHeader') && e.arguments.length === 1 && arg && ts.isStringLiteralLike(arg)) return arg.text;
  return undefined;
}

/** Redact paths as segments: `req.headers["x-api-key"]` → ['req', 'headers', 'x-api-key']. */
function segments(path: string): string[] {
  return path.split(/\.|\[["']?|["']?\]/).filter(Boolean);
}

/** A pino redact path covers the logged field, a part of it, or an object that contains it. */
function redacted(redact: LoggerInfo['redact'], path: readonly string[]): boolean {
  if (redact === 'unknown') return true;
  if (!redact) return false;
  // The whole merging object: pino redacts the configured fields of it.
  if (path.length === 0) return redact.length > 0;
  return redact.some((p) => {
    const s = segments(p);
    const n = Math.min(s.length, path.length);
    return n > 0 && s.slice(0, n).every((seg, i) => seg === '*' || seg === path[i]);
  });
}

interface Hit {
  node: ts.Node;
  expr: string;
  kind: 'whole' | 'named';
  what: string;
  /** The field path in pino's merging object (first argument), when the value is written under one. */
  path: readonly string[] | null;
}

/** Sensitive values an argument writes to the log; values only measured or tested (`.length`, `!!x`, calls) are not. */
function sensitiveValues(arg: ts.Expression, path: readonly string[] | null): Hit[] {
  const hits: Hit[] = [];
  const visit = (expr: ts.Expression, at: readonly string[] | null): void => {
    const e = unwrap(expr);
    if (ts.isObjectLiteralExpression(e)) {
      for (const p of e.properties) {
        const key = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;
        if (ts.isSpreadAssignment(p)) visit(p.expression, at);
        else if (ts.isShorthandPropertyAssignment(p)) {
          if (isSensitiveName(p.name.text)) hits.push({ node: p, expr: p.name.text, kind: 'named', what: p.name.text, path: at && [...at, p.name.text] });
        } else if (ts.isPropertyAssignment(p) && key !== undefined) {
          const value = unwrap(p.initializer);
          if (isSensitiveName(key) && !isMeasured(value)) hits.push({ node: p, expr: p.getText().replace(/\s+/g, ' '), kind: 'named', what: key, path: at && [...at, key] });
          else visit(value, at && [...at, key]);
        }
      }
      return;
    }
    if (ts.isTemplateExpression(e)) return e.templateSpans.forEach((s) => visit(s.expression, null));
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.PlusToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) {
        visit(e.left, null);
        visit(e.right, null);
      }
      return;
    }
    if (ts.isConditionalExpression(e)) {
      visit(e.whenTrue, at);
      visit(e.whenFalse, at);
      return;
    }
    if (ts.isArrayLiteralExpression(e)) return e.elements.forEach((x) => visit(x, null));
    if (ts.isCallExpression(e)) {
      const header = headerRead(e);
      if (header !== undefined && isSensitiveName(header)) {
        hits.push({ node: e, expr: e.getText(), kind: 'named', what: header, path: at });
        return;
      }
      // Serialised as is: JSON.stringify(req.body), String(token), util.inspect(headers).
      const callee = unwrap(e.expression).getText();
      if (/^(JSON\.stringify|String|util\.inspect|inspect)$/.test(callee) && e.arguments[0]) visit(e.arguments[0], at);
      return;
    }
    if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      const part = wholeRequestPart(e);
      if (part) {
        hits.push({ node: e, expr: e.getText(), kind: 'whole', what: part, path: at });
        return;
      }
      const name = ts.isIdentifier(e) ? e.text : memberName(e);
      if (name !== undefined && isSensitiveName(name)) hits.push({ node: e, expr: e.getText(), kind: 'named', what: name, path: at });
    }
  };
  visit(arg, path);
  return hits;
}

/** A value reduced to a size or a test before it is logged: `token.length`, `!!password`, `typeof secret`, `mask(token)`. */
function isMeasured(e: ts.Expression): boolean {
  if (ts.isConditionalExpression(e)) return isMeasured(unwrap(e.whenTrue)) && isMeasured(unwrap(e.whenFalse));
  return ts.isPrefixUnaryExpression(e) || ts.isTypeOfExpression(e) || ts.isCallExpression(e) || ts.isLiteralExpression(e) || (ts.isPropertyAccessExpression(e) && /^(length|size)$/.test(e.name.text)) || (ts.isBinaryExpression(e) && e.operatorToken.kind !== ts.SyntaxKind.PlusToken && e.operatorToken.kind !== ts.SyntaxKind.BarBarToken && e.operatorToken.kind !== ts.SyntaxKind.QuestionQuestionToken);
}

export default defineFileRule({
  id: 'no-sensitive-data-in-logs',
  category: 'observability',
  severity: 'high',
  recommended: true,
  cwe: [532],
  defaultOptions: {},
  messages: {
    whole: '`{{expr}}` writes the whole request {{what}} to the logs: they carry passwords, tokens and personal data — log only the fields you need{{redactHint}}',
    named: '`{{expr}}` writes a secret (`{{what}}`) to the logs, where anyone with log access can read and replay it — leave it out or log a masked form{{redactHint}}',
  },
  docs: {
    description: 'Disallow logging passwords, tokens, secrets, authorization headers and whole request bodies or headers.',
    why:
      'Log lines travel further than the database: to log shippers, third-party log services, dashboards and support tickets, and ' +
      'they are kept for months. A password, API key, session cookie or bearer token written there is a credential that anyone ' +
      'with log access can replay, and whole request bodies and headers carry exactly those (CWE-532). The rule covers logger ' +
      'and `console` calls, judges values by their names, and honours the pino `redact` paths of the logger that is called, ' +
      'including one created in another module. Logging `.length` or a boolean of a secret is fine.',
    fix: "Log an identifier instead of the secret (`{ userId }`), a masked form, or configure pino's `redact: ['req.headers.authorization', '*.password']`.",
    sites: 'log calls (logger and console)',
    examples: {
      invalid: [
        {
          filename: 'src/routes/auth.ts',
          code:
            "import { Router } from 'express';\nimport { logger } from '../lib/logger';\n\nexport const auth = Router();\n\n" +
            "auth.post('/login', (req, res) => {\n  logger.info({ body: req.body }, 'login attempt');\n  res.sendStatus(202);\n});\n",
        },
      ],
      valid: [
        {
          filename: 'src/routes/auth.ts',
          code:
            "import { Router } from 'express';\nimport { logger } from '../lib/logger';\n\nexport const auth = Router();\n\n" +
            "auth.post('/login', (req, res) => {\n  logger.info({ email: req.body.email, hasPassword: Boolean(req.body.password) }, 'login attempt');\n  res.sendStatus(202);\n});\n",
        },
      ],
    },
  },
  create(context) {
    if (!context.file.roles.has('server')) return {};
    return {
      CallExpression(call: ts.CallExpression) {
        let args: readonly ts.Expression[];
        let logger: LoggerInfo | null = null;
        const method = consoleCall(call, context.helpers);
        if (method !== undefined) {
          if (!CONSOLE_METHODS.has(method)) return;
          args = call.arguments;
        } else {
          const log = logCallOf(call, context);
          if (!log) return;
          args = log.args;
          logger = log.library === 'pino' && log.logger && !log.logger.wrapper ? log.logger : null;
        }
        context.countSite(call);
        const reported = new Set<ts.Node>();
        args.forEach((arg, i) => {
          // pino redacts paths of its merging object, the first argument.
          for (const hit of sensitiveValues(arg, logger && i === 0 ? [] : null)) {
            if (reported.has(hit.node)) continue;
            if (logger && hit.path && (hit.path.length > 0 || hit.kind === 'whole') && redacted(logger.redact, hit.path)) continue;
            reported.add(hit.node);
            const redactHint = logger && hit.path && hit.path.length > 0 ? ` (or add \`${hit.path.join('.')}\` to the logger's pino \`redact\` paths)` : '';
            context.report({ node: hit.node, messageId: hit.kind, data: { expr: hit.expr.length > 60 ? `${hit.expr.slice(0, 57)}…` : hit.expr, what: hit.what, redactHint } });
          }
        });
      },
    };
  },
});
