// Observability evidence of one file, for the service-level rules (require-structured-logger,
// require-health-endpoint): how often it logs through `console`, whether it switches on a logger
// that ships with the framework (Fastify's pino, NestJS's JSON ConsoleLogger), and where it
// serves a health or readiness route. Recognition leans towards "present": a health route the
// collector misses would become a false finding about the whole service.
import { ts } from '../../core/typescript.js';
import { CONSOLE_LOG_METHODS, isLoggerAdapterCall } from '../../core/matchers.js';
import { unwrap } from '../../core/references.js';
import type { CollectorFactory, EvidenceContext } from './index.js';

export interface ObservabilityEvidence {
  /** `console.log/info/warn/error/debug/trace` calls, console-backed logger methods excluded. */
  consoleCalls: number;
  /** Fastify's built-in logger (`logger: true` or options) or NestJS's `ConsoleLogger` with `json`. */
  builtInLogger: boolean;
  /** The first health, readiness or liveness route of the file, or null. */
  healthRoute: { line: number; column: number } | null;
}

/** Path segments that name a liveness/readiness probe (`/healthz`, `/api/v1/health`, `/_ping`). */
const HEALTH_SEGMENTS = new Set([
  'health', 'healthz', 'healthcheck', 'health-check', 'health_check', 'healthy', 'ready', 'readyz', 'readiness',
  'live', 'livez', 'liveness', 'alive', 'status', 'ping', 'heartbeat', 'up',
]);
/** A variable or property holding a probe path: `HEALTH_PATH`, `config.healthCheckUrl`. */
const HEALTH_NAME = /health|readiness|liveness|heartbeat/i;
const ROUTE_METHODS = new Set(['get', 'head', 'all', 'use', 'route']);
/** Route decorators: NestJS, routing-controllers, tsoa, inversify-express-utils. */
const ROUTE_DECORATOR = /^(http)?(get|head|all|controller|jsoncontroller|route)$/i;
const PATH_KEYS = new Set(['path', 'url', 'prefix']);
/** `req.url.startsWith('/health')`: a hand-rolled router's test of the path. */
const PATH_TESTS = new Set(['startsWith', 'endsWith', 'includes']);

/** `/health`, `api/readyz`, `/health/:probe` — a probe segment with no route parameter before it. */
export function isHealthPath(text: string, requireSlash: boolean): boolean {
  if (requireSlash && !text.startsWith('/') && !text.startsWith('${')) return false;
  for (const raw of text.split('?')[0]?.split('/') ?? []) {
    if (raw === '') continue;
    if (/^[:{*(]/.test(raw)) return false;
    const segment = raw.toLowerCase().replace(/^[_.]+/, '').replace(/\.\w+$/, '');
    if (HEALTH_SEGMENTS.has(segment)) return true;
  }
  return false;
}

// Kinds the visit switches on, as plain numbers (see kindTable in ../../core/scope.ts).
const CALL = ts.SyntaxKind.CallExpression;
const NEW = ts.SyntaxKind.NewExpression;
const DECORATOR = ts.SyntaxKind.Decorator;
const PROPERTY_ASSIGNMENT = ts.SyntaxKind.PropertyAssignment;
const BINARY = ts.SyntaxKind.BinaryExpression;
const CASE_CLAUSE = ts.SyntaxKind.CaseClause;
const KINDS = [CALL, NEW, DECORATOR, PROPERTY_ASSIGNMENT, BINARY, CASE_CLAUSE];

export const createObservabilityCollector: CollectorFactory = (context) => {
  const found: ObservabilityEvidence = { consoleCalls: 0, builtInLogger: false, healthRoute: null };
  const healthAt = (node: ts.Node) => {
    found.healthRoute ??= context.position(node);
  };
  return {
    kinds: KINDS,
    visit(node) {
      switch (node.kind) {
        case CALL: {
          const call = node as ts.CallExpression;
          if (isConsoleLogCall(call, context)) found.consoleCalls++;
          else if (isHealthRouteCall(call, context)) healthAt(call);
          else if (isFastifyWithLogger(call, context)) found.builtInLogger = true;
          break;
        }
        case NEW:
          if (isBuiltInLoggerConstruction(node as ts.NewExpression, context)) found.builtInLogger = true;
          break;
        case DECORATOR:
          if (isHealthDecorator(node as ts.Decorator, context)) healthAt(node);
          break;
        case PROPERTY_ASSIGNMENT:
          if (isHealthPathProperty(node as ts.PropertyAssignment, context)) healthAt(node);
          break;
        case BINARY:
        case CASE_CLAUSE:
          if (comparesWithHealthPath(node as ts.BinaryExpression | ts.CaseClause)) healthAt(node);
          break;
        default:
          break;
      }
    },
    finish(evidence) {
      evidence.observability = found;
    },
  };
};

function isConsoleLogCall(call: ts.CallExpression, context: EvidenceContext): boolean {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) && !ts.isElementAccessExpression(callee)) return false;
  // Cheap test first: this runs on every call of every file.
  const base = unwrap(callee.expression);
  if (!ts.isIdentifier(base) || (base.text !== 'console' && base.text !== 'globalThis' && base.text !== 'global')) return false;
  const ref = context.referenceOf(callee);
  return ref?.kind === 'global' && ref.name === 'console' && ref.path.length === 1 && CONSOLE_LOG_METHODS.has(ref.path[0] ?? '') && !isLoggerAdapterCall(call);
}

