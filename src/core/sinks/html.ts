// HTML sinks (reflected XSS): request input written into a response the browser renders as HTML
// runs the client's script on the site's origin (session theft, actions as the user). Express
// `res.send(string)` defaults to `text/html`, so a bare reflected value counts; `res.write`/
// `res.end` count when the response is declared HTML or the text carries markup; Fastify's
// `reply.send` only with an HTML content type (its strings default to `text/plain`); Koa's
// `ctx.body = string` is HTML when the text starts with `<`, so a body that starts with request
// input or markup counts. A response typed JSON, plain text or XML, an object (`res.send({ … })`
// is JSON) and escaped values (escape-html, he, validator, lodash, xss, sanitize-html, DOMPurify,
// the project's own `escapeHtml`) are not flagged.
import { ts } from '../typescript.js';
import type { Helpers } from '../helpers.js';
import { memberName, unwrap } from '../references.js';
import type { SinkKind } from '../taint.js';

const RESPONSE_ROOTS = /^(res|response|resp|reply|rep|ctx|context|c|h)$/;
const WHOLE_INPUT = new Set(['body', 'query', 'params', 'headers', 'cookies', 'signedCookies']);
const ESCAPING_MODULES = new Set(['escape-html', 'he', 'html-escaper', 'xss', 'sanitize-html', 'dompurify', 'isomorphic-dompurify', 'entities', 'html-entities', 'lodash.escape', 'lodash/escape', 'escape-goat', 'xss-filters', 'validator/lib/escape']);
/** The project's own escapers (and library names reached through a local alias). */
const ESCAPING_NAME = /^(escape|escapeHtml|escapeHTML|htmlEscape|escapeXml|escapeXML|encodeHtml|encodeHTML|htmlEncode|sanitize|sanitizeHtml|sanitizeHTML|purify|filterXSS|xss|inHTMLData|encodeForHTML)$/;

type ContentType = 'html' | 'other' | 'unset';

/** The response object a member chain starts from: `res` of `res.status(400).send`. */
function responseRoot(e: ts.Expression): ts.Identifier | undefined {
  let x = unwrap(e);
  while (ts.isPropertyAccessExpression(x) || ts.isCallExpression(x)) x = unwrap(x.expression);
  return ts.isIdentifier(x) ? x : undefined;
}

/** What a content-type value says: `text/html` → html; json, text, xml, csv… → other. */
function classify(value: ts.Expression | undefined, helpers: Helpers): ContentType {
  const text = value && helpers.staticString(value);
  if (text === undefined) return 'other'; // a type chosen at run time: not ours to guess
  return /html/i.test(text) ? 'html' : 'other';
}

/** A content-type setting in a call: `res.type('json')`, `res.set('Content-Type', …)`, `res.writeHead(200, { 'Content-Type': … })`. */
function typeSetBy(call: ts.CallExpression, root: string, helpers: Helpers): ContentType | undefined {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || responseRoot(callee.expression)?.text !== root) return undefined;
  const method = callee.name.text;
  const [a0, a1] = call.arguments;
  if (method === 'type' || method === 'contentType') return classify(a0, helpers);
  if (method === 'json' || method === 'jsonp' || method === 'sendFile' || method === 'attachment' || method === 'download') return 'other';
  if (['set', 'header', 'setHeader', 'append', 'writeHead'].includes(method)) {
    if (a0 && helpers.staticString(a0)?.toLowerCase() === 'content-type') return classify(a1, helpers);
    for (const obj of method === 'writeHead' ? call.arguments.slice(1) : [a0]) {
      for (const key of ['Content-Type', 'content-type', 'contentType']) {
        const p = helpers.property(obj, key);
        if (p.kind === 'found') return classify(p.value, helpers);
      }
    }
  }
  return undefined;
}

/** The content type the response has when `at` runs: set in its chain, or earlier in the same function (also Koa's `ctx.type =`). */
function contentTypeAt(at: ts.Node, root: string, helpers: Helpers): ContentType {
  let found: ContentType = 'unset';
  // res.type('html').send(x): the chain below the sink
  if (ts.isCallExpression(at)) {
    for (let x = unwrap(at.expression); ts.isPropertyAccessExpression(x) || ts.isCallExpression(x); x = unwrap(x.expression)) {
      if (ts.isCallExpression(x)) found = typeSetBy(x, root, helpers) ?? found;
    }
    if (found !== 'unset') return found;
  }
  const scope = helpers.enclosingFunction(at) ?? at.getSourceFile();
  const visit = (n: ts.Node): void => {
    if (n.pos >= at.pos) return;
    if (ts.isCallExpression(n)) found = typeSetBy(n, root, helpers) ?? found;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = unwrap(n.left);
      if (ts.isPropertyAccessExpression(left) && left.name.text === 'type' && responseRoot(left.expression)?.text === root) found = classify(n.right, helpers);
    }
    ts.forEachChild(n, visit);
  };
  visit(scope);
  return found;
}

/** The value is an object (sent as JSON): a literal, `req.body`, `req.query`. */
function isObjectValue(e: ts.Expression, helpers: Helpers): boolean {
  const v = helpers.valueOf(e);
  if (ts.isObjectLiteralExpression(v) || ts.isArrayLiteralExpression(v) || ts.isNumericLiteral(v)) return true;
  return ts.isPropertyAccessExpression(v) && WHOLE_INPUT.has(v.name.text) && ts.isIdentifier(unwrap(v.expression));
}

