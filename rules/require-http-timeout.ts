// require-http-timeout: outbound HTTP calls that can wait forever — fetch/undici without a
// `signal`, axios and got without a `timeout` on the call or on the client instance (resolved
// across files), superagent chains without `.timeout()`, node:http requests without a timeout
// and needle without a response timeout. A dependency that stops answering then holds sockets,
// memory and the caller's own request open until the process is restarted.
import { relative } from 'node:path';
import { ts } from '../src/core/typescript.js';
import type { Helpers } from '../src/core/helpers.js';
import { AXIOS_CONFIG_AT, isClientRequest } from '../src/core/http-clients.js';
import { memberName, unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';
import { compactText } from '../src/core/text.js';
import type { ReportDescriptor, RuleContext, TextEdit } from '../src/core/types.js';
import { addArgumentEdit, addPropertyEdit } from '../src/core/edits.js';
import { httpClientCreation, timeoutOption, type HttpClientInfo, type TimeoutState } from '../src/project/modules.js';

type Ctx = RuleContext<Record<string, unknown>>;
type Report = Omit<ReportDescriptor, 'node'>;

const SIGNAL = 'signal: AbortSignal.timeout(10_000)';
const FETCH_MODULES: Record<string, string> = { 'node-fetch': '', 'cross-fetch': '', undici: 'fetch' };
/** axios method → index of its config argument. */
const SUPERAGENT_METHODS = new Set(['get', 'post', 'put', 'patch', 'del', 'delete', 'head', 'options']);
const NEEDLE_OPTIONS_AT: Record<string, number> = { get: 1, head: 1, post: 2, put: 2, patch: 2, delete: 2 };
const has = (table: Record<string, unknown>, key: string) => Object.hasOwn(table, key);
const URL_NAME = /(url|uri|href|endpoint|link)$/i;

/** What an options expression says about `keys`, following a const to its object literal. */
function optionState(options: ts.Expression | undefined, keys: readonly string[], helpers: Helpers): TimeoutState {
  if (!options) return 'missing';
  const value = helpers.valueOf(options);
  return ts.isObjectLiteralExpression(value) ? timeoutOption(value, keys) : 'unknown';
}

/** An argument that is clearly a URL (string, template, `new URL`, a name ending in url). */
function isUrlLike(arg: ts.Expression, helpers: Helpers): boolean {
  const e = helpers.valueOf(arg);
  if (ts.isStringLiteralLike(e) || ts.isTemplateExpression(e) || ts.isBinaryExpression(e)) return true;
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'URL') return true;
  if (ts.isCallExpression(e) && memberName(e.expression) === 'toString') return true;
  const name = ts.isIdentifier(e) ? e.text : memberName(e);
  return name !== undefined && URL_NAME.test(name);
}

const isFunction = (e: ts.Expression) => ts.isArrowFunction(unwrap(e)) || ts.isFunctionExpression(unwrap(e));

/** Walks up `x(…).a(…).b(…)` from a call; true when one of the chained calls is `.method(…)`. */
function chainCalls(node: ts.Expression, method: string): boolean {
  let n: ts.Node = node;
  while (ts.isPropertyAccessExpression(n.parent) && n.parent.expression === n && ts.isCallExpression(n.parent.parent)) {
    if (n.parent.name.text === method) return true;
    n = n.parent.parent;
  }
  return false;
}

/** The request (or its chain) is kept in a variable, to be configured on later lines. */
function isStored(call: ts.Expression): boolean {
  let top: ts.Node = call;
  while (ts.isPropertyAccessExpression(top.parent) && ts.isCallExpression(top.parent.parent)) top = top.parent.parent;
  return ts.isVariableDeclaration(top.parent) && top.parent.initializer === top;
}

/** Every value assigned to each field of a class (declarations and `this.x = …`), collected once per class. */
const fieldValuesByClass = new WeakMap<ts.ClassLikeDeclaration, Map<string, ts.Expression[]>>();

/** The object a `this.<field>` refers to: every value assigned to the field in its class. */
function classFieldValues(access: ts.PropertyAccessExpression): ts.Expression[] {
  let cls: ts.Node | undefined = access.parent;
  while (cls && !ts.isClassLike(cls)) cls = cls.parent;
  if (!cls || !ts.isClassLike(cls)) return [];
  let fields = fieldValuesByClass.get(cls);
  if (!fields) {
    const collected = new Map<string, ts.Expression[]>();
    const add = (name: string, value: ts.Expression) => collected.set(name, [...(collected.get(name) ?? []), value]);
    const visit = (n: ts.Node): void => {
      if (ts.isPropertyDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) add(n.name.text, n.initializer);
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        const left = unwrap(n.left);
        if (ts.isPropertyAccessExpression(left) && left.expression.kind === ts.SyntaxKind.ThisKeyword) add(left.name.text, n.right);
      }
      ts.forEachChild(n, visit);
    };
    visit(cls);
    fields = collected;
    fieldValuesByClass.set(cls, fields);
  }
  return fields.get(access.name.text) ?? [];
}