/** The text of a string-like path argument (`${prefix}/health` keeps its literal parts), a const it names, else undefined. */
function pathText(expr: ts.Expression, context: EvidenceContext, depth = 0): string | undefined {
  const e = unwrap(expr);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (ts.isTemplateExpression(e)) return e.head.text + e.templateSpans.map((s) => '${}' + s.literal.text).join('');
  // `/^\/health(z)?$/`: its words, slash-separated, for the segment test.
  if (ts.isRegularExpressionLiteral(e)) return '/' + (e.text.slice(1, e.text.lastIndexOf('/')).match(/[a-z_]+/gi) ?? []).join('/');
  if (ts.isIdentifier(e) && depth < 3) {
    const decl = context.scope.declarationOf(e);
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer) return pathText(decl.initializer, context, depth + 1);
  }
  return undefined;
}

/** A path argument that is a probe path, an array holding one, or a name that says so. */
function isHealthPathArgument(expr: ts.Expression | undefined, context: EvidenceContext, requireSlash: boolean): boolean {
  if (!expr) return false;
  const e = unwrap(expr);
  if (ts.isArrayLiteralExpression(e)) return e.elements.some((x) => isHealthPathArgument(x, context, requireSlash));
  const text = pathText(e, context);
  if (text !== undefined) return isHealthPath(text, requireSlash);
  const name = ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : undefined;
  return name !== undefined && HEALTH_NAME.test(name);
}

/** `app.get('/health', h)`, `router.all('/readyz', h)`, `app.use('/status', statusRouter)`, `app.route('/ping')`, `url.startsWith('/healthz')`. */
function isHealthRouteCall(call: ts.CallExpression, context: EvidenceContext): boolean {
  const callee = unwrap(call.expression);
  const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  if (method !== undefined && PATH_TESTS.has(method)) {
    const arg = call.arguments[0] && unwrap(call.arguments[0]);
    return arg !== undefined && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) && isHealthPath(arg.text, true);
  }
  if (method === undefined || !ROUTE_METHODS.has(method)) return false;
  // A route has a handler after its path (`map.get('/health')` reads a key); `route(path)` chains them.
  if (method !== 'route' && call.arguments.length < 2) return false;
  return isHealthPathArgument(call.arguments[0], context, true);
}

/** `@Controller('health')`, `@Get('readyz')`, `@Controller({ path: 'health' })`, `@httpGet('/ping')`. */
function isHealthDecorator(decorator: ts.Decorator, context: EvidenceContext): boolean {
  const call = unwrap(decorator.expression);
  if (!ts.isCallExpression(call)) return false;
  const callee = unwrap(call.expression);
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  if (name === undefined || !ROUTE_DECORATOR.test(name)) return false;
  const first = call.arguments[0] && unwrap(call.arguments[0]);
  if (first && ts.isObjectLiteralExpression(first)) {
    return first.properties.some((p) => ts.isPropertyAssignment(p) && PATH_KEYS.has(memberNameOf(p.name) ?? '') && isHealthPathArgument(p.initializer, context, false));
  }
  return isHealthPathArgument(first, context, false);
}

/**
 * `{ method: 'GET', url: '/health', handler }` (Fastify's and hapi's `route`, route tables), and
 * `exposeStatusRoute: true` (@fastify/under-pressure serves a status route).
 */
function isHealthPathProperty(property: ts.PropertyAssignment, context: EvidenceContext): boolean {
  const key = memberNameOf(property.name);
  if (key === 'exposeStatusRoute') return unwrap(property.initializer).kind !== ts.SyntaxKind.FalseKeyword;
  if (key === undefined || !PATH_KEYS.has(key)) return false;
  const text = pathText(property.initializer, context);
  return text !== undefined && isHealthPath(text, true);
}

