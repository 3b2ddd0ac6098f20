// Logger knowledge shared by the facts pass and the observability rules: which expressions create a
// pino/winston/bunyan/log4js/NestJS logger (and what their options say about redaction and error
// keys), and which calls are log calls on such a logger, in this file or through a project module
// that exports one. Library semantics that rules rely on are recorded here, once.
import { ts } from './typescript.js';
import { memberName, unwrap } from './references.js';
import type { ProjectFacts } from '../project/facts.js';
import type { Reference } from './types.js';
import { memoOn } from '../project/memo.js';

/** `console`: a project logger whose methods print with console (colours, prefixes), not a structured one. */
export type LoggerLibrary = 'pino' | 'winston' | 'bunyan' | 'log4js' | 'nestjs' | 'console';

export interface LoggerInfo {
  library: LoggerLibrary;
  /** A project class that wraps a library logger: its methods decide how arguments are used. */
  wrapper: boolean;
  /** pino `redact` paths of the creation options; null when none; 'unknown' when not written out. */
  redact: readonly string[] | 'unknown' | null;
  /** pino keys whose Error values are serialised with their stack (`err`, `errorKey`, custom serializers). */
  errorKeys: readonly string[] | 'unknown';
  /** pino `hooks.logMethod` (or options we cannot read): arguments may be rearranged before pino sees them. */
  remapsArguments: boolean;
}

/** What the facts pass and the rules can tell about an expression while recognising loggers. */
export interface LoggerEnv {
  referenceOf(expr: ts.Expression): Reference | null;
  /** The logger a project module exports (rules only; the facts pass sees one file). */
  exportedLogger?(ref: Reference): LoggerInfo | null;
}

export const LOG_METHODS: ReadonlySet<string> = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace', 'fatal', 'verbose', 'silly', 'http']);
const LIBRARY_MODULES: Record<string, LoggerLibrary> = { pino: 'pino', winston: 'winston', bunyan: 'bunyan', log4js: 'log4js' };
const PINO_DEFAULT_ERROR_KEYS = ['err'];

const plain = (library: LoggerLibrary): LoggerInfo => ({ library, wrapper: false, redact: null, errorKeys: library === 'pino' ? PINO_DEFAULT_ERROR_KEYS : 'unknown', remapsArguments: false });

function propertyNamed(obj: ts.ObjectLiteralExpression, name: string): ts.ObjectLiteralElementLike | undefined {
  return obj.properties.find((p) => p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name);
}

function initializerOf(p: ts.ObjectLiteralElementLike | undefined): ts.Expression | undefined {
  if (!p) return undefined;
  if (ts.isPropertyAssignment(p)) return unwrap(p.initializer);
  if (ts.isShorthandPropertyAssignment(p)) return p.name;
  return undefined;
}

/** A string array literal's items, or 'unknown'. */
function stringArray(e: ts.Expression | undefined): readonly string[] | 'unknown' {
  if (!e || !ts.isArrayLiteralExpression(e)) return 'unknown';
  const out: string[] = [];
  for (const el of e.elements) {
    const v = unwrap(el);
    if (!ts.isStringLiteralLike(v)) return 'unknown';
    out.push(v.text);
  }
  return out;
}

/** What pino options (an object literal, after following consts) say about redaction and errors. */
export function pinoOptions(options: ts.Expression | undefined, follow: (e: ts.Expression) => ts.Expression): LoggerInfo {
  const info = plain('pino');
  if (!options) return info;
  const o = follow(options);
  if (!ts.isObjectLiteralExpression(o) || o.properties.some((p) => ts.isSpreadAssignment(p) || (p.name && ts.isComputedPropertyName(p.name)))) {
    return { ...info, redact: 'unknown', errorKeys: 'unknown', remapsArguments: true };
  }
  const redactProp = propertyNamed(o, 'redact');
  if (redactProp) {
    const r = initializerOf(redactProp);
    const value = r && follow(r);
    info.redact = value && ts.isObjectLiteralExpression(value) ? stringArray(initializerOf(propertyNamed(value, 'paths')) && follow(initializerOf(propertyNamed(value, 'paths'))!)) : stringArray(value);
  }
  const keys = [...PINO_DEFAULT_ERROR_KEYS];
  const errorKey = initializerOf(propertyNamed(o, 'errorKey'));
  if (errorKey) {
    if (ts.isStringLiteralLike(errorKey)) keys.push(errorKey.text);
    else info.errorKeys = 'unknown';
  }
  const serializers = initializerOf(propertyNamed(o, 'serializers'));
  if (serializers) {
    const s = follow(serializers);
    if (ts.isObjectLiteralExpression(s) && !s.properties.some(ts.isSpreadAssignment)) {
      for (const p of s.properties) if (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) keys.push(p.name.text);
    } else if (!(ts.isPropertyAccessExpression(s) && s.name.text === 'stdSerializers')) {
      info.errorKeys = 'unknown';
    }
  }
  if (info.errorKeys !== 'unknown') info.errorKeys = keys;
  const hooks = initializerOf(propertyNamed(o, 'hooks'));
  if (hooks && (!ts.isObjectLiteralExpression(hooks) || propertyNamed(hooks, 'logMethod') || hooks.properties.some(ts.isSpreadAssignment))) info.remapsArguments = true;
  return info;
}