/** Markup in the literal text of a string built from parts (`'<p>' + q`, `` `<h1>${q}</h1>` ``). */
function hasMarkup(e: ts.Expression, helpers: Helpers, depth = 0): boolean {
  const v = depth === 0 ? helpers.valueOf(e) : unwrap(e);
  if (ts.isStringLiteralLike(v)) return /<[a-z!/]/i.test(v.text);
  if (ts.isTemplateExpression(v)) return /<[a-z!/]/i.test(v.head.text + v.templateSpans.map((s) => s.literal.text).join('')) || v.templateSpans.some((s) => hasMarkup(s.expression, helpers, depth + 1));
  if (ts.isBinaryExpression(v) && v.operatorToken.kind === ts.SyntaxKind.PlusToken) return depth < 6 && (hasMarkup(v.left, helpers, depth + 1) || hasMarkup(v.right, helpers, depth + 1));
  if (ts.isIdentifier(v) && depth < 3) {
    const w = helpers.valueOf(v);
    return w !== v && hasMarkup(w, helpers, depth + 1);
  }
  return false;
}

/** Koa renders a string body as HTML when it starts with `<`: the body starts with markup or with a value. */
function mayStartWithMarkup(e: ts.Expression, helpers: Helpers): boolean {
  const v = helpers.valueOf(e);
  if (ts.isStringLiteralLike(v)) return /^\s*</.test(v.text);
  if (ts.isTemplateExpression(v)) return v.head.text.trim() === '' || /^\s*</.test(v.head.text);
  if (ts.isBinaryExpression(v) && v.operatorToken.kind === ts.SyntaxKind.PlusToken) return mayStartWithMarkup(v.left, helpers);
  return !ts.isNumericLiteral(v) && !ts.isObjectLiteralExpression(v) && !ts.isArrayLiteralExpression(v);
}

export const htmlSinks: SinkKind = {
  id: 'html',
  names: new Set(['send', 'write', 'end', 'html', 'body']),
  match(call, helpers) {
    if (!ts.isCallExpression(call)) return undefined;
    const callee = unwrap(call.expression);
    const method = memberName(callee);
    const [value] = call.arguments;
    if (!method || !ts.isPropertyAccessExpression(callee) || !value) return undefined;
    const root = responseRoot(callee.expression);
    if (!root || !RESPONSE_ROOTS.test(root.text)) return undefined;
    const receiver = unwrap(callee.expression);
    // Koa's ctx.res / Fastify's reply.raw are node responses; c.html(…) is Hono's HTML response.
    const raw = ts.isPropertyAccessExpression(receiver) && ['res', 'raw'].includes(receiver.name.text);
    const sink = `${root.text}${raw ? `.${(receiver as ts.PropertyAccessExpression).name.text}` : ''}.${method}`;
    if (isObjectValue(value, helpers)) return undefined;
    if (method === 'html') return root.text === 'c' || root.text === 'ctx' || root.text === 'context' ? { sink, args: [value] } : undefined;
    if (root.text === 'ctx' && !raw) return undefined;
    const type = contentTypeAt(call, root.text, helpers);
    if (type === 'other') return undefined;
    const fastify = /^(reply|rep)$/.test(root.text) && !raw;
    if (method === 'send') return fastify && type !== 'html' ? undefined : { sink, args: [value] };
    // write/end: HTML when declared so, or when the text carries markup.
    return type === 'html' || hasMarkup(value, helpers) ? { sink, args: [value] } : undefined;
  },
  matchAssignment(node, helpers) {
    // ctx.body = …, ctx.response.body = …
    const left = unwrap(node.left);
    if (!ts.isPropertyAccessExpression(left) || left.name.text !== 'body') return undefined;
    const root = responseRoot(left.expression);
    if (!root || !/^(ctx|context)$/.test(root.text)) return undefined;
    const target = unwrap(left.expression);
    if (!(ts.isIdentifier(target) || (ts.isPropertyAccessExpression(target) && target.name.text === 'response'))) return undefined;
    if (isObjectValue(node.right, helpers)) return undefined;
    const type = contentTypeAt(node, root.text, helpers);
    if (type === 'other' || (type === 'unset' && !mayStartWithMarkup(node.right, helpers))) return undefined;
    return { sink: `${root.text}.body`, args: [node.right] };
  },
  sanitizes(call, helpers) {
    const callee = unwrap(call.expression);
    const ref = helpers.referenceOf(callee);
    if (ref?.kind === 'module' && !ref.resolved) {
      if (ESCAPING_MODULES.has(ref.module)) return true;
      const last = ref.path[ref.path.length - 1] ?? '';
      if ((ref.module === 'validator' || ref.module === 'lodash' || ref.module === 'underscore') && last === 'escape') return true;
    }
    if (ref?.kind === 'global' && ref.path.length === 0 && ref.name === 'encodeURIComponent') return true;
    const name = ts.isIdentifier(callee) ? callee.text : memberName(callee);
    if (name && ESCAPING_NAME.test(name)) return true;
    // DOMPurify.sanitize(x), purify.sanitize(x)
    if (name === 'sanitize' || name === 'encode' || name === 'encodeHTML' || name === 'escapeUTF8') return true;
    // x.replace(/</g, '&lt;'), x.replace(/[<>]/g, '')
    if (name === 'replace' || name === 'replaceAll') {
      const [pattern, replacement] = call.arguments ?? [];
      return !!pattern && ts.isRegularExpressionLiteral(pattern) && pattern.text.includes('<') && !(replacement && helpers.staticString(replacement)?.includes('<'));
    }
    return false;
  },
};
