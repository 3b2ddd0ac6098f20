// Redirect sinks (open redirect): a response that sends the browser to a request-chosen URL turns
// the site's own links into phishing links (`/login?next=https://evil.example`) and leaks OAuth
// codes and tokens to another origin. Express `res.redirect`/`res.location`, Koa `ctx.redirect`,
// Fastify `reply.redirect`, and a `Location` header (`setHeader`, `set`, `header`, `writeHead`).
// Only the parts that choose the origin matter: `/orders/${id}` stays on the site. A check that
// the value is a relative path (`x.startsWith('/') && !x.startsWith('//')`), an origin
// comparison (`new URL(x, base).origin === base`) or an allow list confines it.
import { ts } from '../typescript.js';
import type { Helpers } from '../helpers.js';
import { unwrap } from '../references.js';
import type { SinkKind } from '../taint.js';
import { destinationParts, hostCheck, originComparison } from './url.js';

const HEADER_METHODS = new Set(['setHeader', 'set', 'header', 'append', 'writeHead']);
const STATUS_NAME = /^(status|statusCode|code|httpStatus)$/i;

/** The identifier a member chain starts from: `res` of `res.status(302).redirect`. */
function rootName(e: ts.Expression): string {
  let x = unwrap(e);
  while (ts.isPropertyAccessExpression(x) || ts.isCallExpression(x) || ts.isElementAccessExpression(x)) x = unwrap(x.expression);
  return ts.isIdentifier(x) ? x.text : x.kind === ts.SyntaxKind.ThisKeyword ? 'this' : 'res';
}

/** A status code argument: a number, or a name that says it is one. */
function isStatus(e: ts.Expression): boolean {
  const x = unwrap(e);
  return ts.isNumericLiteral(x) || (ts.isIdentifier(x) && STATUS_NAME.test(x.text)) || (ts.isPropertyAccessExpression(x) && /status|code|^[A-Z_]+$/i.test(x.name.text) && /^(HttpStatus|StatusCodes|httpStatus|status)/.test(x.expression.getText()));
}

/** The `Location` value in a headers object (`{ Location: url }`). */
function locationIn(obj: ts.Expression | undefined, helpers: Helpers): ts.Expression | undefined {
  if (!obj) return undefined;
  for (const key of ['Location', 'location']) {
    const p = helpers.property(obj, key);
    if (p.kind === 'found' && p.value) return p.value;
  }
  return undefined;
}

function targets(call: ts.CallExpression, helpers: Helpers): { sink: string; url: readonly ts.Expression[] } | undefined {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const root = rootName(callee.expression);
  const args = call.arguments;
  if (method === 'redirect') {
    // res.redirect(url), res.redirect(301, url), reply.redirect(url, 302), ctx.redirect(url, alt)
    const urls = args.filter((a) => !isStatus(a) && !ts.isArrowFunction(unwrap(a)) && !ts.isFunctionExpression(unwrap(a)));
    // router.redirect('/old', '/new') registers a route: its arguments are literals, not request values.
    return urls.length > 0 ? { sink: `${root}.redirect`, url: urls } : undefined;
  }
  if (method === 'location' && args.length === 1) return { sink: `${root}.location`, url: args };
  if (!HEADER_METHODS.has(method)) return undefined;
  if (method === 'writeHead') {
    const headers = args.slice(1).map((a) => locationIn(a, helpers)).find((x) => x);
    return headers ? { sink: `${root}.writeHead`, url: [headers] } : undefined;
  }
  const [name, value] = args;
  if (name && value && helpers.staticString(name)?.toLowerCase() === 'location') return { sink: `${root}.${method}('Location')`, url: [value] };
  const inObject = args.length === 1 ? locationIn(name, helpers) : undefined;
  return inObject ? { sink: `${root}.${method}('Location')`, url: [inObject] } : undefined;
}

/** `x.startsWith('/')` in a condition that also rejects `//` (a protocol-relative URL): x stays on the site. */
function relativePathCheck(call: ts.CallExpression, helpers: Helpers): ts.Expression | undefined {
  const callee = unwrap(call.expression);
  const arg = call.arguments[0] && helpers.staticString(call.arguments[0]);
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'startsWith' && arg === '/') {
    const subject = callee.expression.getText().replace(/\s+/g, '');
    let cond: ts.Node = call;
    while (ts.isParenthesizedExpression(cond.parent) || ts.isPrefixUnaryExpression(cond.parent) || (ts.isBinaryExpression(cond.parent) && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken].includes(cond.parent.operatorToken.kind))) cond = cond.parent;
    return rejectsDoubleSlash(cond, subject, helpers) ? callee.expression : undefined;
  }
  // /^\/(?!\/)/.test(x), /^\/[^/\\]/.test(x)
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'test' && call.arguments[0]) {
    const re = unwrap(helpers.valueOf(callee.expression));
    if (ts.isRegularExpressionLiteral(re) && /^\/\^\\\/(\(\?!\[?\\\/|\[\^[^\]]*\\\/)/.test(re.text)) return call.arguments[0];
  }
  return undefined;
}

function rejectsDoubleSlash(cond: ts.Node, subject: string, helpers: Helpers): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const c = unwrap(n.expression);
      const arg = n.arguments[0] && helpers.staticString(n.arguments[0]);
      if (ts.isPropertyAccessExpression(c) && ['startsWith', 'includes', 'indexOf'].includes(c.name.text) && (arg === '//' || arg === '/\\') && c.expression.getText().replace(/\s+/g, '') === subject) found = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(cond);
  return found;
}

export const redirectSinks: SinkKind = {
  id: 'redirect',
  names: new Set(['redirect', 'location', ...HEADER_METHODS]),
  match(call, helpers) {
    if (!ts.isCallExpression(call)) return undefined;
    const t = targets(call, helpers);
    if (!t) return undefined;
    // Literal routes (`router.redirect('/old', '/new')`, `res.redirect('/login')`) are sites too, but carry nothing.
    return { sink: t.sink, args: t.url.flatMap((u) => destinationParts(u, helpers, false)) };
  },
  sanitizes(call, helpers) {
    // ctx.path.replace(/^\/share/, '/s'): an anchored prefix swapped for a fixed relative path
    const callee = unwrap(call.expression);
    const [pattern, replacement] = call.arguments ?? [];
    if (!ts.isPropertyAccessExpression(callee) || !['replace', 'replaceAll'].includes(callee.name.text) || !pattern || !ts.isRegularExpressionLiteral(pattern)) return false;
    const text = helpers.staticString(replacement);
    return pattern.text.startsWith('/^') && text !== undefined && /^\/[^/\\]/.test(text);
  },
  confines(call, helpers) {
    const relative = relativePathCheck(call, helpers);
    if (relative) return relative;
    const checked = hostCheck(call, helpers);
    return checked.length > 0 ? checked : undefined;
  },
  confinesComparison(cmp, helpers) {
    const checked = originComparison(cmp, helpers);
    return checked.length > 0 ? checked : undefined;
  },
};