/** `const x = …` initializers, followed a few steps (for options objects held in a const). */
function followConst(env: LoggerEnv): (e: ts.Expression) => ts.Expression {
  return (expr) => {
    let e = unwrap(expr);
    for (let i = 0; i < 5 && ts.isIdentifier(e); i++) {
      const ref = env.referenceOf(e);
      if (ref?.kind !== 'local' || ref.path.length > 0 || !ts.isVariableDeclaration(ref.declaration) || !ref.declaration.initializer) break;
      e = unwrap(ref.declaration.initializer);
    }
    return e;
  };
}

/**
 * A class or object literal with log methods whose body uses a logger library (a project logger
 * wrapping one), or only console (a console-backed project logger).
 */
export function classWrappingLogger(cls: ts.ClassLikeDeclaration | ts.ObjectLiteralExpression, env: LoggerEnv): LoggerInfo | null {
  const members: readonly ts.Node[] = ts.isObjectLiteralExpression(cls) ? cls.properties : cls.members;
  const logMethods = members.filter((m) => (ts.isMethodDeclaration(m) || ts.isPropertyAssignment(m)) && m.name && ts.isIdentifier(m.name) && LOG_METHODS.has(m.name.text));
  if (logMethods.length < 2) return null;
  let library: LoggerLibrary | null = null;
  let usesConsole = false;
  const visit = (n: ts.Node): void => {
    if (library) return;
    if (ts.isIdentifier(n) && n.text === 'console' && ts.isPropertyAccessExpression(n.parent) && env.referenceOf(n)?.kind === 'global') usesConsole = true;
    // Any use of a library binding (`winston[level](…)`, `pino(…)`, `this.pino.info`) inside the class.
    if (ts.isIdentifier(n) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) {
      const ref = env.referenceOf(n);
      if (ref?.kind === 'module' && !ref.resolved && Object.hasOwn(LIBRARY_MODULES, ref.module)) library = LIBRARY_MODULES[ref.module] ?? null;
      // A module-level logger the methods delegate to: `base.info(…)` where `const base = winston.createLogger()`.
      else if (ref?.kind === 'local' && ref.path.length === 0 && ts.isVariableDeclaration(ref.declaration) && ref.declaration.initializer && !isInside(ref.declaration, cls)) {
        const init = unwrap(ref.declaration.initializer);
        if (ts.isCallExpression(init) || ts.isNewExpression(init)) library = loggerCreation(init, env, 1)?.library ?? null;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(cls);
  const found = library ?? (usesConsole ? 'console' : null);
  return found ? { ...plain(found), wrapper: true, redact: 'unknown', errorKeys: 'unknown', remapsArguments: true } : null;
}

/**
 * The logger an expression creates or holds: `pino(opts)`, `winston.createLogger(…)`,
 * `bunyan.createLogger(…)`, `log4js.getLogger()`, `new Logger()` of @nestjs/common, `x.child(…)`
 * of a logger, `new Wrapper()` of a class wrapping one, a const holding one, a project export.
 */
export function loggerCreation(node: ts.Node, env: LoggerEnv, depth = 0): LoggerInfo | null {
  if (depth > 6) return null;
  const e = ts.isExpression(node) ? unwrap(node) : node;
  if (ts.isCallExpression(e) || ts.isNewExpression(e)) {
    const callee = unwrap(e.expression);
    const args = e.arguments ?? ts.factory.createNodeArray();
    // x.child(…) keeps the parent's library and options.
    if (ts.isCallExpression(e) && memberName(callee) === 'child' && (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee))) {
      return loggerCreation(callee.expression, env, depth + 1);
    }
    const ref = env.referenceOf(callee);
    if (ref?.kind === 'module' && !ref.resolved) {
      const key = [ref.module, ...ref.path].join('.');
      if (key === 'pino' || key === 'pino.default' || key === 'pino.pino') {
        const first = args[0];
        const isDestination = first && ts.isCallExpression(unwrap(first)) && /^(destination|transport|multistream)$/.test(memberName(unwrap((unwrap(first) as ts.CallExpression).expression)) ?? '');
        return pinoOptions(isDestination ? undefined : first, followConst(env));
      }
      if (key === 'winston.createLogger' || key === 'winston.loggers.add' || key === 'winston.loggers.get' || key === 'winston.Logger') return plain('winston');
      if (key === 'bunyan.createLogger' || (key === 'bunyan' && ts.isNewExpression(e))) return plain('bunyan');
      if (key === 'log4js.getLogger') return plain('log4js');
      if (key === '@nestjs/common.Logger' && ts.isNewExpression(e)) return plain('nestjs');
      return null;
    }
    if (ts.isNewExpression(e)) {
      if (ref?.kind === 'module' && ref.resolved) return env.exportedLogger?.(ref) ?? null;
      if (ref?.kind === 'local' && ref.path.length === 0 && (ts.isClassDeclaration(ref.declaration) || ts.isClassExpression(ref.declaration))) return classWrappingLogger(ref.declaration, env);
    }
    return null;
  }
  if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) {
    const ref = env.referenceOf(e);
    if (ref?.kind === 'local' && ref.path.length === 0 && ts.isVariableDeclaration(ref.declaration) && ref.declaration.initializer) {
      return loggerCreation(ref.declaration.initializer, env, depth + 1);
    }
    if (ref?.kind === 'module' && ref.resolved) return env.exportedLogger?.(ref) ?? null;
    if (ref?.kind === 'module' && !ref.resolved && ref.module === 'winston' && ref.path.length === 0) return plain('winston');
  }
  if (ts.isClassDeclaration(e) || ts.isClassExpression(e) || ts.isObjectLiteralExpression(e)) return classWrappingLogger(e, env);
  return null;
}

function isInside(node: ts.Node, container: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n; n = n.parent) if (n === container) return true;
  return false;
}