/** A client instance: where it is created (for the message) and the method called on it (`''` for `api(config)`). */
interface Instance extends HttpClientInfo { where: string; method: string }

/** An axios/got instance the call runs on: a local, a `this.` field, or an import resolved across files. */
function instanceOf(callee: ts.Expression, { helpers, project, file }: Ctx): Instance | undefined {
  const e = unwrap(callee);
  const creation = (value: ts.Expression) => httpClientCreation(helpers.valueOf(value), helpers.scope, helpers.resolveSpecifier);
  const instance = (info: HttpClientInfo, defaults: boolean, where: string, method = ''): Instance => {
    const timeout = info.timeout === 'missing' && (defaults || (info.library === 'axios' && project.axiosDefaultTimeout)) ? 'set' : info.timeout;
    return { library: info.library, timeout, where, method };
  };
  // this.http.get(…) / this.http(…)
  const isThis = (x: ts.Expression) => x.kind === ts.SyntaxKind.ThisKeyword;
  const field = ts.isPropertyAccessExpression(e) && isThis(e.expression) ? e : ts.isPropertyAccessExpression(e) && ts.isPropertyAccessExpression(e.expression) && isThis(e.expression.expression) ? e.expression : undefined;
  if (field) {
    const infos = classFieldValues(field).map(creation);
    const first = infos[0];
    if (!first || infos.some((i) => i?.library !== first.library)) return undefined;
    const timeout = (['missing', 'unknown', 'set'] as const).find((t) => infos.some((i) => i?.timeout === t)) ?? 'set';
    return instance({ library: first.library, timeout }, false, file.relPath, field === e ? '' : memberName(e));
  }
  const ref = helpers.referenceOf(e);
  if (ref?.kind === 'local' && ref.path.length <= 1 && ts.isVariableDeclaration(ref.declaration) && ref.declaration.initializer) {
    const info = creation(ref.declaration.initializer);
    return info ? instance(info, project.hasDefaultsTimeout(file.path, ref.name), file.relPath, ref.path[0]) : undefined;
  }
  if (ref?.kind !== 'module' || !ref.resolved || ref.path.length > 2) return undefined;
  // `const crm = require('./crm')` reads module.exports, which the facts record as `default`.
  const path = !helpers.exportOf(ref) && ref.path.length === 1 ? ['default', ...ref.path] : ref.path;
  const hit = helpers.exportOf({ ...ref, path });
  if (!hit?.info.httpClient) return undefined;
  const defaults = project.hasDefaultsTimeout(hit.file, hit.name) || project.hasDefaultsTimeout(hit.file, `export:${hit.name}`);
  return instance(hit.info.httpClient, defaults, relative(project.root, hit.file).split('\\').join('/'), path[1]);
}

/** The config argument of an axios-style call (`axios(url, config)`, `axios(config)`, `api.post(url, data, config)`). */
function axiosConfig(call: ts.CallExpression, method: string, helpers: Helpers): ts.Expression | undefined {
  const args = call.arguments;
  if (method !== '') return args[AXIOS_CONFIG_AT[method] ?? 1];
  if (args.length >= 2 || !args[0]) return args[1];
  return isUrlLike(args[0], helpers) ? undefined : args[0];
}

/** got(url, options) / got(options) / got.get(url, options). */
function gotOptions(call: ts.CallExpression, helpers: Helpers): ts.Expression | undefined {
  const [first, second] = call.arguments;
  return second ?? (first && !isUrlLike(first, helpers) ? first : undefined);
}

/** fetch/undici: a finding unless the init object (or a `Request` it is given) can carry a signal. */
function checkFetch(call: ts.CallExpression, extraKeys: string[], helpers: Helpers): Report | null {
  const [input, init] = call.arguments;
  if (!input) return null;
  const req = helpers.valueOf(input);
  // `fetch(request)`: a Request object can carry its own signal.
  const name = ts.isIdentifier(req) ? req.text : memberName(req);
  if (!init && (ts.isNewExpression(req) ? !ts.isIdentifier(req.expression) || req.expression.text !== 'URL' : name !== undefined && /^req$|request$/i.test(name))) return null;
  if (optionState(init, ['signal', ...extraKeys], helpers) !== 'missing') return null;
  const literal = init && unwrap(init);
  let edit: TextEdit | undefined;
  if (!init) edit = addArgumentEdit(input, `{ ${SIGNAL} }`);
  else if (literal && ts.isObjectLiteralExpression(literal)) edit = addPropertyEdit(literal, SIGNAL);
  return { messageId: 'fetch', suggest: edit ? [{ messageId: 'addSignal', edits: [edit] }] : undefined };
}

