// cors-safe-origin: CORS set up to trust every origin while allowing credentials — `cors`,
// `@fastify/cors`, `@koa/cors` or NestJS `enableCors` with `origin: true`, an origin callback that
// allows whatever it is asked, `origin: '*'`, or a hand-written `Access-Control-Allow-Origin` that
// echoes the request's `Origin` next to `Access-Control-Allow-Credentials: true`. Any web page a
// logged-in user visits can then call the API with the user's cookies and read the answers.
// Without credentials a public `*` is a deliberate choice and is left alone.
import { ts } from '../src/core/typescript.js';
import { isDevelopmentOnly } from '../src/core/environment.js';
import type { Helpers } from '../src/core/helpers.js';
import { unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';

type Library = 'cors' | '@fastify/cors' | '@koa/cors';
type Verdict = 'reflect' | 'wildcard' | null;

const FASTIFY_CORS = new Set(['@fastify/cors', 'fastify-cors']);
const KOA_CORS = new Set(['@koa/cors', 'kcors']);

function isModule(expr: ts.Expression, helpers: Helpers, modules: ReadonlySet<string>, names: readonly string[] = []): string | undefined {
  const ref = helpers.referenceOf(expr);
  if (ref?.kind !== 'module' || ref.resolved || !modules.has(ref.module)) return undefined;
  return ref.path.length === 0 || (ref.path.length === 1 && ['default', ...names].includes(ref.path[0]!)) ? ref.module : undefined;
}

/** `true`, or a const holding it. */
function isTrue(expr: ts.Expression | undefined, helpers: Helpers): boolean {
  return !!expr && helpers.valueOf(expr).kind === ts.SyntaxKind.TrueKeyword;
}

/** `req.headers.origin`, `req.headers['origin']`, `req.get('Origin')`, `req.header('origin')`, `ctx.get('Origin')`. */
export function isRequestOrigin(expr: ts.Expression, helpers: Helpers): boolean {
  const e = unwrap(helpers.valueOf(expr));
  if ((ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) && memberText(e)?.toLowerCase() === 'origin') {
    const holder = unwrap(e.expression);
    return (ts.isPropertyAccessExpression(holder) || ts.isElementAccessExpression(holder)) && ['headers', 'header'].includes(memberText(holder) ?? '');
  }
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && ['get', 'header', 'getHeader'].includes(e.expression.name.text)) {
    return helpers.staticString(e.arguments[0])?.toLowerCase() === 'origin';
  }
  return false;
}

function memberText(e: ts.PropertyAccessExpression | ts.ElementAccessExpression): string | undefined {
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  const arg = e.argumentExpression;
  return ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg) ? arg.text : undefined;
}

/** Every value an origin function gives back: callback arguments (`cb(null, x)`) or returned values. */
function originAnswers(fn: ts.SignatureDeclaration, helpers: Helpers): ts.Expression[] | undefined {
  const callback = fn.parameters[1]?.name;
  const answers: ts.Expression[] = [];
  let refused = false;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && callback && ts.isIdentifier(callback) && ts.isIdentifier(node.expression) && helpers.declarationOf(node.expression) === callback.parent) {
      const [error, allowed] = node.arguments;
      if (error && !(error.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(error) && error.text === 'undefined'))) refused = true;
      if (allowed) answers.push(allowed);
      else refused = true;
    } else if (!callback && ts.isReturnStatement(node) && node.expression) {
      answers.push(node.expression);
    }
    // A returned value belongs to the function it is returned from; a callback can be called from anywhere.
    if (callback || !ts.isFunctionLike(node)) ts.forEachChild(node, visit);
  };
  const body = (fn as ts.FunctionLikeDeclaration).body;
  if (!body) return undefined;
  if (!callback && !ts.isBlock(body)) answers.push(body as ts.Expression);
  else visit(body);
  return refused || answers.length === 0 ? undefined : answers;
}

/** An origin function that allows every origin: `(origin, cb) => cb(null, true)`, `(ctx) => ctx.get('Origin')`. */
function allowsEveryOrigin(value: ts.Expression, helpers: Helpers, library: Library): boolean {
  let fn: ts.Node | undefined = helpers.valueOf(value);
  if (ts.isIdentifier(fn)) fn = helpers.declarationOf(fn);
  if (!fn || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn) || ts.isFunctionDeclaration(fn))) return false;
  const answers = originAnswers(fn, helpers);
  if (!answers) return false;
  const originParam = fn.parameters[0]?.name;
  return answers.every((a) => {
    const v = unwrap(a);
    if (library === '@koa/cors') return isRequestOrigin(v, helpers);
    if (isTrue(v, helpers)) return true;
    return !!originParam && ts.isIdentifier(originParam) && ts.isIdentifier(v) && helpers.declarationOf(v) === originParam.parent;
  });
}