/** Logger types a parameter or field can be declared with (`private readonly logger: Logger`). */
const LOGGER_TYPES: Record<string, LoggerLibrary> = {
  '@nestjs/common.Logger': 'nestjs',
  '@nestjs/common.LoggerService': 'nestjs',
  '@nestjs/common.ConsoleLogger': 'nestjs',
  'nestjs-pino.Logger': 'nestjs',
  'nestjs-pino.PinoLogger': 'pino',
  'pino.Logger': 'pino',
  'pino.BaseLogger': 'pino',
  'fastify.FastifyBaseLogger': 'pino',
  'fastify.FastifyLoggerInstance': 'pino',
  'winston.Logger': 'winston',
  bunyan: 'bunyan',
  'bunyan.Logger': 'bunyan',
  'log4js.Logger': 'log4js',
};

/** The library of a type annotation that names a logger type of a known package (type-only imports included). */
export function loggerOfType(type: ts.TypeNode | undefined): LoggerInfo | null {
  if (!type || !ts.isTypeReferenceNode(type)) return null;
  const name = type.typeName;
  const local = ts.isIdentifier(name) ? name.text : ts.isIdentifier(name.left) ? name.left.text : undefined;
  if (!local) return null;
  for (const s of type.getSourceFile().statements) {
    if (!ts.isImportDeclaration(s) || !ts.isStringLiteral(s.moduleSpecifier) || !s.importClause) continue;
    const module = s.moduleSpecifier.text;
    const clause = s.importClause;
    let key: string | undefined;
    if (clause.name?.text === local || (clause.namedBindings && ts.isNamespaceImport(clause.namedBindings) && clause.namedBindings.name.text === local)) {
      key = ts.isIdentifier(name) ? module : `${module}.${name.right.text}`;
    } else if (clause.namedBindings && ts.isNamedImports(clause.namedBindings)) {
      const spec = clause.namedBindings.elements.find((el) => el.name.text === local);
      if (spec && ts.isIdentifier(name)) key = `${module}.${(spec.propertyName ?? spec.name).text}`;
    }
    if (key !== undefined) {
      const library = Object.hasOwn(LOGGER_TYPES, key) ? LOGGER_TYPES[key] : undefined;
      return library ? plain(library) : null;
    }
  }
  return null;
}

