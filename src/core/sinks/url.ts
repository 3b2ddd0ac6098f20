// URL sinks (server-side request forgery): a request-chosen destination for an outbound call lets
// a client make the server fetch `http://169.254.169.254/` (cloud credentials), internal admin
// APIs or `file:` URLs with the server's network position. fetch (global, node-fetch, undici),
// axios (and instances from `axios.create`, also exported by project modules), got, node:http(s),
// needle, superagent, request. Only the parts of a URL that choose the destination matter: a value
// after a fixed origin's `?` (or one `URLSearchParams` builds) is a parameter, and a path segment
// passed through `encodeURIComponent` onto a fixed origin cannot leave it. A host allow-list check
// (`ALLOWED.includes(new URL(x).hostname)`, an origin comparison) confines the value; a schema's
// `.url()` does not (any URL is a URL).
import { ts } from '../typescript.js';
import type { Helpers } from '../helpers.js';
import { AXIOS_CONFIG_AT, GOT_METHODS } from '../http-clients.js';
import { memberName, unwrap } from '../references.js';
import { compactText } from '../text.js';
import type { SinkKind } from '../taint.js';

const FETCH_MODULES = new Set(['node-fetch', 'cross-fetch', 'isomorphic-fetch']);
const SUPERAGENT_METHODS = new Set(['get', 'post', 'put', 'patch', 'del', 'delete', 'head', 'options']);
const NEEDLE_METHODS = new Set(['get', 'head', 'post', 'put', 'patch', 'delete']);
const REQUEST_MODULES = new Set(['request', 'request-promise', 'request-promise-native', 'phin', 'ky']);
/** Options that choose where a request goes (`path` is a path on the chosen host). */
const DESTINATION_OPTIONS = ['url', 'uri', 'baseURL', 'baseUrl', 'prefixUrl', 'host', 'hostname', 'origin'];
/** Members of a parsed URL that name its destination. */
const URL_DESTINATION = new Set(['hostname', 'host', 'origin', 'protocol', 'href']);

// ---- Where in a URL a value lands -------------------------------------------------------------

type Piece = string | ts.Expression;

/** A string built from parts: literals and expressions in order, following consts that hold templates. */
function pieces(expr: ts.Expression, helpers: Helpers, depth = 0): Piece[] {
  const e = unwrap(expr);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [e.text];
  if (ts.isTemplateExpression(e)) {
    const out: Piece[] = [e.head.text];
    for (const span of e.templateSpans) out.push(...pieces(span.expression, helpers, depth + 1), span.literal.text);
    return out;
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) return [...pieces(e.left, helpers, depth + 1), ...pieces(e.right, helpers, depth + 1)];
  if (ts.isIdentifier(e) && depth < 4) {
    const v = helpers.valueOf(e);
    if (v !== e && (ts.isTemplateExpression(v) || ts.isStringLiteralLike(v) || (ts.isBinaryExpression(v) && v.operatorToken.kind === ts.SyntaxKind.PlusToken))) return pieces(v, helpers, depth + 1);
  }
  return [e];
}

/**
 * A path-relative reference's literal first segment, closed by `/`, `?` or `#` (`original?`,
 * `edit/`): no `:` (a scheme), no backslash, not a dot segment (see `originFixed`; `%2e` is a dot
 * there too, in any case: `.%2e/`, `%2E./` and `%2e%2e/` are `../` to a URL parser), and no space or
 * control character (a URL parser strips them at the start, which could leave a leading slash).
 */