/** What a CORS options object allows, or null when it is safe or cannot be told. */
function judgeOptions(options: ts.Expression | undefined, helpers: Helpers, library: Library): { verdict: Verdict; at?: ts.Node } {
  if (!options) return { verdict: null };
  const credentials = helpers.property(options, 'credentials');
  if (credentials.kind !== 'found' || !isTrue(credentials.value, helpers)) return { verdict: null };
  const origin = helpers.property(options, 'origin');
  if (origin.kind === 'unknown') return { verdict: null };
  if (origin.kind === 'missing') {
    // `cors`/`@fastify/cors` default to `*`; @koa/cors answers a credentialed request with the request's Origin.
    return { verdict: library === '@koa/cors' ? 'reflect' : 'wildcard' };
  }
  const value = origin.value;
  if (!value) return { verdict: null };
  if (isTrue(value, helpers) || allowsEveryOrigin(value, helpers, library)) return { verdict: 'reflect', at: origin.property };
  if (helpers.staticString(helpers.valueOf(value)) === '*') return { verdict: library === '@koa/cors' ? 'reflect' : 'wildcard', at: origin.property };
  return { verdict: null };
}

/** `name, value` pairs a header-setting call writes: `res.setHeader(n, v)`, `res.set({ n: v })`, `res.writeHead(200, { n: v })`. */
function headerWrites(call: ts.CallExpression, helpers: Helpers): Array<{ name: string; value: ts.Expression; node: ts.Node }> {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !['setHeader', 'header', 'set', 'headers', 'writeHead', 'append'].includes(callee.name.text)) return [];
  const [first, second] = call.arguments;
  const name = helpers.staticString(first);
  if (name !== undefined && second) return [{ name: name.toLowerCase(), value: second, node: call }];
  const object = callee.name.text === 'writeHead' ? second : first;
  const literal = object && unwrap(object);
  if (!literal || !ts.isObjectLiteralExpression(literal)) return [];
  return literal.properties.flatMap((p) =>
    ts.isPropertyAssignment(p) && (ts.isStringLiteral(p.name) || ts.isIdentifier(p.name)) ? [{ name: p.name.text.toLowerCase(), value: p.initializer, node: p }] : [],
  );
}

/** An `if`/`?:` in `fn` whose condition checks the origin against something (an allow-list lookup, a comparison). */
function checksOrigin(fn: ts.Node, helpers: Helpers): boolean {
  let found = false;
  const inCondition = (cond: ts.Node): void => {
    if (found) return;
    if (ts.isExpression(cond) && isRequestOrigin(cond, helpers)) {
      const parent = cond.parent;
      const truthiness = ts.isPrefixUnaryExpression(parent) || ts.isIfStatement(parent) || ts.isConditionalExpression(parent) ||
        (ts.isBinaryExpression(parent) && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken].includes(parent.operatorToken.kind));
      if (!truthiness) found = true;
      return;
    }
    ts.forEachChild(cond, inCondition);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isIfStatement(node) || ts.isConditionalExpression(node)) inCondition(ts.isIfStatement(node) ? node.expression : node.condition);
    if (!found) ts.forEachChild(node, visit);
  };
  visit(fn);
  return found;
}

