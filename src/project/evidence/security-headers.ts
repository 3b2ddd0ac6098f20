// Security-header evidence: which web framework apps a file creates, and whether it installs
// helmet (koa-helmet, @fastify/helmet), sets security headers itself (or through lusca or single
// helmet middlewares), or turns Express's `X-Powered-By` off. `require-security-headers` judges
// a service from the evidence of the files its entry point loads.
import { ts } from '../../core/typescript.js';
import { unwrap } from '../../core/references.js';
import type { Reference } from '../../core/types.js';
import type { CollectorFactory } from './index.js';
import { mentions } from './mentions.js';

export type WebFramework = 'Express' | 'Koa' | 'Fastify' | 'NestJS' | 'NestJS (Fastify)';

export interface SecurityHeadersEvidence {
  /** Web framework apps created in this file. */
  apps: Array<{ framework: WebFramework; line: number; column: number }>;
  /** `helmet()` (or koa-helmet) is called, or @fastify/helmet is registered. */
  helmet: boolean;
  /** Security headers (lowercase names) set by hand, by lusca or by a single helmet middleware. */
  headers: string[];
  /** `app.disable('x-powered-by')`, `app.set('x-powered-by', false)` or `res.removeHeader('X-Powered-By')`. */
  poweredByOff: boolean;
}

/** Security headers a service can set itself, by lowercase name. */
export const SECURITY_HEADERS: ReadonlySet<string> = new Set([
  'content-security-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-frame-options',
  'referrer-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
]);

/** What single middlewares of helmet/koa-helmet and lusca set. */
const MIDDLEWARE_HEADERS: Record<string, string> = {
  contentSecurityPolicy: 'content-security-policy',
  csp: 'content-security-policy',
  hsts: 'strict-transport-security',
  strictTransportSecurity: 'strict-transport-security',
  noSniff: 'x-content-type-options',
  nosniff: 'x-content-type-options',
  xContentTypeOptions: 'x-content-type-options',
  frameguard: 'x-frame-options',
  xframe: 'x-frame-options',
  xFrameOptions: 'x-frame-options',
  referrerPolicy: 'referrer-policy',
};

const HELMETS = new Set(['helmet', 'koa-helmet']);
const LUSCA = new Set(['lusca']);
const FASTIFY_HELMETS = new Set(['@fastify/helmet', 'fastify-helmet']);
/** Every package whose reference the collector tests names one of these (see ./mentions.ts). */
const PACKAGE_NAMES = ['express', 'routing-controllers', 'koa', 'fastify', '@nestjs/core', 'helmet', 'lusca'];
const ALL_KINDS = [ts.SyntaxKind.NewExpression, ts.SyntaxKind.CallExpression];
const CALLS = [ts.SyntaxKind.CallExpression];
const HEADER_METHODS = new Set(['setHeader', 'header', 'set', 'headers', 'append', 'writeHead']);

function isPackage(ref: Reference | null, modules: ReadonlySet<string>): ref is Extract<Reference, { kind: 'module' }> {
  return ref?.kind === 'module' && !ref.resolved && modules.has(ref.module);
}

function stringOf(expr: ts.Expression | undefined): string | undefined {
  const e = expr && unwrap(expr);
  return e && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) ? e.text : undefined;
}

/** Header names a `res.setHeader(n, v)` / `res.set({ n: v })` / `res.writeHead(200, { n: v })` call writes. */
export function writtenHeaderNames(call: ts.CallExpression): string[] {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !HEADER_METHODS.has(callee.name.text)) return [];
  const [first, second] = call.arguments;
  const name = stringOf(first);
  if (name !== undefined) return second ? [name.toLowerCase()] : [];
  const object = callee.name.text === 'writeHead' ? second : first;
  const literal = object && unwrap(object);
  if (!literal || !ts.isObjectLiteralExpression(literal)) return [];
  return literal.properties.flatMap((p) => (ts.isPropertyAssignment(p) && (ts.isStringLiteral(p.name) || ts.isIdentifier(p.name)) ? [p.name.text.toLowerCase()] : []));
}