const FIRST_SEGMENT = /^(?!(?:\.|%2e){1,2}[/?#])[^:/?#\\\s\x00-\x1f]+[/?#]/i;

/**
 * The text before a piece fixes the origin: `https://host/`, `${API}/`, a relative `/path` (not
 * `//`), a path-relative first segment `original?`, `edit/` (FIRST_SEGMENT; a bare `java` is not:
 * the value may go on `script:…`), or a dot-relative `./path`, `../path` (not `.//`). A browser
 * resolves `.//evil.example` on the site too, but only the slash rule is kept for both: a value that
 * may start with a slash is one normalisation (`./` dropped) away from `//evil.example`.
 */
function originFixed(prefix: string): boolean {
  if (FIRST_SEGMENT.test(prefix)) return true;
  const rest = prefix.replace(/^[a-z][a-z0-9+.-]*:/i, '');
  if (rest.startsWith('//')) return /^\/\/[^/?#\\]+[/?#]/.test(rest);
  if (rest.startsWith('\0')) return /^\0[/?#]/.test(rest);
  if (rest.startsWith('.')) return /^\.\.?[/\\][^/\\\0]/.test(rest);
  return /^\/[^/\\\0]/.test(rest);
}

/** `encodeURIComponent(x)` → x: in the authority an encoded value still picks the host. */
function unencoded(e: ts.Expression, helpers: Helpers): ts.Expression {
  const x = unwrap(e);
  if (ts.isCallExpression(x) && x.arguments[0]) {
    const ref = helpers.referenceOf(x.expression);
    if (ref?.kind === 'global' && (ref.name === 'encodeURIComponent' || ref.name === 'encodeURI') && ref.path.length === 0) return x.arguments[0];
  }
  return e;
}

/**
 * The expressions of a URL that choose where it goes. `path` decides whether a path segment on a
 * fixed origin counts (SSRF: yes, unless encoded; a redirect: no, it stays on the site); a value
 * after the `?` of a fixed origin never counts.
 */
export function destinationParts(expr: ts.Expression, helpers: Helpers, path: boolean): ts.Expression[] {
  let e = unwrap(expr);
  // url.href, url.toString(), String(url)
  for (let i = 0; i < 4; i++) {
    if (ts.isPropertyAccessExpression(e) && e.name.text === 'href') e = unwrap(e.expression);
    else if (ts.isCallExpression(e) && memberName(e.expression) === 'toString' && ts.isPropertyAccessExpression(unwrap(e.expression))) e = unwrap((unwrap(e.expression) as ts.PropertyAccessExpression).expression);
    else if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'String' && e.arguments[0]) e = unwrap(e.arguments[0]);
    else break;
  }
  const url = urlConstruction(e, helpers);
  if (url) {
    // new URL(input, base): an absolute input ignores the base.
    const [input, base] = url.arguments ?? [];
    if (!input) return [];
    const inputParts = destinationParts(input, helpers, path);
    const fixed = pieces(input, helpers)[0];
    // (A dot-relative or path-relative input is resolved against the base's origin and path: the base still counts.)
    return typeof fixed === 'string' && originFixed(fixed) && !fixed.startsWith('.') && !FIRST_SEGMENT.test(fixed) ? inputParts : [...inputParts, ...(base ? destinationParts(base, helpers, path) : [])];
  }
  const list = pieces(e, helpers);
  if (list.length === 1 && typeof list[0] !== 'string') return [e];
  const out: ts.Expression[] = [];
  let prefix = '';
  for (const p of list) {
    if (typeof p === 'string') {
      prefix += p;
      continue;
    }
    const fixed = originFixed(prefix);
    const inQuery = fixed && /[?#]/.test(prefix.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, ''));
    if (!fixed) out.push(unencoded(p, helpers));
    else if (path && !inQuery) out.push(p);
    prefix += '\0';
  }
  return out;
}

/** `new URL(…)` / `url.parse(…)`, directly or through a const. */
function urlConstruction(expr: ts.Expression, helpers: Helpers): ts.NewExpression | ts.CallExpression | undefined {
  const e = helpers.valueOf(expr);
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'URL') return e;
  if (ts.isCallExpression(e)) {
    const ref = helpers.referenceOf(e.expression);
    if (ref?.kind === 'module' && !ref.resolved && ref.module === 'url' && ref.path[0] === 'parse') return e;
  }
  return undefined;
}

/**
 * A value a host or origin check is about: `new URL(x).hostname` → x; `target.host` of
 * `const target = new URL(x)` → target and x; `hostname` of `const { hostname } = new URL(x)`.
 */
export function checkedUrl(expr: ts.Expression, helpers: Helpers): ts.Expression[] {
  let e = unwrap(expr);
  // `const host = new URL(x).hostname` → the member expression it holds
  if (ts.isIdentifier(e)) {
    const decl = helpers.declarationOf(e);
    if (decl && ts.isBindingElement(decl) && URL_DESTINATION.has((decl.propertyName ?? decl.name).getText()) && ts.isVariableDeclaration(decl.parent.parent) && decl.parent.parent.initializer) {
      return urlInputs(decl.parent.parent.initializer, helpers);
    }
    e = helpers.valueOf(e);
  }
  if (ts.isPropertyAccessExpression(e) && URL_DESTINATION.has(e.name.text)) return urlInputs(e.expression, helpers);
  return [];
}

function urlInputs(object: ts.Expression, helpers: Helpers): ts.Expression[] {
  const url = urlConstruction(object, helpers);
  const input = url?.arguments?.[0];
  if (!input) return [];
  const o = unwrap(object);
  // the sinks see the parts of the input (`x` of `String(x)`), so the check covers those too
  const parts = [input, ...destinationParts(input, helpers, true).flatMap(leaves)];
  return ts.isIdentifier(o) ? [o, ...parts] : parts;
}

/** The values an expression is made of (`x` of `x ?? '/'`, `String(x)`), which a guard can be keyed on. */
function leaves(expr: ts.Expression): ts.Expression[] {
  const e = unwrap(expr);
  if (ts.isBinaryExpression(e) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.PlusToken].includes(e.operatorToken.kind)) return [e, ...leaves(e.left), ...leaves(e.right)];
  if (ts.isConditionalExpression(e)) return [e, ...leaves(e.whenTrue), ...leaves(e.whenFalse)];
  if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'String' && e.arguments[0]) return [e, ...leaves(e.arguments[0])];
  return [e];
}

/** A call that checks the host or origin of a URL: `ALLOWED.includes(u.hostname)`, `u.hostname.endsWith('.corp')`, `isAllowed(u.host)`. */
export function hostCheck(call: ts.CallExpression, helpers: Helpers): ts.Expression[] {
  const callee = unwrap(call.expression);
  const out = call.arguments.flatMap((a) => checkedUrl(a, helpers));
  if (ts.isPropertyAccessExpression(callee) && ['endsWith', 'startsWith', 'includes', 'match', 'localeCompare'].includes(callee.name.text)) {
    const receiver = checkedUrl(callee.expression, helpers);
    // `u.hostname.endsWith('.example.com')`: only a literal suffix (with its dot) pins the domain.
    const arg = call.arguments[0] && helpers.staticString(call.arguments[0]);
    if (callee.name.text !== 'endsWith' || (arg && arg.startsWith('.'))) out.push(...receiver);
  }
  return out;
}

/** `u.origin === ALLOWED_ORIGIN`, `new URL(x, base).host !== req.headers.host`. */
export function originComparison(cmp: ts.BinaryExpression, helpers: Helpers): ts.Expression[] {
  return [...checkedUrl(cmp.left, helpers), ...checkedUrl(cmp.right, helpers)];
}

// ---- Outbound calls ---------------------------------------------------------------------------

/** The URL argument and options object of an outbound request call, with how to name it. */
interface Outbound {
  sink: string;
  url?: ts.Expression;
  options?: ts.Expression;
}

const isObjectLike = (e: ts.Expression | undefined, helpers: Helpers) => !!e && ts.isObjectLiteralExpression(helpers.valueOf(e));

function outboundCall(call: ts.CallExpression, helpers: Helpers): Outbound | undefined {
  const args = call.arguments;
  const [a0, a1] = args;
  if (helpers.isGlobalCall(call, 'fetch')) return { sink: 'fetch', url: a0 };
  const ref = helpers.calleeOf(call);
  if (ref?.kind === 'module' && !ref.resolved) {
    const [method = '', ...rest] = ref.path;
    if (rest.length > 0) return undefined;
    const sink = [ref.module, ...ref.path].join('.');
    if (FETCH_MODULES.has(ref.module) && (method === '' || method === 'default')) return { sink: 'fetch', url: a0 };
    if (ref.module === 'undici' && ['fetch', 'request', 'stream', 'pipeline'].includes(method)) return { sink, url: a0, options: a1 };
    if (ref.module === 'axios') {
      if (method === '' || method === 'request') return isObjectLike(a0, helpers) || (method === 'request' && a0) ? { sink, options: a0 } : { sink, url: a0, options: a1 };
      if (Object.hasOwn(AXIOS_CONFIG_AT, method)) return { sink, url: a0, options: args[AXIOS_CONFIG_AT[method] ?? 1] };
    }
    if (ref.module === 'got' && (method === '' || GOT_METHODS.has(method))) return isObjectLike(a0, helpers) ? { sink, options: a0 } : { sink, url: a0, options: a1 };
    if (ref.module === 'superagent' && (method === '' || SUPERAGENT_METHODS.has(method))) return { sink, url: method === '' && args.length >= 2 && helpers.staticString(a0) ? a1 : a0 };
    if ((ref.module === 'http' || ref.module === 'https') && (method === 'request' || method === 'get')) {
      return isObjectLike(a0, helpers) ? { sink, options: a0 } : { sink, url: a0, options: isObjectLike(a1, helpers) ? a1 : undefined };
    }
    if (ref.module === 'needle') {
      if (method === '' || method === 'request') return { sink, url: a1 };
      if (NEEDLE_METHODS.has(method)) return { sink, url: a0 };
    }
    if (REQUEST_MODULES.has(ref.module) && (method === '' || SUPERAGENT_METHODS.has(method))) return isObjectLike(a0, helpers) ? { sink, options: a0 } : { sink, url: a0, options: a1 };
    return undefined;
  }
  return clientInstanceCall(call, helpers);
}

/** `api.get(url)` on an axios/got instance: a local `axios.create(…)`, an imported one, or NestJS `this.httpService`. */
function clientInstanceCall(call: ts.CallExpression, helpers: Helpers): Outbound | undefined {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  if (!Object.hasOwn(AXIOS_CONFIG_AT, method) && !GOT_METHODS.has(method)) return undefined;
  const receiver = unwrap(callee.expression);
  const [a0] = call.arguments;
  const outbound = (): Outbound => {
    const sink = `${compactText(receiver)}.${method}`;
    return method === 'request' ? { sink, options: a0 } : { sink, url: a0, options: call.arguments[AXIOS_CONFIG_AT[method] ?? 1] };
  };
  if (isNestHttpService(receiver)) return outbound();
  const created = helpers.valueOf(receiver);
  if (ts.isCallExpression(created)) {
    const ref = helpers.calleeOf(created);
    if (ref?.kind === 'module' && !ref.resolved && ['axios.create', 'got.extend'].includes([ref.module, ...ref.path].join('.'))) return outbound();
  }
  const ref = helpers.referenceOf(receiver);
  if (ref?.kind === 'module' && ref.resolved && ref.path.length <= 1) {
    const path = !helpers.exportOf(ref) && ref.path.length === 1 ? ['default', ...ref.path] : ref.path;
    if (helpers.exportOf({ ...ref, path })?.info.httpClient) return outbound();
  }
  return undefined;
}

/** `this.httpService` (or `this.http.axiosRef`) injected as `HttpService` from @nestjs/axios. */
function isNestHttpService(receiver: ts.Expression): boolean {
  const e = ts.isPropertyAccessExpression(receiver) && receiver.name.text === 'axiosRef' ? unwrap(receiver.expression) : receiver;
  if (!ts.isPropertyAccessExpression(e) || e.expression.kind !== ts.SyntaxKind.ThisKeyword) return false;
  let cls: ts.Node | undefined = e.parent;
  while (cls && !ts.isClassLike(cls)) cls = cls.parent;
  if (!cls || !ts.isClassLike(cls)) return false;
  const ctor = cls.members.find(ts.isConstructorDeclaration);
  return !!ctor?.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === e.name.text && p.type?.getText() === 'HttpService');
}

