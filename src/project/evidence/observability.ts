// Observability evidence of one file, for the service-level rules (require-structured-logger,
// require-health-endpoint): how often it logs through `console`, whether it switches on a logger
// that ships with the framework (Fastify's pino, NestJS's JSON ConsoleLogger), and where it
// serves a health or readiness route. Recognition leans towards "present": a health route the
// collector misses would become a false finding about the whole service.
import { ts } from '../../core/typescript.js';
import { CONSOLE_LOG_METHODS, isLoggerAdapterCall } from '../../core/matchers.js';
import { hasModifier, isWritten, outermost, unwrap } from '../../core/references.js';
import type { DeclarationNode, ScopeIndex } from '../../core/scope.js';
import type { CollectorFactory, EvidenceContext } from './index.js';

export interface ObservabilityEvidence {
  /** `console.log/info/warn/error/debug/trace` calls, console-backed logger methods excluded. */
  consoleCalls: number;
  /** Fastify's built-in logger (`logger: true` or options) or NestJS's `ConsoleLogger` (or a subclass's `super(…)`) with `json`. */
  builtInLogger: boolean;
  /** The first health, readiness or liveness route of the file, or null. */
  healthRoute: { line: number; column: number } | null;
  /**
   * Exported `const` object literals of fixed messages, by export name: the properties that hold
   * fixed text (`export const ErrorMessages = { SchemaDrift: '…' }`), when nothing in the file can
   * change them (`fixedTextProperties`). A log message that interpolates one is constant text.
   */
  fixedTexts: ReadonlyMap<string, ReadonlySet<string>>;
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
const SUPER = ts.SyntaxKind.SuperKeyword;
const DECORATOR = ts.SyntaxKind.Decorator;
const PROPERTY_ASSIGNMENT = ts.SyntaxKind.PropertyAssignment;
const BINARY = ts.SyntaxKind.BinaryExpression;
const CASE_CLAUSE = ts.SyntaxKind.CaseClause;
const KINDS = [CALL, NEW, DECORATOR, PROPERTY_ASSIGNMENT, BINARY, CASE_CLAUSE];

export const createObservabilityCollector: CollectorFactory = (context) => {
  const found: ObservabilityEvidence = { consoleCalls: 0, builtInLogger: false, healthRoute: null, fixedTexts: new Map() };
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
          else if (isFastifyWithLogger(call, context) || isJsonConsoleLoggerSuper(call, context)) found.builtInLogger = true;
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
      found.fixedTexts = exportedFixedTexts(context.sourceFile, context.scope);
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
  if (ref.module === '@nestjs/common' && ref.path[0] === 'ConsoleLogger') return consoleLoggerJson(args, context);
  return false;
}

/** ConsoleLogger's arguments (`context?, options?` or `options?`) include an options literal that sets `json`. */
function consoleLoggerJson(args: readonly ts.Expression[], context: EvidenceContext): boolean {
  return args.some((a) => ts.isObjectLiteralExpression(unwrap(a)) && enablesOption(a, ['json'], context));
}

/**
 * `super(context, { json: options.json })` in the constructor of a class that extends NestJS's
 * `ConsoleLogger`: the project's logger subclass (a context prefix, colours) writes JSON when asked.
 */
function isJsonConsoleLoggerSuper(call: ts.CallExpression, context: EvidenceContext): boolean {
  if (call.expression.kind !== SUPER) return false;
  let ctor: ts.Node = call.parent;
  while (!ts.isSourceFile(ctor) && !ts.isFunctionLike(ctor)) ctor = ctor.parent;
  if (!ts.isConstructorDeclaration(ctor)) return false;
  const base = ctor.parent.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
  const ref = base && context.referenceOf(base);
  if (!ref || ref.kind !== 'module' || ref.resolved || ref.module !== '@nestjs/common' || ref.path.length !== 1 || ref.path[0] !== 'ConsoleLogger') return false;
  return consoleLoggerJson(call.arguments, context);
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

/**
 * The properties of `const X = { … }` (also `as const`, `Object.freeze({ … })`) that hold fixed text:
 * a string or a template without substitutions. Null when the literal could hold other keys or
 * change itself: a spread, a computed key, a method, an accessor or a `function` value (`this.x = …`).
 * Whether the rest of the file leaves them alone is `readOnlyBindings`.
 */
export function fixedTextProperties(decl: ts.Node): ReadonlySet<string> | null {
  if (!ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name) || !decl.initializer) return null;
  const list = decl.parent;
  if (!ts.isVariableDeclarationList(list) || !(list.flags & ts.NodeFlags.Const)) return null;
  let literal = unwrap(decl.initializer);
  if (ts.isCallExpression(literal) && literal.arguments.length === 1 && ts.isPropertyAccessExpression(literal.expression) && literal.expression.name.text === 'freeze') {
    const target = literal.expression.expression;
    if (ts.isIdentifier(target) && target.text === 'Object') literal = unwrap(literal.arguments[0]!);
  }
  if (!ts.isObjectLiteralExpression(literal)) return null;
  const keys = new Set<string>();
  for (const p of literal.properties) {
    if (!ts.isPropertyAssignment(p) && !ts.isShorthandPropertyAssignment(p)) return null;
    if (!ts.isIdentifier(p.name) && !ts.isStringLiteral(p.name)) return null;
    if (ts.isShorthandPropertyAssignment(p)) continue;
    const value = unwrap(p.initializer);
    if (ts.isFunctionExpression(value)) return null;
    if (ts.isStringLiteral(value) || ts.isNoSubstitutionTemplateLiteral(value)) keys.add(p.name.text);
    else keys.delete(p.name.text);
  }
  return keys;
}

/**
 * Of `decls`, the bindings every use of which in `root` reads one property (`X.key`, `X['key']`, not
 * written), names it in a type (`keyof typeof X`) or exports it (`export { X }`, `module.exports = { X }`,
 * `exports.Y = X`). A binding passed on (`Object.assign(X, …)`, `register(X)`) may be changed there.
 */
export function readOnlyBindings(decls: readonly DeclarationNode[], root: ts.SourceFile, scope: ScopeIndex): Set<DeclarationNode> {
  const names = new Map<string, DeclarationNode[]>();
  for (const d of decls) {
    const name = (d as { name?: ts.Node }).name;
    if (name && ts.isIdentifier(name)) names.set(name.text, [...(names.get(name.text) ?? []), d]);
  }
  const bad = new Set<DeclarationNode>();
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && names.has(n.text)) {
      const decl = scope.declarationOf(n);
      if (decl && names.get(n.text)!.includes(decl) && (decl as { name?: ts.Node }).name !== n && !isReadOrExport(n)) bad.add(decl);
    }
    ts.forEachChild(n, visit);
  };
  if (names.size > 0) visit(root);
  return new Set(decls.filter((d) => !bad.has(d)));
}