// ---- log calls, at rule time -------------------------------------------------------------------

export interface LogCall {
  /** The library behind the logger; 'unknown' when only its name (`logger`, `this.log`) says logger. */
  library: LoggerLibrary | 'unknown';
  /** What is known of the logger instance (creation options), when it was resolved. */
  logger: LoggerInfo | null;
  /** The method called (`error`, `log`). */
  method: string;
  /** The level written (`log('warn', …)` → `warn`; NestJS `log` → `info`). */
  level: string;
  /** The arguments that carry message and fields (winston `log(level, …)` without the level). */
  args: readonly ts.Expression[];
  /** The logger expression as written (`this.logger`, `req.log`), for messages. */
  receiver: string;
}

/** Context a rule passes in: its helpers and project facts. */
export interface LogCallContext {
  helpers: { referenceOf(e: ts.Expression): Reference | null; exportOf(ref: Reference): { info: { logger: LoggerInfo | null } } | undefined };
  project: ProjectFacts;
}

const frameworkRedactCache = new WeakMap<object, Map<string, LoggerInfo['redact']>>();

/** The redact paths of every framework-made pino logger in the project (Fastify, pino-http), merged. */
function frameworkLoggerRedact(project: ProjectFacts): LoggerInfo['redact'] {
  return memoOn(frameworkRedactCache, project, 'frameworkLoggerRedact', () => computeFrameworkRedact(project));
}

function computeFrameworkRedact(project: ProjectFacts): LoggerInfo['redact'] {
  let redact: LoggerInfo['redact'] = null;
  for (const m of project.modules.values()) {
    for (const config of m.evidence.frameworkLoggers ?? []) {
      if (config.redact === 'unknown' || redact === 'unknown') redact = 'unknown';
      else if (config.redact) redact = [...(redact ?? []), ...config.redact];
    }
  }
  return redact;
}

const LOGGER_NAME = /(^|[^a-z])log(ger)?s?$|^log|logger/i;
const LEVEL_NAMES = new Set(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly', 'trace', 'fatal', 'warning', 'notice', 'crit', 'alert', 'emerg']);
/** `request.log`, `reply.log`, `fastify.log`: Fastify's (or pino-http's) pino logger. */
const FRAMEWORK_LOG_HOLDERS = /^(req|request|reply|res|fastify|app|server|instance|ctx)$/;
const PINO_MIDDLEWARE = ['fastify', 'pino-http', 'express-pino-logger', 'koa-pino-logger', 'hapi-pino', 'nestjs-pino'];
/** Packages whose `log.info`-style exports print to a terminal, not to a logger. */
const TERMINAL_PRINTERS = new Set(['@clack/prompts', 'ora', 'listr2', 'signale', 'npmlog']);

function nameOf(e: ts.Expression): string | undefined {
  const x = unwrap(e);
  return ts.isIdentifier(x) ? x.text : memberName(x);
}

/** Every value a class gives its field `name`: initialisers, `this.name = …`, and a typed constructor parameter property. */
function fieldSources(access: ts.PropertyAccessExpression): Array<ts.Expression | ts.TypeNode> {
  let cls: ts.Node | undefined = access.parent;
  while (cls && !ts.isClassLike(cls)) cls = cls.parent;
  if (!cls || !ts.isClassLike(cls)) return [];
  const name = access.name.text;
  const out: Array<ts.Expression | ts.TypeNode> = [];
  for (const m of cls.members) {
    if (ts.isPropertyDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === name) {
      if (m.initializer) out.push(m.initializer);
      else if (m.type) out.push(m.type);
    }
    if (ts.isConstructorDeclaration(m)) {
      for (const p of m.parameters) {
        if (ts.isIdentifier(p.name) && p.name.text === name && ts.canHaveModifiers(p) && ts.getModifiers(p)?.length && p.type) out.push(p.type);
      }
    }
  }
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = unwrap(n.left);
      if (ts.isPropertyAccessExpression(left) && left.expression.kind === ts.SyntaxKind.ThisKeyword && left.name.text === name) out.push(n.right);
    }
    ts.forEachChild(n, visit);
  };
  visit(cls);
  return out;
}