/** http(s).request/get: options `timeout`/`signal`, or a `.setTimeout(…)` on the request (chained or in the same function). */
function checkNodeHttp(call: ts.CallExpression, helpers: Helpers): Report | null {
  for (const arg of call.arguments.slice(0, 2)) {
    if (!isFunction(arg) && !isUrlLike(arg, helpers) && optionState(arg, ['timeout', 'signal'], helpers) !== 'missing') return null;
  }
  if (chainCalls(call, 'setTimeout') || schedulesTimeout(helpers.enclosingFunction(call) ?? call.getSourceFile(), 'setTimeout')) return null;
  return { messageId: 'nodeHttp' };
}

/** `x.<method>(…)` (`req.setTimeout`, `socket.setTimeout`, `req.timeout`) or a timer that destroys or aborts, inside `scope`. */
function schedulesTimeout(scope: ts.Node, method: string): boolean {
  let found = false;
  const visit = (n: ts.Node, inTimer: boolean): void => {
    if (found) return;
    if (ts.isCallExpression(n)) {
      const name = memberName(n.expression);
      if (name === method || (inTimer && (name === 'destroy' || name === 'abort'))) found = true;
      if (ts.isIdentifier(n.expression) && n.expression.text === 'setTimeout') inTimer = true;
    }
    ts.forEachChild(n, (c) => visit(c, inTimer));
  };
  visit(scope, false);
  return found;
}

function checkNeedle(call: ts.CallExpression, method: string, helpers: Helpers): Report | null {
  const args = call.arguments;
  const at = method === '' || method === 'request' ? (args[3] && !isFunction(args[3]) ? 3 : 2) : (NEEDLE_OPTIONS_AT[method] ?? 1);
  const options = args[at] && !isFunction(args[at]) ? args[at] : undefined;
  return optionState(options, ['response_timeout', 'read_timeout'], helpers) === 'missing' ? { messageId: 'needle' } : null;
}

/** Classifies a call: null when it is not an outbound HTTP call, else the finding (or null inside) to report, without the callee's text. */
function check(call: ts.CallExpression, context: Ctx): { report: Report | null } | null {
  const { helpers, project } = context;
  if (helpers.isGlobalCall(call, 'fetch')) return { report: checkFetch(call, [], helpers) };
  const ref = helpers.calleeOf(call);
  if (ref?.kind === 'module' && !ref.resolved) {
    const [method = '', ...rest] = ref.path;
    if (rest.length > 0) return null;
    if (has(FETCH_MODULES, ref.module) && FETCH_MODULES[ref.module] === method) return { report: checkFetch(call, [], helpers) };
    if (ref.module === 'undici' && method === 'request') return { report: checkFetch(call, ['headersTimeout', 'bodyTimeout'], helpers) };
    if (ref.module === 'axios' && isClientRequest('axios', method)) {
      const state = optionState(axiosConfig(call, method, helpers), ['timeout', 'signal'], helpers);
      return { report: state === 'missing' && !project.axiosDefaultTimeout ? { messageId: 'call', data: { option: '{ timeout }' } } : null };
    }
    if (ref.module === 'got' && isClientRequest('got', method)) {
      const state = optionState(gotOptions(call, helpers), ['timeout', 'signal'], helpers);
      return { report: state === 'missing' ? { messageId: 'call', data: { option: '{ timeout: { request: ms } }' } } : null };
    }
    if (ref.module === 'superagent' && (method === '' || SUPERAGENT_METHODS.has(method))) {
      // A `.timeout(…)` in the chain, or on the variable the request is kept in.
      const set = chainCalls(call, 'timeout') || (isStored(call) && schedulesTimeout(helpers.enclosingFunction(call) ?? call.getSourceFile(), 'timeout'));
      return { report: set ? null : { messageId: 'superagent' } };
    }
    if ((ref.module === 'http' || ref.module === 'https') && (method === 'request' || method === 'get')) return { report: checkNodeHttp(call, helpers) };
    if (ref.module === 'needle' && (method === '' || method === 'request' || has(NEEDLE_OPTIONS_AT, method))) return { report: checkNeedle(call, method, helpers) };
    return null;
  }
  const instance = instanceOf(call.expression, context);
  if (!instance) return null;
  const { library, method } = instance;
  if (!isClientRequest(library, method)) return null;
  const options = library === 'axios' ? axiosConfig(call, method, helpers) : gotOptions(call, helpers);
  const state = optionState(options, ['timeout', 'signal'], helpers);
  if (state !== 'missing' || instance.timeout !== 'missing') return { report: null };
  return { report: { messageId: 'instance', data: { article: library === 'axios' ? 'an' : 'a', library, where: instance.where, factory: library === 'axios' ? 'axios.create' : 'got.extend' } } };
}