function isReadOrExport(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isExportSpecifier(p) || ts.isTypeQueryNode(p)) return true;
  // A property name (`other.X`, `{ X: 1 }`) is not a use of the binding.
  if ((ts.isPropertyAccessExpression(p) && p.name === id) || (ts.isPropertyAssignment(p) && p.name === id)) return true;
  const e = outermost(id);
  const access = e.parent;
  if ((ts.isPropertyAccessExpression(access) || ts.isElementAccessExpression(access)) && access.expression === e) return !isWritten(access);
  // module.exports = { X } / { Y: X }, exports.Y = X, module.exports.Y = X
  const holder = ts.isShorthandPropertyAssignment(access) || (ts.isPropertyAssignment(access) && access.initializer === e) ? access.parent.parent : access;
  if (!ts.isBinaryExpression(holder) || holder.operatorToken.kind !== ts.SyntaxKind.EqualsToken || !ts.isExpressionStatement(holder.parent)) return false;
  if (holder.right !== e && !(ts.isObjectLiteralExpression(holder.right) && holder.right === access.parent)) return false;
  const target = holder.left.getText().replace(/\s+/g, '');
  return holder.right === access.parent ? target === 'module.exports' : /^(module\.)?exports\.\w+$/.test(target);
}

/** The fixed-text properties of the file's exported `const` object literals, by export name. */
function exportedFixedTexts(sf: ts.SourceFile, scope: ScopeIndex): Map<string, ReadonlySet<string>> {
  const candidates = new Map<ts.Node, ReadonlySet<string>>();
  const exported: Array<{ name: string; decl: ts.VariableDeclaration }> = [];
  const local = (id: ts.Expression | undefined): ts.VariableDeclaration | undefined => {
    const d = id && ts.isIdentifier(id) ? scope.lookup(id.text, sf) : undefined;
    return d && ts.isVariableDeclaration(d) ? d : undefined;
  };
  for (const statement of sf.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        const keys = fixedTextProperties(d);
        if (keys && keys.size > 0) candidates.set(d, keys);
        if (keys && keys.size > 0 && hasModifier(statement, ts.SyntaxKind.ExportKeyword)) exported.push({ name: (d.name as ts.Identifier).text, decl: d });
      }
    } else if (ts.isExportDeclaration(statement) && !statement.moduleSpecifier && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const s of statement.exportClause.elements) {
        const d = local(s.propertyName ?? s.name);
        if (d) exported.push({ name: s.name.text, decl: d });
      }
    } else if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression) && statement.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const { left, right } = statement.expression;
      const target = left.getText().replace(/\s+/g, '');
      const value = unwrap(right);
      if (target === 'module.exports' && ts.isObjectLiteralExpression(value)) {
        for (const p of value.properties) {
          const d = ts.isShorthandPropertyAssignment(p) ? local(p.name) : ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) ? local(unwrap(p.initializer)) : undefined;
          if (d && p.name && ts.isIdentifier(p.name)) exported.push({ name: p.name.text, decl: d });
        }
      } else if (/^(module\.)?exports\.\w+$/.test(target)) {
        const d = local(value);
        if (d) exported.push({ name: target.slice(target.lastIndexOf('.') + 1), decl: d });
      }
    }
  }
  const out = new Map<string, ReadonlySet<string>>();
  const wanted = exported.filter((e) => candidates.has(e.decl));
  if (wanted.length === 0) return out;
  const readOnly = readOnlyBindings([...new Set(wanted.map((e) => e.decl))], sf, scope);
  for (const { name, decl } of wanted) if (readOnly.has(decl)) out.set(name, candidates.get(decl)!);
  return out;
}