/** The logger behind a receiver expression: resolved (library and options), 'named' (by its name only), or null. */
function loggerOfReceiver(receiver: ts.Expression, ctx: LogCallContext): LoggerInfo | 'named' | 'console' | null {
  const { helpers, project } = ctx;
  const env: LoggerEnv = {
    referenceOf: (x) => helpers.referenceOf(x),
    exportedLogger: (ref) => exportedLogger(ref, ctx),
  };
  const r = unwrap(receiver);
  // req.log / request.log / fastify.log
  if (ts.isPropertyAccessExpression(r) && r.name.text === 'log' && FRAMEWORK_LOG_HOLDERS.test(nameOf(r.expression) ?? '') && PINO_MIDDLEWARE.some((p) => project.importsPackage(p) || project.hasDependency(p))) {
    const redact = frameworkLoggerRedact(project);
    return { ...plain('pino'), redact, errorKeys: redact === 'unknown' ? 'unknown' : ['err'], remapsArguments: redact === 'unknown' };
  }
  // this.logger: whatever the class assigns to or declares for the field.
  if (ts.isPropertyAccessExpression(r) && r.expression.kind === ts.SyntaxKind.ThisKeyword) {
    const found = fieldSources(r).map((s) => (ts.isTypeNode(s) && !ts.isExpression(s) ? loggerOfType(s) : loggerCreation(s, env)));
    const first = found.find((f) => f !== null);
    if (first && found.every((f) => f === null || f.library === first.library)) return first;
    return LOGGER_NAME.test(r.name.text) ? 'named' : null;
  }
  const ref = helpers.referenceOf(r);
  if (ref?.kind === 'global' && ref.name === 'console' && ref.path.length === 0) return 'console';
  if (ref?.kind === 'module' && !ref.resolved) {
    if (ref.module === 'winston' && ref.path.length === 0) return plain('winston');
    if (ref.module === '@nestjs/common' && ref.path.length === 1 && ref.path[0] === 'Logger') return plain('nestjs');
    if (TERMINAL_PRINTERS.has(ref.module)) return null;
  }
  if (ref?.kind === 'module' && ref.resolved) {
    const hit = exportedLogger(ref, ctx);
    if (hit) return hit;
  }
  if (ref?.kind === 'local' && ref.path.length === 0) {
    const decl = ref.declaration;
    if (ts.isVariableDeclaration(decl) && decl.initializer) {
      const hit = loggerCreation(decl.initializer, env);
      if (hit) return hit;
      if (decl.type) {
        const typed = loggerOfType(decl.type);
        if (typed) return typed;
      }
    }
    if (ts.isParameter(decl)) {
      const typed = loggerOfType(decl.type);
      if (typed) return typed;
    }
  }
  const name = nameOf(r);
  return name !== undefined && name !== 'console' && LOGGER_NAME.test(name) ? 'named' : null;
}

/** @nestjs/common's own loggers: `Logger` (which hands its calls to ConsoleLogger unless the app installs another) and `ConsoleLogger`. */
const NEST_CONSOLE_LOGGERS = new Set(['Logger', 'ConsoleLogger']);
/** ConsoleLogger methods that write or format a message: a subclass overriding one writes in its own way. */
const NEST_OUTPUT_METHODS = /^(log|error|warn|debug|verbose|fatal|print\w*|formatMessage|stringify\w*|getJsonLogObject|colorize)$/;

/**
 * The receiver is @nestjs/common's `Logger` or `ConsoleLogger`, or a class of this file extending one
 * without overriding how messages are written: the static `Logger`, a const created from one, a
 * parameter typed as one, or a `this.` field every value or type of which is one. What such a logger
 * writes for an Error argument depends on the Nest version: the rules that care check it.
 */