export default defineFileRule({
  id: 'cors-safe-origin',
  category: 'security',
  severity: 'high',
  recommended: true,
  cwe: [942],
  defaultOptions: {},
  messages: {
    reflect:
      '{{library}} allows credentials and accepts every origin ({{how}}): any website can call this API with a logged-in user\'s cookies and read the response — list the allowed origins (`origin: [\'https://app.example.com\']`)',
    wildcard:
      '{{library}} sets `origin: \'*\'` together with `credentials: true`: browsers refuse credentialed requests to `*`, and reflecting the origin to "fix" it would open the API to every site — list the allowed origins',
    header:
      '`Access-Control-Allow-Origin` echoes the request\'s `Origin` while `Access-Control-Allow-Credentials` is `true`: any website can call this API with a logged-in user\'s cookies — check the origin against an allow-list first',
  },
  docs: {
    description: 'Disallow CORS that allows credentials from every origin (reflected `Origin`, `origin: true`, or `*` with credentials).',
    why:
      'With `credentials: true` the browser sends the user\'s cookies on cross-origin requests and lets the calling page read the answer, but only ' +
      'for origins the server names. `origin: true`, an origin callback that always says yes, and a hand-written header that copies the request\'s ' +
      '`Origin` name every origin, so any page the user visits can act as the user and read their data (CSRF with read access). ' +
      '`origin: \'*\'` with credentials is rejected by browsers, and the usual workaround is exactly that reflection.',
    fix: 'Name the origins that may send credentials: `cors({ origin: [\'https://app.example.com\'], credentials: true })`, or check the origin against an allow-list in the callback. A public API without cookies can keep `origin: \'*\'` and drop `credentials`.',
    sites: 'CORS configurations',
    examples: {
      invalid: [
        {
          filename: 'src/app.ts',
          code:
            "import express from 'express';\nimport cors from 'cors';\n\nexport const app = express();\n" +
            "app.use(cors({ origin: true, credentials: true }));\n",
        },
      ],
      valid: [
        {
          filename: 'src/app.ts',
          code:
            "import express from 'express';\nimport cors from 'cors';\n\nexport const app = express();\n" +
            "app.use(cors({ origin: ['https://shop.example.com', 'https://admin.example.com'], credentials: true }));\n",
        },
      ],
    },
  },
  create(context) {
    const { helpers } = context;
    if (context.file.roles.has('test') || context.file.roles.has('browser')) return {};
    const reportOptions = (call: ts.CallExpression, options: ts.Expression | undefined, library: Library, label = `\`${library}\``) => {
      context.countSite(call);
      const { verdict, at } = judgeOptions(options, helpers, library);
      if (!verdict) return;
      const how = !at ? 'no `origin`, so the caller\'s own Origin is echoed' : ts.isPropertyAssignment(at) && isTrue(at.initializer, helpers) ? '`origin: true`' : ts.isPropertyAssignment(at) && helpers.staticString(helpers.valueOf(at.initializer)) === '*' ? '`origin: \'*\'`, which it turns into the caller\'s Origin' : 'an origin function that says yes to every origin';
      // A permissive set-up that only runs in development (`if (!isProduction)`) is not what ships.
      if (isDevelopmentOnly(call)) return;
      context.report({ node: at ?? call, messageId: verdict, data: { library: label, how } });
    };
    // Hand-written headers: collected per function, judged when the function ends.
    const reflected = new Map<ts.Node, ts.Node[]>();
    const credentialed = new Set<ts.Node>();
    const fnOf = (node: ts.Node) => helpers.enclosingFunction(node) ?? context.file.sourceFile;
    return {
      CallExpression(call: ts.CallExpression) {
        const callee = call.expression;
        const [first, second] = call.arguments;
        // cors(options) / @koa/cors(options)
        if (isModule(callee, helpers, new Set(['cors']))) return reportOptions(call, first, 'cors');
        if (isModule(callee, helpers, KOA_CORS)) return reportOptions(call, first, '@koa/cors');
        if (ts.isPropertyAccessExpression(callee)) {
          const method = callee.name.text;
          // fastify.register(fastifyCors, options)
          if (method === 'register' && first && isModule(first, helpers, FASTIFY_CORS, ['fastifyCors'])) return reportOptions(call, second, '@fastify/cors');
          // NestJS: app.enableCors(options)
          if (method === 'enableCors' && call.arguments.length <= 1) return reportOptions(call, first, 'cors', '`app.enableCors`');
          // NestJS: NestFactory.create(AppModule, { cors: options })
          if (method === 'create' && helpers.isCallTo(call, '@nestjs/core', 'NestFactory', 'create')) {
            const cors = helpers.property(call.arguments[1], 'cors');
            if (cors.kind === 'found' && cors.value && !isTrue(cors.value, helpers)) reportOptions(call, cors.value, 'cors', 'the `cors` option of `NestFactory.create`');
            else if (cors.kind === 'found') context.countSite(call);
            return;
          }
        }
        for (const write of headerWrites(call, helpers)) {
          if (write.name === 'access-control-allow-origin' && isRequestOrigin(write.value, helpers)) {
            const fn = fnOf(call);
            reflected.set(fn, [...(reflected.get(fn) ?? []), write.node]);
          } else if (write.name === 'access-control-allow-credentials' && (isTrue(write.value, helpers) || helpers.staticString(write.value) === 'true')) {
            credentialed.add(fnOf(call));
          }
        }
      },
      'SourceFile:exit'() {
        for (const [fn, nodes] of reflected) {
          for (const node of nodes) context.countSite(node);
          if (!credentialed.has(fn) || checksOrigin(fn, helpers)) continue;
          for (const node of nodes) context.report({ node, messageId: 'header' });
        }
      },
    };
  },
});
