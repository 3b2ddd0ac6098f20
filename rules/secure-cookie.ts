// secure-cookie: a session or auth cookie set without `Secure`, or readable from JavaScript. The
// session middleware's own cookie (express-session, cookie-session, @fastify/session) and cookies
// named like a session or token (`res.cookie('token', …)`, `reply.setCookie('sid', …)`,
// `ctx.cookies.set('jwt', …)`) are checked against each library's defaults: a cookie without
// `Secure` is sent over plain HTTP, where anyone on the network can copy it and take over the
// session; without `HttpOnly` one XSS is enough to steal it.
import { ts } from '../src/core/typescript.js';
import type { Helpers, PropertyLookup } from '../src/core/helpers.js';
import { unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';

/**
 * Library defaults (checked against each library's docs):
 * - express-session: cookie `{ httpOnly: true, secure: false }`;
 * - cookie-session and Koa `ctx.cookies` (the `cookies` module): `secure` follows the request's protocol
 *   (like `'auto'`), `httpOnly: true`;
 * - @fastify/session: `secure: true`, `httpOnly: true`;
 * - Express `res.cookie` and @fastify/cookie `setCookie`: neither attribute unless given.
 */
interface Defaults {
  secure: boolean;
  httpOnly: boolean;
}
const EXPRESS_SESSION: Defaults = { secure: false, httpOnly: true };
const PROTOCOL_SECURE: Defaults = { secure: true, httpOnly: true };
const PLAIN_COOKIE: Defaults = { secure: false, httpOnly: false };

const FASTIFY_SESSIONS = new Set(['@fastify/session', 'fastify-session', '@fastify/secure-session', 'fastify-secure-session']);
/** Words of a cookie's (or its value's) name that say it carries a session or a credential. */
const AUTH_WORDS = new Set(['session', 'sess', 'sid', 'token', 'jwt', 'auth', 'authorization', 'refresh', 'remember']);
/** CSRF tokens are meant to be read by the page's script. */
const READABLE = /csrf|xsrf/;

function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** The cookie's name says it carries a session or a credential (`connect.sid`, `accessToken`, `PHPSESSID`). */
export function isAuthCookieName(name: string): boolean {
  const words = nameWords(name);
  if (words.some((w) => READABLE.test(w))) return false;
  return words.some((w) => AUTH_WORDS.has(w) || w.startsWith('session') || w.endsWith('sessid') || w.endsWith('token'));
}

/** The name an expression reads under: a string's text, or the identifier / last member name (`SESSION_COOKIE`, `config.authCookie`). */
function nameOf(expr: ts.Expression | undefined, helpers: Helpers): string | undefined {
  if (!expr) return undefined;
  const text = helpers.staticString(helpers.valueOf(expr));
  if (text !== undefined) return text;
  const e = unwrap(expr);
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

/** What an attribute lookup says: explicitly off, missing, or set to something else (true, 'auto', a variable). */
function attribute(lookup: PropertyLookup, helpers: Helpers): 'off' | 'missing' | 'set' | 'unknown' {
  if (lookup.kind === 'missing') return 'missing';
  if (lookup.kind === 'unknown') return 'unknown';
  if (!lookup.value) return 'set';
  return helpers.valueOf(lookup.value).kind === ts.SyntaxKind.FalseKeyword ? 'off' : 'set';
}

/** A cookie being cleared: empty value, `maxAge: 0` or `expires: new Date(0)`. */
function isClearing(value: ts.Expression | undefined, options: ts.Expression | undefined, helpers: Helpers): boolean {
  if (value && (helpers.staticString(value) === '' || value.kind === ts.SyntaxKind.NullKeyword)) return true;
  const maxAge = helpers.property(options, 'maxAge');
  if (maxAge.kind === 'found' && maxAge.value && ts.isNumericLiteral(unwrap(maxAge.value)) && Number((unwrap(maxAge.value) as ts.NumericLiteral).text) === 0) return true;
  const expires = helpers.property(options, 'expires');
  if (expires.kind === 'found' && expires.value) {
    const e = unwrap(expires.value);
    if (ts.isNewExpression(e) && e.arguments?.length === 1 && ts.isNumericLiteral(unwrap(e.arguments[0]!))) return true;
  }
  return false;
}

export default defineFileRule({
  id: 'secure-cookie',
  category: 'security',
  severity: 'medium',
  recommended: true,
  cwe: [614, 1004],
  defaultOptions: {},
  messages: {
    insecure:
      '{{cookie}} is set {{problems}}: {{consequence}} — set {{fix}}',
  },
  docs: {
    description: 'Require `secure` (and keep `httpOnly`) on session and auth cookies.',
    why:
      'A session or token cookie without the `Secure` attribute is also sent over plain HTTP — a redirect, a mixed-content image, a captive ' +
      'portal — where anyone on the network can copy it and act as the user until it expires. Without `HttpOnly` any script on the page can ' +
      'read it, so a single XSS hole leaks every visitor\'s session. express-session and Express `res.cookie` leave `Secure` off by default, ' +
      'and `res.cookie`/`reply.setCookie` leave `HttpOnly` off too.',
    fix:
      'Set `secure: true` (or `secure: \'auto\'` with `app.set(\'trust proxy\', 1)` behind a TLS-terminating proxy; a variable such as ' +
      '`secure: isProduction` also works) and `httpOnly: true` on the cookie options.',
    sites: 'session and auth cookies',
    examples: {
      invalid: [
        {
          filename: 'src/auth/auth.controller.ts',
          code:
            "import { Router } from 'express';\nimport { issueToken } from './tokens';\n\nexport const auth = Router();\n" +
            "auth.post('/login', async (req, res) => {\n  const token = await issueToken(req.body.email, req.body.password);\n" +
            "  res.cookie('access_token', token, { maxAge: 15 * 60 * 1000 });\n  res.sendStatus(204);\n});\n",
        },
      ],
      valid: [
        {
          filename: 'src/auth/auth.controller.ts',
          code:
            "import { Router } from 'express';\nimport { issueToken } from './tokens';\n\nexport const auth = Router();\n" +
            "auth.post('/login', async (req, res) => {\n  const token = await issueToken(req.body.email, req.body.password);\n" +
            "  res.cookie('access_token', token, { httpOnly: true, secure: true, sameSite: 'lax', maxAge: 15 * 60 * 1000 });\n  res.sendStatus(204);\n});\n",
        },
      ],
    },
  },
  create(context) {
    const { helpers } = context;
    if (context.file.roles.has('test') || context.file.roles.has('browser')) return {};
    // `sess.cookie.secure = true` after `const sess = {…}` (express-session's documented production switch).
    const assignedLater = new Set<string>();
    const pending: Array<() => void> = [];

    const judge = (call: ts.CallExpression, cookie: string, options: ts.Expression | undefined, defaults: Defaults, patchedAs: string[]) => {
      context.countSite(call);
      const secure = attribute(helpers.property(options, 'secure'), helpers);
      const httpOnly = attribute(helpers.property(options, 'httpOnly'), helpers);
      pending.push(() => {
        const problems: string[] = [];
        const fixes: string[] = [];
        const patched = (attr: string) => patchedAs.some((p) => assignedLater.has(`${p}.${attr}`) || assignedLater.has(p));
        if ((secure === 'off' || (secure === 'missing' && !defaults.secure)) && !patched('secure')) {
          problems.push(secure === 'off' ? 'with `secure: false`' : 'without `secure`');
          fixes.push('`secure: true`');
        }
        if ((httpOnly === 'off' || (httpOnly === 'missing' && !defaults.httpOnly)) && !patched('httpOnly')) {
          problems.push(httpOnly === 'off' ? 'with `httpOnly: false`' : 'without `httpOnly`');
          fixes.push('`httpOnly: true`');
        }
        if (problems.length === 0) return;
        const consequence = [
          fixes.includes('`secure: true`') ? 'browsers also send it over plain HTTP, where it can be copied' : '',
          fixes.includes('`httpOnly: true`') ? 'page scripts (and any XSS) can read it' : '',
        ].filter(Boolean).join(', and ');
        context.report({ node: call, messageId: 'insecure', data: { cookie, problems: problems.join(' and '), consequence, fix: fixes.join(' and ') } });
      });
    };

    /** Names under which later assignments patch these options: `sess` → `sess.cookie`. */
    const patchNames = (options: ts.Expression | undefined, suffix: string[]): string[] => {
      const e = options && unwrap(options);
      return e && ts.isIdentifier(e) ? [[e.text, ...suffix].join('.')] : [];
    };

    return {
      BinaryExpression(node: ts.BinaryExpression) {
        if (node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
        const parts: string[] = [];
        let e: ts.Expression = unwrap(node.left);
        while (ts.isPropertyAccessExpression(e)) {
          parts.unshift(e.name.text);
          e = unwrap(e.expression);
        }
        if (ts.isIdentifier(e) && parts.length > 0) assignedLater.add([e.text, ...parts].join('.'));
      },
      CallExpression(call: ts.CallExpression) {
        const callee = call.expression;
        const [first, second, third] = call.arguments;
        const ref = helpers.referenceOf(callee);
        if (ref?.kind === 'module' && !ref.resolved) {
          // express-session: session({ name, cookie: {…} })
          if (ref.module === 'express-session' && (ref.path.length === 0 || (ref.path.length === 1 && ref.path[0] === 'session'))) {
            const cookie = helpers.property(first, 'cookie');
            const nameLookup = helpers.property(first, 'name');
            const name = nameLookup.kind === 'missing' ? 'connect.sid' : nameLookup.kind === 'found' && nameLookup.value ? helpers.staticString(helpers.valueOf(nameLookup.value)) : undefined;
            const label = `The express-session cookie${name ? ` \`${name}\`` : ''}`;
            if (cookie.kind === 'unknown') return context.countSite(call);
            if (cookie.kind === 'found' && cookie.value) return judge(call, label, cookie.value, EXPRESS_SESSION, [...patchNames(first, ['cookie']), ...patchNames(cookie.value, [])]);
            return judge(call, label, undefined, EXPRESS_SESSION, patchNames(first, ['cookie']));
          }
          // cookie-session: cookieSession({ name, keys, secure, httpOnly })
          if (ref.module === 'cookie-session' && ref.path.length === 0) return judge(call, 'The cookie-session cookie', first, PROTOCOL_SECURE, patchNames(first, []));
        }
        if (!ts.isPropertyAccessExpression(callee)) return;
        const method = callee.name.text;
        // fastify.register(fastifySession, { cookie: {…} })
        if (method === 'register' && first) {
          const plugin = helpers.referenceOf(first);
          if (plugin?.kind === 'module' && !plugin.resolved && FASTIFY_SESSIONS.has(plugin.module)) {
            const cookie = helpers.property(second, 'cookie');
            if (cookie.kind === 'found' && cookie.value) judge(call, `The ${plugin.module} cookie`, cookie.value, PROTOCOL_SECURE, []);
            else context.countSite(call);
          }
          return;
        }
        // res.cookie(name, value, options) / reply.setCookie(…) / ctx.cookies.set(…)
        const koa = method === 'set' && ts.isPropertyAccessExpression(unwrap(callee.expression)) && (unwrap(callee.expression) as ts.PropertyAccessExpression).name.text === 'cookies';
        if (!(koa || method === 'cookie' || method === 'setCookie') || call.arguments.length < 2 || call.arguments.length > 3) return;
        const cookieName = nameOf(first, helpers);
        if (cookieName === undefined) return;
        if (!isAuthCookieName(cookieName) && !(ts.isIdentifier(unwrap(second!)) && isAuthCookieName(nameOf(second, helpers) ?? ''))) return;
        if (isClearing(second, third, helpers)) return;
        const label = helpers.staticString(helpers.valueOf(first!)) !== undefined ? `Cookie \`${cookieName}\`` : `The cookie named by \`${cookieName}\``;
        judge(call, label, third, koa ? PROTOCOL_SECURE : PLAIN_COOKIE, patchNames(third, []));
      },
      'SourceFile:exit'() {
        for (const report of pending) report();
      },
    };
  },
});