export function isNestConsoleLogger(receiver: ts.Expression, ctx: LogCallContext): boolean {
  const { helpers } = ctx;
  const isNestRef = (ref: Reference | null): boolean => ref?.kind === 'module' && !ref.resolved && ref.module === '@nestjs/common' && ref.path.length === 1 && NEST_CONSOLE_LOGGERS.has(ref.path[0]!);
  const isNestClass = (ref: Reference | null, depth: number): boolean => {
    if (isNestRef(ref)) return true;
    if (depth > 4 || ref?.kind !== 'local' || ref.path.length > 0 || !ts.isClassDeclaration(ref.declaration)) return false;
    const cls = ref.declaration;
    if (cls.members.some((m) => m.name && ts.isIdentifier(m.name) && NEST_OUTPUT_METHODS.test(m.name.text))) return false;
    const base = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    return !!base && isNestClass(helpers.referenceOf(base), depth + 1);
  };
  const isNestSource = (s: ts.Node | undefined, depth = 0): boolean => {
    if (!s || depth > 4) return false;
    if (ts.isTypeReferenceNode(s)) return ts.isIdentifier(s.typeName) && isNestClass(helpers.referenceOf(s.typeName), 0);
    if (!ts.isExpression(s)) return false;
    const e = unwrap(s);
    if (ts.isNewExpression(e)) return isNestClass(helpers.referenceOf(e.expression), 0);
    if (ts.isIdentifier(e)) {
      const ref = helpers.referenceOf(e);
      const decl = ref?.kind === 'local' && ref.path.length === 0 ? ref.declaration : undefined;
      if (decl && ts.isParameter(decl)) return isNestSource(decl.type, depth + 1);
      return !!decl && ts.isVariableDeclaration(decl) && (decl.parent.flags & ts.NodeFlags.Const) !== 0 && isNestSource(decl.initializer, depth + 1);
    }
    return false;
  };
  const r = unwrap(receiver);
  if (ts.isPropertyAccessExpression(r) && r.expression.kind === ts.SyntaxKind.ThisKeyword) {
    const sources = fieldSources(r);
    return sources.length > 0 && sources.every((s) => isNestSource(s));
  }
  const ref = helpers.referenceOf(r);
  if (isNestRef(ref) && ref!.path[0] === 'Logger') return true;
  if (ref?.kind !== 'local' || ref.path.length > 0) return false;
  const decl = ref.declaration;
  if (ts.isVariableDeclaration(decl)) return (decl.parent.flags & ts.NodeFlags.Const) !== 0 && (decl.initializer ? isNestSource(decl.initializer) : isNestSource(decl.type));
  return ts.isParameter(decl) && isNestSource(decl.type);
}

/** The logger a project module exports under a reference (`import { logger }`, `require('./logger')`). */
function exportedLogger(ref: Reference, { helpers }: LogCallContext): LoggerInfo | null {
  if (ref.kind !== 'module' || !ref.resolved) return null;
  const hit = helpers.exportOf(ref) ?? (ref.path.length <= 1 ? helpers.exportOf({ ...ref, path: ['default', ...ref.path] }) : undefined);
  if (hit?.info.logger) return hit.info.logger;
  // `const logger = require('./logger')`: module.exports, recorded as `default`.
  if (ref.path.length === 0) return helpers.exportOf({ ...ref, path: ['default'] })?.info.logger ?? null;
  return null;
}

/** A log call on a logger (never console): its library, level and the arguments that carry the record. */
export function logCallOf(call: ts.CallExpression, ctx: LogCallContext): LogCall | undefined {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) && !ts.isElementAccessExpression(callee)) return undefined;
  const method = memberName(callee);
  if (method === undefined || !LOG_METHODS.has(method)) return undefined;
  const found = loggerOfReceiver(callee.expression, ctx);
  if (found === null || found === 'console') return undefined;
  const logger = found === 'named' ? null : found;
  const library = logger ? logger.library : 'unknown';
  // pino and bunyan have no `log` method: `x.log(…)` on them is something else.
  if (method === 'log' && (library === 'pino' || library === 'bunyan')) return undefined;
  let level = method;
  let args: readonly ts.Expression[] = call.arguments;
  if (method === 'log') {
    level = 'info';
    const first = args[0] && unwrap(args[0]);
    if (library !== 'nestjs' && first && ts.isStringLiteralLike(first) && LEVEL_NAMES.has(first.text) && args.length > 1) {
      level = first.text;
      args = args.slice(1);
    } else if (library !== 'nestjs' && first && ts.isObjectLiteralExpression(first)) {
      const lv = initializerOf(propertyNamed(first, 'level'));
      if (lv && ts.isStringLiteralLike(lv)) level = lv.text;
    }
  }
  return { library, logger, method, level, args, receiver: callee.expression.getText().replace(/\s+/g, '') };
}