export const securityHeadersCollector: CollectorFactory = (context) => {
  const found: SecurityHeadersEvidence = { apps: [], helmet: false, headers: [], poweredByOff: false };
  const headers = new Set<string>();
  const app = (framework: WebFramework, node: ts.Node) => found.apps.push({ framework, ...context.position(node) });

  const creation = (node: ts.CallExpression | ts.NewExpression, ref: Reference | null) => {
    if (ref?.kind !== 'module' || ref.resolved) return;
    const path = ref.path.join('.');
    if (ref.module === 'express' && path === '') app('Express', node);
    else if (ref.module === 'routing-controllers' && path === 'createExpressServer') app('Express', node);
    else if (ref.module === 'koa' && ['', 'default', 'Koa'].includes(path)) app('Koa', node);
    else if (ref.module === 'fastify' && ['', 'default', 'fastify'].includes(path) && ts.isCallExpression(node)) app('Fastify', node);
    else if (ref.module === '@nestjs/core' && path === 'NestFactory.create') {
      const adapter = node.arguments?.[1] && unwrap(node.arguments[1]);
      const fastify = !!adapter && ts.isNewExpression(adapter) && isPackage(context.referenceOf(adapter.expression), new Set(['@nestjs/platform-fastify']));
      app(fastify ? 'NestJS (Fastify)' : 'NestJS', node);
    }
  };

  // The app creations, helmet, lusca and @fastify/helmet are references to packages: a file that
  // names none of them has none (the headers set by hand are looked for in every file).
  const packages = mentions(context.sourceFile, PACKAGE_NAMES);
  // @fastify/helmet and fastify-helmet are looked for among every call's arguments: only in a file that names one.
  const fastifyHelmets = packages && mentions(context.sourceFile, ['helmet']);
  return {
    kinds: packages ? ALL_KINDS : CALLS,
    visit(node) {
      if (ts.isNewExpression(node)) return creation(node, context.referenceOf(node.expression));
      if (!ts.isCallExpression(node)) return;
      if (packages) {
        const ref = context.referenceOf(node.expression);
        creation(node, ref);
        // helmet() / helmet.hsts() / lusca({ xframe, nosniff }) / lusca.xframe()
        if (isPackage(ref, HELMETS)) {
          if (ref.path.length === 0 || (ref.path.length === 1 && ref.path[0] === 'default')) found.helmet = true;
          else if (ref.path.length === 1 && MIDDLEWARE_HEADERS[ref.path[0]!]) headers.add(MIDDLEWARE_HEADERS[ref.path[0]!]!);
        }
        if (isPackage(ref, LUSCA)) {
          const options = node.arguments[0] && unwrap(node.arguments[0]);
          if (ref.path.length === 0 && options && ts.isObjectLiteralExpression(options)) {
            for (const p of options.properties) if (p.name && ts.isIdentifier(p.name) && MIDDLEWARE_HEADERS[p.name.text]) headers.add(MIDDLEWARE_HEADERS[p.name.text]!);
          } else if (ref.path.length === 1 && MIDDLEWARE_HEADERS[ref.path[0]!]) headers.add(MIDDLEWARE_HEADERS[ref.path[0]!]!);
        }
        // fastify.register(helmet, …) / app.register(fastifyHelmet)
        if (fastifyHelmets && node.arguments.some((a) => isPackage(context.referenceOf(a), FASTIFY_HELMETS))) found.helmet = true;
      }
      for (const name of writtenHeaderNames(node)) if (SECURITY_HEADERS.has(name)) headers.add(name);
      const callee = unwrap(node.expression);
      if (ts.isPropertyAccessExpression(callee) && stringOf(node.arguments[0])?.toLowerCase() === 'x-powered-by') {
        const method = callee.name.text;
        const second = node.arguments[1] && unwrap(node.arguments[1]);
        if (method === 'disable' || method === 'removeHeader' || (method === 'set' && second?.kind === ts.SyntaxKind.FalseKeyword)) found.poweredByOff = true;
      }
    },
    finish(evidence) {
      found.headers = [...headers].sort();
      evidence.securityHeaders = found;
    },
  };
};