export const urlSinks: SinkKind = {
  id: 'url',
  names: new Set(['fetch', 'request', 'get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options', 'stream', 'pipeline', 'postForm', 'putForm', 'patchForm', 'axios', 'got', 'needle', 'superagent', 'ky', 'phin']),
  match(call, helpers) {
    if (!ts.isCallExpression(call)) return undefined;
    const out = outboundCall(call, helpers);
    if (!out) return undefined;
    const args = out.url ? destinationParts(out.url, helpers, true) : [];
    if (out.options) {
      for (const key of DESTINATION_OPTIONS) {
        const p = helpers.property(out.options, key);
        if (p.kind === 'found' && p.value) args.push(...destinationParts(p.value, helpers, true));
      }
      // node:http `path` on the chosen host
      const path = helpers.property(out.options, 'path');
      if (path.kind === 'found' && path.value && /^https?\./.test(out.sink)) args.push(...destinationParts(path.value, helpers, true));
    }
    return { sink: out.sink, args };
  },
  sanitizes(call, helpers) {
    const ref = helpers.referenceOf(unwrap(call.expression));
    // A path segment or parameter encoded for a URL stays one (the authority case is unwrapped in destinationParts).
    if (ref?.kind === 'global' && ref.path.length === 0 && ref.name === 'encodeURIComponent') return true;
    // new URLSearchParams({ q }), querystring.stringify({ q }): a query string, not a destination.
    if (ref?.kind === 'global' && ref.name === 'URLSearchParams' && ts.isNewExpression(call)) return true;
    return ref?.kind === 'module' && !ref.resolved && ['querystring', 'qs', 'query-string'].includes(ref.module) && ['stringify', 'encode'].includes(ref.path[ref.path.length - 1] ?? '');
  },
  confines(call, helpers) {
    const checked = hostCheck(call, helpers);
    return checked.length > 0 ? checked : undefined;
  },
  confinesComparison(cmp, helpers) {
    const checked = originComparison(cmp, helpers);
    return checked.length > 0 ? checked : undefined;
  },
  schemaSanitizes: false,
};