export default defineFileRule({
  id: 'require-http-timeout',
  category: 'resilience',
  severity: 'high',
  recommended: true,
  hasSuggestions: true,
  defaultOptions: {},
  messages: {
    call: '`{{callee}}` has no timeout: pass `{{option}}` or create the client with one',
    instance: '`{{callee}}` runs on {{article}} {{library}} instance created without a timeout ({{where}}): set `timeout` in `{{factory}}`',
    fetch: '`{{callee}}` has no `signal`: pass `signal: AbortSignal.timeout(ms)`',
    nodeHttp: '`{{callee}}` has no timeout: pass `{ timeout }` in the options or call `.setTimeout(ms, …)` on the request',
    superagent: '`{{callee}}` has no `.timeout(…)` in its chain: add `.timeout({ response: ms, deadline: ms })`',
    needle: '`{{callee}}` has no `response_timeout`: pass `{ response_timeout: ms }` (needle waits forever for a response by default)',
    addSignal: 'Abort after 10 s: add `signal: AbortSignal.timeout(10_000)`',
  },
  docs: {
    description: 'Require a timeout (or abort signal) on every outbound HTTP call.',
    why:
      'axios, got, superagent, needle and node:http wait for a response forever by default, and fetch (undici) gives up ' +
      "only after five minutes. When a dependency stops answering instead of failing, each call holds a socket, memory and " +
      "the caller's own request open; the pool fills, latency climbs and the service stops answering too, so one slow " +
      'dependency takes the whole service down.',
    fix:
      'Pass `signal: AbortSignal.timeout(ms)` to fetch; set `timeout` on the shared client (`axios.create({ timeout })`, ' +
      '`got.extend({ timeout: { request: ms } })`) or on the call; add `.timeout(…)` to superagent chains and `timeout` ' +
      'or `.setTimeout(…)` to node:http requests.',
    sites: 'outbound HTTP calls',
    examples: {
      invalid: [
        {
          filename: 'src/services/inventory.service.ts',
          code:
            "import axios from 'axios';\n\n" +
            'export async function getStockLevel(sku: string) {\n' +
            '  const { data } = await axios.get(`${process.env.INVENTORY_URL}/stock/${sku}`);\n  return data;\n}\n',
        },
        {
          filename: 'src/services/notification.service.ts',
          code:
            'export async function sendEmail(to: string, template: string) {\n' +
            "  await fetch(`${process.env.NOTIFY_URL}/emails`, { method: 'POST', body: JSON.stringify({ to, template }) });\n}\n",
        },
      ],
      valid: [
        {
          filename: 'src/lib/http.ts',
          code:
            "import axios from 'axios';\n\n" +
            'export const paymentsClient = axios.create({ baseURL: process.env.PAYMENTS_URL, timeout: 5000 });\n\n' +
            'export async function getCharge(id: string) {\n  return (await paymentsClient.get(`/charges/${id}`)).data;\n}\n',
        },
        {
          filename: 'src/services/notification.service.ts',
          code:
            'export async function sendEmail(to: string, template: string) {\n' +
            "  await fetch(`${process.env.NOTIFY_URL}/emails`, {\n    method: 'POST',\n    body: JSON.stringify({ to, template }),\n" +
            '    signal: AbortSignal.timeout(3000),\n  });\n}\n',
        },
        { filename: 'src/services/inventory.service.test.ts', code: "import axios from 'axios';\n\nawait axios.get('http://localhost:3000/stock/sku-1');\n" },
      ],
    },
  },
  create(context) {
    const { roles } = context.file;
    // Tests call local servers and browser code runs under the browser's own limits.
    if (roles.has('test') || roles.has('browser')) return {};
    return {
      CallExpression(call: ts.CallExpression) {
        const site = check(call, context);
        if (!site) return;
        context.countSite(call);
        // The callee as written is quoted by every message: made only for a finding.
        if (site.report) context.report({ node: call, ...site.report, data: { callee: compactText(call.expression), ...site.report.data } });
      },
    };
  },
});