/** `req.url === '/health'`, `case '/readyz':` — a hand-rolled node:http router. */
function comparesWithHealthPath(node: ts.BinaryExpression | ts.CaseClause): boolean {
  if (node.kind === CASE_CLAUSE) return isHealthPathLiteral((node as ts.CaseClause).expression);
  const b = node as ts.BinaryExpression;
  const op = b.operatorToken.kind;
  if (op !== EQUALS_EQUALS_EQUALS && op !== EQUALS_EQUALS) return false;
  return isHealthPathLiteral(b.left) || isHealthPathLiteral(b.right);
}

const EQUALS_EQUALS_EQUALS = ts.SyntaxKind.EqualsEqualsEqualsToken;
const EQUALS_EQUALS = ts.SyntaxKind.EqualsEqualsToken;
const STRING_LITERAL = ts.SyntaxKind.StringLiteral;
const PLAIN_TEMPLATE = ts.SyntaxKind.NoSubstitutionTemplateLiteral;

function isHealthPathLiteral(o: ts.Expression): boolean {
  const e = unwrap(o);
  return (e.kind === STRING_LITERAL || e.kind === PLAIN_TEMPLATE) && isHealthPath((e as ts.StringLiteral).text, true);
}

/** `fastify({ logger: true })`, `Fastify({ logger: envLogger })`, `require('fastify')(options)`. */
function isFastifyWithLogger(call: ts.CallExpression, context: EvidenceContext): boolean {
  // Cheap test first, by shape and name: `Fastify(…)`, `fastify.fastify(…)`, `fastify.default(…)`, `require('fastify')(…)`.
  const callee = unwrap(call.expression);
  const shaped =
    (ts.isIdentifier(callee) && /fastify/i.test(callee.text)) ||
    (ts.isCallExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'require') ||
    (ts.isPropertyAccessExpression(callee) && (callee.name.text === 'fastify' || callee.name.text === 'default'));
  if (!shaped || call.arguments.length === 0) return false;
  const ref = context.referenceOf(callee);
  if (!ref || ref.kind !== 'module' || ref.resolved || ref.module !== 'fastify') return false;
  if (!(ref.path.length === 0 || (ref.path.length === 1 && (ref.path[0] === 'fastify' || ref.path[0] === 'default')))) return false;
  return enablesOption(call.arguments[0], ['logger', 'loggerInstance'], context);
}

/** `new FastifyAdapter({ logger: true })` (NestJS on Fastify), `new ConsoleLogger({ json: true })` (NestJS 11). */
function isBuiltInLoggerConstruction(expr: ts.NewExpression, context: EvidenceContext): boolean {
  const callee = unwrap(expr.expression);
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  if (name !== 'FastifyAdapter' && name !== 'ConsoleLogger') return false;
  const ref = context.referenceOf(expr.expression);
  if (!ref || ref.kind !== 'module' || ref.resolved || ref.path.length !== 1) return false;
  const args = expr.arguments ?? [];
  if (ref.module === '@nestjs/platform-fastify' && ref.path[0] === 'FastifyAdapter') return enablesOption(args[0], ['logger'], context);
  if (ref.module === '@nestjs/common' && ref.path[0] === 'ConsoleLogger') {
    return args.some((a) => ts.isObjectLiteralExpression(unwrap(a)) && enablesOption(a, ['json'], context));
  }
  return false;
}

/**
 * An options argument that sets one of `keys` to anything but `false`. Options the file cannot
 * read (a call, an imported config, a spread without the key) count as set: the rules built on
 * this would otherwise blame a service whose logger is configured elsewhere.
 */
function enablesOption(options: ts.Expression | undefined, keys: readonly string[], context: EvidenceContext, depth = 0): boolean {
  if (!options) return false;
  const e = unwrap(options);
  if (ts.isIdentifier(e) && depth < 3) {
    const decl = context.scope.declarationOf(e);
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer) return enablesOption(decl.initializer, keys, context, depth + 1);
    return true;
  }
  if (!ts.isObjectLiteralExpression(e)) return true;
  let spread = false;
  for (const p of e.properties) {
    if (ts.isSpreadAssignment(p)) spread = true;
    const key = p.name ? memberNameOf(p.name) : undefined;
    if (key === undefined || !keys.includes(key)) continue;
    if (ts.isPropertyAssignment(p)) return unwrap(p.initializer).kind !== ts.SyntaxKind.FalseKeyword;
    return true;
  }
  return spread;
}

function memberNameOf(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}
