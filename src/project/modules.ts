// The light facts pass over one parsed file: imports and exports (ESM and CommonJS), what each
// export is (an async function, a class or object with async methods, an HTTP client instance),
// whether the file starts a server, and the evidence its role is decided from.
import { builtinModules } from 'node:module';
import { ts } from '../core/typescript.js';
import { dbClassKind, dbCreation, type DbHandleKind } from '../core/db.js';
import { nodeOrder } from '../core/parse.js';
import { expressCreation, type ExpressReceiverKind } from '../core/express.js';
import { loggerCreation, type LoggerInfo } from '../core/loggers.js';
import { isEmitAsyncWrapper, rejectionGap, rejectionVerdict, returnsNumber, returnsUncoveredCall } from '../core/promises.js';
import { ScopeIndex, isModuleLevel, kindTable } from '../core/scope.js';
import { hasModifier, memberName, referenceOf, requireSpecifier, unwrap, type SpecifierResolver } from '../core/references.js';
import type { Reference } from '../core/types.js';
import { COLLECTORS, type EvidenceCollector, type EvidenceContext, type ModuleEvidence } from './evidence/index.js';
import { exportedEffects, type HandlerEffects } from './evidence/process-lifecycle.js';
import { LoadTimeReads, metadataLevel, type LoadTimeRead } from './load-time.js';
import type { RoleEvidence } from './roles.js';
import { packageName } from './package-json.js';

export type TimeoutState = 'set' | 'missing' | 'unknown';

export interface HttpClientInfo {
  library: 'axios' | 'got';
  /** What the creating call's options say about a default timeout. */
  timeout: TimeoutState;
}

export interface ExportInfo {
  /** Calling it returns a promise (declared `async`, or annotated `Promise<…>`). */
  async: boolean;
  /** Methods that return promises: of an exported class, object literal or class instance. */
  asyncMethods: ReadonlySet<string>;
  /** An async function whose own body cannot reject: a try/catch covers every await and throw. */
  catchesAll: boolean;
  /** Of `asyncMethods`, those whose own body cannot reject. */
  catchingMethods: ReadonlySet<string>;
  /**
   * `catchesAll`, and no call is returned outside the try (`return db.user.findUnique(…)` may return a
   * rejecting promise): a call of it settles (no-floating-promise). `catchesAll` alone takes returned
   * calls for values, as an Express handler's `return res.send(…)`.
   */
  settles: boolean;
  /** Of `catchingMethods`, those that return no call outside the try (see `settles`). */
  settlingMethods: ReadonlySet<string>;
  /**
   * Not `settles` only for want of knowing that these imported functions return numbers: a call of
   * each is (in) the delay of a timers/promises sleep (directus's `setTimeout(getRandomWaitTime())`).
   * It settles when each one's export `returnsNumber`. Null when that would not make it settle.
   */
  settlesIf: Reference[] | null;
  /**
   * It settles (or would, see `settlesIf`) with nothing in its body guarded or handled: an empty body,
   * a sleep that cannot reject. Awaiting it cannot reject, but is no error handling (see ../core/promises.ts).
   */
  settlesQuietly: boolean;
  /** Of `settlingMethods`, those that settle quietly (see `settlesQuietly`). */
  quietMethods: ReadonlySet<string>;
  /** A function (not async) whose every return value is a number by its syntax (`() => Math.floor(Math.random() * 1.8e6)`). */
  returnsNumber: boolean;
  /** Of `asyncMethods` of an exported class, those that only return `this.<injected EventEmitter2>.emitAsync(…)` (see ../core/promises.ts). */
  emitAsyncWrappers: ReadonlySet<string>;
  /** An Express app (`express()`) or Router (`express.Router()`), chains like `Router().use(…)` included. */
  expressReceiver: ExpressReceiverKind | null;
  /** An HTTP client instance (`axios.create(…)`, `got.extend(…)`). */
  httpClient: HttpClientInfo | null;
  /** A logger instance (`pino(…)`, `winston.createLogger(…)`, a child of one) or a class wrapping one. */
  logger: LoggerInfo | null;
  /** A database handle: a Prisma client, a Mongoose/Sequelize model, a knex instance, a pool (see ../core/db.ts). */
  db: DbHandleKind | null;
  /** `export const x = other` where other is imported: resolved at lookup. */
  alias: Reference | null;
  /** Line of the declaration (1-based), for messages. */
  line: number;
}

export interface ImportRecord {
  specifier: string;
  resolved: string | null;
  /**
   * Erased at compile time: `import type`, only `type`-marked specifiers, or (in TypeScript files)
   * bindings used only as types, so TypeScript elides the import. The type of a decorated property,
   * accessor, method return or parameter, or of an injected constructor parameter, counts as a value
   * (decorator metadata emits it; `User | null` there is emitted only without null checks and is not
   * counted).
   */
  typeOnly: boolean;
  kind: 'import' | 'require' | 'export-from' | 'dynamic';
  /**
   * The exports a static `import` or `export … from` takes by name (`default` for a default import,
   * the imported name of `{ a as b }`); absent when it takes the whole module (a namespace import,
   * `export *`, a side-effect import, `require`, `import()`).
   */
  names?: string[];
  /** Inside a function (a lazy `require`, an `import()`): not run when the module loads. */
  lazy: boolean;
  /**
   * What the module reads of the import's bindings while it loads (see ./load-time.ts): judged for a
   * static `import` of a project file; 'value' for the other kinds and for packages.
   */
  loadTimeReads: LoadTimeRead;
  /** Where the import statement or call starts (1-based). */
  line: number;
  column: number;
}

/** A module's import specifiers as its facts resolved them (the first record of each specifier). */
export function specifierResolutions(m: Pick<ModuleFacts, 'imports'>): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const imp of m.imports) if (!out.has(imp.specifier)) out.set(imp.specifier, imp.resolved);
  return out;
}

/** The project files a module imports or re-exports from (resolved, type-only imports included). */
export function importTargets(m: Pick<ModuleFacts, 'imports' | 'reexports'>): string[] {
  const out: string[] = [];
  for (const imp of m.imports) if (imp.resolved) out.push(imp.resolved);
  for (const r of m.reexports) if (r.from) out.push(r.from);
  return out;
}

export interface ReexportRecord {
  /** Exported name, or '*' for `export * from`. */
  exported: string;
  /** Resolved project file, or null (a package). */
  from: string | null;
  imported: string;
}

/** A `x.defaults.timeout = n` assignment, by what `x` refers to. */
export type DefaultsTimeoutTarget = Reference;

export interface ModuleFacts {
  path: string;
  imports: ImportRecord[];
  exports: Map<string, ExportInfo>;
  reexports: ReexportRecord[];
  /**
   * Calls `.listen(…)` (an HTTP server, Fastify, NestJS app): a server entry point. A `.listen()`
   * without arguments counts only on a value a package made (`http.createServer(app).listen()`).
   */
  listens: boolean;
  /** Where the first `.listen(…)` call is (1-based), for project findings that point at it. */
  listenAt: { line: number; column: number } | null;
  defaultsTimeout: DefaultsTimeoutTarget[];
  roleEvidence: RoleEvidence;
  /** What the evidence collectors recorded (see ./evidence/index.ts). */
  evidence: ModuleEvidence;
}

// Kinds the facts pass switches on for every node, as plain numbers (see kindTable in ../core/scope.ts).
const CALL = ts.SyntaxKind.CallExpression;
const BINARY = ts.SyntaxKind.BinaryExpression;
const JSX_ELEMENT = ts.SyntaxKind.JsxElement;
const JSX_SELF_CLOSING = ts.SyntaxKind.JsxSelfClosingElement;
const JSX_FRAGMENT = ts.SyntaxKind.JsxFragment;
const IDENTIFIER = ts.SyntaxKind.Identifier;
const KIND_COUNT = ts.SyntaxKind.Count;
const IMPORT_KEYWORD = ts.SyntaxKind.ImportKeyword;
const EQUALS = ts.SyntaxKind.EqualsToken;

const SERVER_PACKAGES = new Set(['express', 'fastify', 'koa', 'hono', '@hapi/hapi', 'restify', 'socket.io', 'ws', 'pg', 'mongoose', 'mongodb', 'ioredis', 'redis', 'prisma', '@prisma/client', 'typeorm', 'sequelize', 'knex', 'mysql2', 'dotenv']);
const BUILTINS = new Set(builtinModules);
const BROWSER_GLOBALS = new Set(['window', 'document', 'localStorage', 'sessionStorage', 'navigator']);
/** Where a component's hooks come from (`import { useEffect } from 'react'`): a file that uses them runs in a component, in the browser. */
const UI_HOOK_SOURCES = new Set(['react', 'preact/hooks', 'next/navigation']);

/**
 * UI code, by its imports: a hook of React (or Preact, or Next.js's `useRouter`/`usePathname`), or
 * Next.js's pages router (`next/router`, client-side only). Next.js's server code imports neither
 * (`redirect` and `notFound` of next/navigation are not hooks).
 */
function importsUiCode(specifier: string, clause: ts.ImportClause | undefined): boolean {
  if (specifier === 'next/router') return true;
  if (!UI_HOOK_SOURCES.has(specifier)) return false;
  const named = clause?.namedBindings;
  return !!named && ts.isNamedImports(named) && named.elements.some((e) => !e.isTypeOnly && /^use[A-Z]/.test((e.propertyName ?? e.name).text));
}

function returnsPromiseByType(type: ts.TypeNode | undefined): boolean {
  if (!type || !ts.isTypeReferenceNode(type)) return false;
  const name = ts.isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text;
  return name === 'Promise' || name === 'PromiseLike';
}

/** A function-like node whose call yields a promise. */
export function isAsyncFunctionLike(node: ts.Node | undefined): boolean {
  if (!node) return false;
  if (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node)) {
    return hasModifier(node, ts.SyntaxKind.AsyncKeyword) || returnsPromiseByType(node.type);
  }
  return false;
}

/** Names of members that return promises, in a class or object literal. */
export function asyncMembersOf(node: ts.ClassLikeDeclaration | ts.ObjectLiteralExpression): Set<string> {
  const names = new Set<string>();
  const members: readonly ts.Node[] = ts.isObjectLiteralExpression(node) ? node.properties : node.members;
  for (const m of members) {
    if (ts.isMethodDeclaration(m) && m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) && isAsyncFunctionLike(m)) names.add(m.name.text);
    if ((ts.isPropertyDeclaration(m) || ts.isPropertyAssignment(m)) && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) && m.initializer && isAsyncFunctionLike(unwrap(m.initializer))) names.add(m.name.text);
  }
  return names;
}

/**
 * Names of async members whose body cannot reject (`catching`, see `rejectionGap`); of those, the ones
 * that also return no call outside the try (`settling`: `returnsUncoveredCall`, it may return a
 * rejecting promise), and of those, the ones with nothing in their body guarded or handled (`quiet`).
 */
export function catchingMembersOf(node: ts.ClassLikeDeclaration | ts.ObjectLiteralExpression): { catching: Set<string>; settling: Set<string>; quiet: Set<string> } {
  const found = { catching: new Set<string>(), settling: new Set<string>(), quiet: new Set<string>() };
  const members: readonly ts.Node[] = ts.isObjectLiteralExpression(node) ? node.properties : node.members;
  for (const m of members) {
    if (!ts.isMethodDeclaration(m) && !ts.isPropertyDeclaration(m) && !ts.isPropertyAssignment(m)) continue;
    const fn = ts.isMethodDeclaration(m) ? m : m.initializer && unwrap(m.initializer);
    if (!fn || !(ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) || !isAsyncFunctionLike(fn)) continue;
    // An overload signature has no body: the implementation decides.
    if (!(fn as { body?: ts.Node }).body) continue;
    const verdict = rejectionVerdict(fn as ts.SignatureDeclaration);
    if (verdict.gap !== null) continue;
    found.catching.add(m.name.text);
    if (returnsUncoveredCall(fn)) continue;
    found.settling.add(m.name.text);
    if (!verdict.handles) found.quiet.add(m.name.text);
  }
  return found;
}

/** `timeout` in an options object literal: set, missing, or unknown (spread or not a literal). */
export function timeoutOption(options: ts.Expression | undefined, keys: readonly string[] = ['timeout']): TimeoutState {
  if (!options) return 'missing';
  const e = unwrap(options);
  if (!ts.isObjectLiteralExpression(e)) return 'unknown';
  let spread = false;
  for (const p of e.properties) {
    if (ts.isSpreadAssignment(p)) spread = true;
    const name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;
    if (name !== undefined && keys.includes(name)) {
      if (ts.isPropertyAssignment(p)) {
        const v = unwrap(p.initializer);
        // `timeout: 0` is axios's and got's "no timeout".
        if (ts.isNumericLiteral(v) && Number(v.text) === 0) return 'missing';
        if (v.kind === ts.SyntaxKind.UndefinedKeyword || (ts.isIdentifier(v) && v.text === 'undefined')) return 'missing';
      }
      return 'set';
    }
  }
  return spread ? 'unknown' : 'missing';
}

/** `axios.create(opts)` / `got.extend(opts)` (also on an instance: `api.create`, `client.extend`). */
export function httpClientCreation(call: ts.Expression, scope: ScopeIndex, resolveSpecifier: SpecifierResolver): HttpClientInfo | null {
  const e = unwrap(call);
  if (!ts.isCallExpression(e)) return null;
  const ref = referenceOf(e.expression, scope, resolveSpecifier);
  if (!ref || ref.kind !== 'module' || ref.resolved) return null;
  const key = `${ref.module}.${ref.path.join('.')}`;
  if (key === 'axios.create') return { library: 'axios', timeout: timeoutOption(e.arguments[0]) };
  if (key === 'got.extend') {
    // got.extend(...instancesOrOptions): any argument that sets a timeout counts.
    let state: TimeoutState = 'missing';
    for (const a of e.arguments) {
      const t = timeoutOption(a);
      if (t === 'set') return { library: 'got', timeout: 'set' };
      if (t === 'unknown') state = 'unknown';
    }
    return { library: 'got', timeout: state };
  }
  return null;
}

/** `ipc.listen('file-saved', cb)`: an event subscription, not a server (a port, a socket path or options are). */
function listensToAnEvent(call: ts.CallExpression): boolean {
  const first = call.arguments[0];
  if (!first || !(ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) return false;
  return !/^\d+$/.test(first.text) && !first.text.startsWith('/') && !first.text.startsWith('\\\\');
}

/** Node's modules whose objects a server can listen on as a handle (`server.listen(new net.Socket({ fd: 3 }))`). */
const HANDLE_MODULES = new Set(['net', 'tls', 'http', 'https', 'http2']);

/**
 * `backend.listen(stream, req)`: a listen given a constructed object (directly, or a local it was
 * stored in) attaches that object, as ShareDB's backend attaches one client's JSON stream. A server
 * listens on a port, a path, options or a handle: only a handle is built with `new`, by Node's
 * net, tls or http modules.
 */
function attachesAnObject(call: ts.CallExpression, scope: ScopeIndex, refOf: (e: ts.Expression) => Reference | null): boolean {
  let first = call.arguments[0] && unwrap(call.arguments[0]);
  if (first && ts.isIdentifier(first)) {
    const decl = scope.declarationOf(first);
    first = decl && ts.isVariableDeclaration(decl) && decl.initializer ? unwrap(decl.initializer) : undefined;
  }
  if (!first || !ts.isNewExpression(first)) return false;
  const made = refOf(first.expression);
  if (made?.kind === 'global') return made.name !== 'Number' && made.name !== 'String';
  return !(made?.kind === 'module' && made.resolved === null && HANDLE_MODULES.has(made.module));
}

/**
 * A `.listen()` with no arguments starts a server (on a random port) only when its receiver is a
 * value a package made (not a project file, nor an unresolved `./x` or `@/x`):
 * `const server = http.createServer(app)`, `const app = new Koa()`,
 * `const app = await NestFactory.create(AppModule)`. On anything else (a project class's instance,
 * `this.x`, a parameter) it is a domain method: `lifecycleService.listen()` subscribing to an event bus.
 */
function startsAServerWithoutArguments(receiver: ts.Expression, scope: ScopeIndex, refOf: (e: ts.Expression) => Reference | null): boolean {
  let value: ts.Expression = unwrap(receiver);
  if (ts.isIdentifier(value)) {
    const decl = scope.declarationOf(value);
    if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer) return false;
    value = unwrap(decl.initializer);
    if (ts.isAwaitExpression(value)) value = unwrap(value.expression);
  }
  if (!ts.isCallExpression(value) && !ts.isNewExpression(value)) return false;
  const made = refOf(value.expression);
  return made?.kind === 'module' && made.resolved === null && !/^(\.\.?(\/|$)|\/|[@~#]\/)/.test(made.module);
}

/** A file's scope, and its specifiers and references each resolved once (a file names the same few over and over). */
function fileContext(sf: ts.SourceFile, resolveUncached: SpecifierResolver): { scope: ScopeIndex; resolveSpecifier: SpecifierResolver; refOf: (expr: ts.Expression) => Reference | null } {
  const scope = new ScopeIndex();
  const resolved = new Map<string, string | null>();
  const resolveSpecifier = (specifier: string): string | null => {
    let r = resolved.get(specifier);
    if (r === undefined) {
      r = resolveUncached(specifier);
      resolved.set(specifier, r);
    }
    return r;
  };
  const refs = new Map<ts.Expression, Reference | null>();
  const refOf = (expr: ts.Expression): Reference | null => {
    let r = refs.get(expr);
    if (r === undefined) {
      r = referenceOf(expr, scope, resolveSpecifier);
      refs.set(expr, r);
    }
    return r;
  };
  return { scope, resolveSpecifier, refOf };
}

/** The evidence collectors' view of a file. */
function evidenceContext(sf: ts.SourceFile, context: ReturnType<typeof fileContext>): EvidenceContext {
  return {
    sourceFile: sf,
    scope: context.scope,
    referenceOf: (e) => context.refOf(e),
    resolveSpecifier: context.resolveSpecifier,
    position: (node) => {
      const p = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      return { line: p.line + 1, column: p.character + 1 };
    },
  };
}

/**
 * What the exported functions of a file do at a process's end (./evidence/process-lifecycle.ts
 * `exportedEffects`), from its syntax tree, its specifiers resolved by `resolveUncached`.
 */
export function lifecycleExportsOf(sf: ts.SourceFile, resolveUncached: SpecifierResolver): Record<string, HandlerEffects> {
  return exportedEffects(evidenceContext(sf, fileContext(sf, resolveUncached)));
}

export function buildModuleFacts(path: string, sf: ts.SourceFile, resolveUncached: SpecifierResolver): ModuleFacts {
  const context = fileContext(sf, resolveUncached);
  const { scope, resolveSpecifier, refOf } = context;
  const facts: ModuleFacts = {
    path,
    imports: [],
    exports: new Map(),
    reexports: [],
    listens: false,
    listenAt: null,
    defaultsTimeout: [],
    roleEvidence: { shebang: sf.text.startsWith('#!'), browserSyntax: false, serverImports: false, readsArgv: false, listens: false },
    evidence: {} as ModuleEvidence,
  };
  const line = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const typescript = /\.[cm]?tsx?$/.test(path) && !/\.d\.[cm]?ts$/.test(path);

  const addImport = (specifier: string, kind: ImportRecord['kind'], typeOnly: boolean, at: ts.Node, names?: string[]): ImportRecord => {
    const p = sf.getLineAndCharacterOfPosition(at.getStart(sf));
    const resolvedTo = resolveSpecifier(specifier);
    const loadTimeReads = kind === 'import' && resolvedTo !== null ? 'none' : 'value';
    const record: ImportRecord = { specifier, resolved: resolvedTo, typeOnly, kind, lazy: kind === 'dynamic' || insideFunction(at), loadTimeReads, line: p.line + 1, column: p.character + 1 };
    if (names) record.names = names;
    facts.imports.push(record);
    const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
    const pkg = packageName(specifier);
    if (specifier.startsWith('node:') || BUILTINS.has(bare) || SERVER_PACKAGES.has(pkg) || pkg.startsWith('@nestjs/')) {
      facts.roleEvidence.serverImports = true;
    }
    return record;
  };
  // Imports of a TypeScript file whose bindings may all be types: erased unless a binding is read as a value.
  const elidable = new Map<string, ImportRecord>();
  const usedAsValue = new Set<ImportRecord>();
  const loadTime = new LoadTimeReads(sf, readsAsValue);

  const loggerEnv = { referenceOf: (e: ts.Expression) => refOf(e) };

  /** What a value expression exported under some name is. */
  const describe = (value: ts.Node | undefined, at: ts.Node): ExportInfo => {
    const info: ExportInfo = { async: false, asyncMethods: new Set(), catchesAll: false, catchingMethods: new Set(), settles: false, settlingMethods: new Set(), settlesIf: null, settlesQuietly: false, quietMethods: new Set(), returnsNumber: false, emitAsyncWrappers: new Set(), expressReceiver: null, httpClient: null, logger: null, db: null, alias: null, line: line(at) };
    if (!value) return info;
    let v: ts.Node = value;
    if (ts.isExpression(v)) v = unwrap(v);
    if (ts.isIdentifier(v)) {
      const decl = scope.declarationOf(v);
      if (decl && ts.isVariableDeclaration(decl)) return { ...describe(decl.initializer, at), line: line(decl) };
      if (decl && (ts.isFunctionDeclaration(decl) || ts.isClassDeclaration(decl))) return { ...describe(decl, at), line: line(decl) };
      if (decl) info.alias = plainReference(refOf(v));
      return info;
    }
    if (isAsyncFunctionLike(v)) {
      info.async = true;
      if ((v as { body?: ts.Node }).body) settlingFunction(v as ts.SignatureDeclaration, info);
    } else info.returnsNumber = returnsNumber(v, scope);
    if (ts.isClassDeclaration(v) || ts.isClassExpression(v) || ts.isObjectLiteralExpression(v)) {
      info.asyncMethods = asyncMembersOf(v);
      ({ catching: info.catchingMethods, settling: info.settlingMethods, quiet: info.quietMethods } = catchingMembersOf(v));
      if (!ts.isObjectLiteralExpression(v)) info.emitAsyncWrappers = new Set([...info.asyncMethods].filter((m) => v.members.some((d) => ts.isMethodDeclaration(d) && ts.isIdentifier(d.name) && d.name.text === m && isEmitAsyncWrapper(d, refOf))));
    }
    if (ts.isNewExpression(v) && ts.isIdentifier(v.expression)) {
      const decl = scope.declarationOf(v.expression);
      if (decl && ts.isClassDeclaration(decl)) {
        info.asyncMethods = asyncMembersOf(decl);
        ({ catching: info.catchingMethods, settling: info.settlingMethods, quiet: info.quietMethods } = catchingMembersOf(decl));
      }
    }
    if (ts.isCallExpression(v)) info.httpClient = httpClientCreation(v, scope, resolveSpecifier);
    if (ts.isCallExpression(v) || ts.isNewExpression(v) || ts.isClassDeclaration(v) || ts.isClassExpression(v) || ts.isObjectLiteralExpression(v)) info.logger = loggerCreation(v, loggerEnv);
    if (ts.isCallExpression(v) || ts.isNewExpression(v) || ts.isBinaryExpression(v)) info.db = dbCreation(v, (e) => refOf(e), receiverDb);
    if (ts.isClassDeclaration(v) || ts.isClassExpression(v)) info.db = dbClassKind(v, (e) => refOf(e));
    if (ts.isCallExpression(v) || ts.isNewExpression(v)) info.expressReceiver = expressCreation(v, (e) => refOf(e));
    return info;
  };

  /**
   * An exported async function's `catchesAll`, `settles`, `settlesIf` and `settlesQuietly`. Imported
   * calls in a sleep's delay are first taken to return numbers, and collected: when there are any, the
   * function is judged again without them (`catchesAll`, `settles`), and the first verdict is `settlesIf`.
   */
  const settlingFunction = (fn: ts.SignatureDeclaration, info: ExportInfo): void => {
    const assumed: Reference[] = [];
    const importedNumber = (callee: ts.Expression): boolean => {
      const ref = refOf(callee);
      if (ref?.kind !== 'module' || !ref.resolved || ref.path.length !== 1) return false;
      assumed.push(ref);
      return true;
    };
    const verdict = rejectionVerdict(fn, undefined, { settles: () => false, throws: () => false, cannotThrow: () => false, returnsNumber: importedNumber });
    // Taking calls to return numbers only ever clears a verdict: when it does not, neither does the other.
    const uncovered = verdict.gap !== null || returnsUncoveredCall(fn);
    const settles = verdict.gap === null && !uncovered;
    info.catchesAll = assumed.length === 0 ? verdict.gap === null : rejectionGap(fn) === null;
    info.settles = info.catchesAll && !uncovered;
    if (settles && !info.settles) info.settlesIf = assumed;
    info.settlesQuietly = settles && !verdict.handles;
  };

  /** `sequelize` in `sequelize.define(…)`: a module-level handle of this file. */
  const receiverDb = (e: ts.Expression): DbHandleKind | null => {
    const v = unwrap(e);
    const decl = ts.isIdentifier(v) ? scope.declarationOf(v) : undefined;
    return decl && ts.isVariableDeclaration(decl) && decl.initializer ? dbCreation(decl.initializer, (x) => refOf(x)) : null;
  };

  const isExported = (node: ts.Node) => hasModifier(node, ts.SyntaxKind.ExportKeyword);
  const isDefault = (node: ts.Node) => hasModifier(node, ts.SyntaxKind.DefaultKeyword);

  const cjsExportTarget = (target: ts.Expression): string | undefined => {
    const t = unwrap(target);
    // module.exports = …
    if (ts.isPropertyAccessExpression(t) && ts.isIdentifier(t.expression) && t.expression.text === 'module' && t.name.text === 'exports') return 'default';
    if (!ts.isPropertyAccessExpression(t) && !ts.isElementAccessExpression(t)) return undefined;
    const name = memberName(t);
    const base = unwrap(t.expression);
    // exports.x = … / module.exports.x = …
    if (ts.isIdentifier(base) && base.text === 'exports' && !scope.declarationOf(base)) return name;
    if (ts.isPropertyAccessExpression(base) && ts.isIdentifier(base.expression) && base.expression.text === 'module' && base.name.text === 'exports') return name;
    return undefined;
  };

  const visitTopLevel = (statement: ts.Statement) => {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      const bindings = clause && !clause.isTypeOnly ? importBindings(clause) : [];
      const record = addImport(statement.moduleSpecifier.text, 'import', (clause?.isTypeOnly ?? false) || (!!clause && bindings.length === 0), statement, clause && importedNames(clause));
      if (typescript) for (const name of bindings) elidable.set(name, record);
      if (record.resolved !== null) for (const name of bindings) loadTime.bind(name, record);
      if (!clause?.isTypeOnly && importsUiCode(statement.moduleSpecifier.text, clause)) facts.roleEvidence.browserSyntax = true;
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference) && ts.isStringLiteral(statement.moduleReference.expression)) {
      // `import fs = require('fs')`: a namespace import (its members are read where they are used),
      // erased when its name is only used as a type.
      const record = addImport(statement.moduleReference.expression.text, 'import', statement.isTypeOnly, statement);
      if (typescript && !statement.isTypeOnly) elidable.set(statement.name.text, record);
      if (record.resolved !== null) loadTime.bind(statement.name.text, record);
    } else if (ts.isExpressionStatement(statement) && ts.isStringLiteral(statement.expression) && statement.expression.text === 'use client') {
      // React's directive for a module that runs on the client (Next.js's app router).
      facts.roleEvidence.browserSyntax = true;
    } else if (ts.isExportDeclaration(statement)) {
      const spec = statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : null;
      if (spec !== null) {
        const named = statement.exportClause;
        const onlyTypes = !!named && ts.isNamedExports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
        addImport(spec, 'export-from', statement.isTypeOnly || onlyTypes, statement, named && ts.isNamedExports(named) ? named.elements.filter((e) => !e.isTypeOnly).map((e) => (e.propertyName ?? e.name).text) : undefined);
        const from = resolveSpecifier(spec);
        const clause = statement.exportClause;
        if (!clause) facts.reexports.push({ exported: '*', from, imported: '*' });
        else if (ts.isNamespaceExport(clause)) facts.reexports.push({ exported: clause.name.text, from, imported: '*' });
        else for (const s of clause.elements) facts.reexports.push({ exported: s.name.text, from, imported: (s.propertyName ?? s.name).text });
      } else if (statement.exportClause && ts.isNamedExports(statement.exportClause) && !statement.isTypeOnly) {
        for (const s of statement.exportClause.elements) {
          const local = s.propertyName ?? s.name;
          if (ts.isIdentifier(local)) facts.exports.set(s.name.text, describe(local, s));
        }
      }
    } else if (ts.isExportAssignment(statement)) {
      facts.exports.set('default', describe(statement.expression, statement));
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && isExported(statement)) {
      const name = isDefault(statement) ? 'default' : statement.name?.text;
      if (name) facts.exports.set(name, describe(statement, statement));
    } else if (ts.isVariableStatement(statement) && isExported(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) facts.exports.set(d.name.text, describe(d.initializer, d));
      }
    } else if (ts.isExpressionStatement(statement)) {
      const e = unwrap(statement.expression);
      if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        const name = cjsExportTarget(e.left);
        if (name !== undefined) {
          const right = unwrap(e.right);
          facts.exports.set(name, describe(right, e));
          // module.exports = { a, b: c } also exports each property by name.
          if (name === 'default' && ts.isObjectLiteralExpression(right)) {
            for (const p of right.properties) {
              if (ts.isShorthandPropertyAssignment(p)) facts.exports.set(p.name.text, describe(p.name, p));
              else if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) facts.exports.set(p.name.text, describe(p.initializer, p));
              else if (ts.isMethodDeclaration(p) && ts.isIdentifier(p.name)) facts.exports.set(p.name.text, describe(p, p));
            }
          }
        }
      }
    }
  };

  for (const statement of sf.statements) visitTopLevel(statement);

  const collectors = COLLECTORS.map((create) => create(evidenceContext(sf, context)));
  // Collectors by the node kinds they act on, each kind's list in the order of COLLECTORS (a collector
  // without `kinds` is in every list).
  const byKind: Array<EvidenceCollector[] | undefined> = [];
  for (const c of collectors) {
    if (c.kinds) for (const kind of c.kinds) (byKind[kind] ??= []).push(c);
  }
  const everyNode = collectors.filter((c) => !c.kinds);
  if (everyNode.length > 0) {
    for (let kind = 0; kind < KIND_COUNT; kind++) byKind[kind] = collectors.filter((c) => !c.kinds || c.kinds.includes(kind));
  }
  const visit = (node: ts.Node): void => {
    const own = byKind[node.kind];
    if (own) for (const c of own) c.visit(node);
    switch (node.kind) {
      case CALL: {
        const call = node as ts.CallExpression;
        const spec = requireSpecifier(call);
        if (spec !== undefined && !scope.declarationOf(call.expression as ts.Identifier)) addImport(spec, 'require', false, call);
        else if (call.expression.kind === IMPORT_KEYWORD) {
          const arg = call.arguments[0];
          if (arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) addImport(arg.text, 'dynamic', false, call);
        } else if (
          ts.isPropertyAccessExpression(call.expression) &&
          call.expression.name.text === 'listen' &&
          (call.arguments.length > 0 ? !listensToAnEvent(call) && !attachesAnObject(call, scope, refOf) : startsAServerWithoutArguments(call.expression.expression, scope, refOf))
        ) {
          if (!facts.listens) {
            const p = sf.getLineAndCharacterOfPosition(call.getStart(sf));
            facts.listenAt = { line: p.line + 1, column: p.character + 1 };
          }
          facts.listens = true;
        }
        break;
      }
      case BINARY: {
        const b = node as ts.BinaryExpression;
        // x.defaults.timeout = n
        if (b.operatorToken.kind === EQUALS) {
          const left = unwrap(b.left);
          if (memberName(left) === 'timeout' && (ts.isPropertyAccessExpression(left) || ts.isElementAccessExpression(left))) {
            const defaults = unwrap(left.expression);
            if (memberName(defaults) === 'defaults' && (ts.isPropertyAccessExpression(defaults) || ts.isElementAccessExpression(defaults))) {
              const target = refOf(defaults.expression);
              const v = unwrap(b.right);
              if (target && !(ts.isNumericLiteral(v) && Number(v.text) === 0)) facts.defaultsTimeout.push(plainReference(target) as DefaultsTimeoutTarget);
            }
          }
        }
        break;
      }
      case JSX_ELEMENT:
      case JSX_SELF_CLOSING:
      case JSX_FRAGMENT:
        facts.roleEvidence.browserSyntax = true;
        break;
      case IDENTIFIER: {
        const id = node as ts.Identifier;
        const text = id.text;
        const imported = elidable.size === 0 ? undefined : elidable.get(text);
        if (imported && !usedAsValue.has(imported) && readsAsValue(id)) usedAsValue.add(imported);
        if (loadTime.active) loadTime.identifier(id);
        if (text === 'process' && ts.isPropertyAccessExpression(id.parent) && id.parent.expression === id && id.parent.name.text === 'argv' && !scope.declarationOf(id)) {
          facts.roleEvidence.readsArgv = true;
        }
        if (!facts.roleEvidence.browserSyntax && BROWSER_GLOBALS.has(text)) {
          const parent = id.parent;
          const isName = (ts.isPropertyAccessExpression(parent) && parent.name === id) || (ts.isPropertyAssignment(parent) && parent.name === id);
          if (!isName && !scope.declarationOf(id)) facts.roleEvidence.browserSyntax = true;
        }
        break;
      }
      default:
        break;
    }
  };
  const { nodes } = nodeOrder(sf);
  for (let i = 0; i < nodes.length; i++) visit(nodes[i] as ts.Node);
  for (const record of new Set(elidable.values())) if (!usedAsValue.has(record)) record.typeOnly = true;
  loadTime.finish();
  for (const c of collectors) c.finish(facts.evidence);
  facts.roleEvidence.listens = facts.listens;
  return facts;
}

/**
 * A reference as module facts keep it: plain data (they travel between threads and into the cache),
 * so a local declaration's syntax tree node is dropped; the facts read a local reference by name.
 */
function plainReference(ref: Reference | null): Reference | null {
  if (!ref || ref.kind !== 'local') return ref;
  return { ...ref, declaration: null as unknown as ts.Declaration };
}

/** The exports an import clause takes by name (`default` for a default import); undefined for a namespace import, which takes them all. */
function importedNames(clause: ts.ImportClause): string[] | undefined {
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) return undefined;
  const names = clause.name ? ['default'] : [];
  if (bindings) for (const e of bindings.elements) if (!e.isTypeOnly) names.push((e.propertyName ?? e.name).text);
  return names;
}

/** The local names an import binds that can hold values (`type`-marked specifiers bind none). */
function importBindings(clause: ts.ImportClause): string[] {
  const names: string[] = [];
  if (clause.name) names.push(clause.name.text);
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) names.push(bindings.name.text);
  else if (bindings) for (const e of bindings.elements) if (!e.isTypeOnly) names.push(e.name.text);
  return names;
}

/** Whether `node` runs inside a function body rather than when the module loads. */
function insideFunction(node: ts.Node): boolean {
  for (let n = node.parent; n && !ts.isSourceFile(n); n = n.parent) {
    if (ts.isFunctionLike(n) || ts.isClassStaticBlockDeclaration(n)) return !ts.isClassStaticBlockDeclaration(n);
  }
  return false;
}

// Kinds readsAsValue tests (it runs on every use of a TypeScript file's imported names), as plain numbers.
const IMPORT_BINDINGS = kindTable([ts.SyntaxKind.ImportClause, ts.SyntaxKind.ImportSpecifier, ts.SyntaxKind.NamespaceImport, ts.SyntaxKind.ImportEqualsDeclaration]);
const NAMED_MEMBERS = kindTable([ts.SyntaxKind.PropertyAssignment, ts.SyntaxKind.PropertyDeclaration, ts.SyntaxKind.MethodDeclaration, ts.SyntaxKind.PropertySignature, ts.SyntaxKind.MethodSignature]);
const PROPERTY_ACCESS = ts.SyntaxKind.PropertyAccessExpression;
const QUALIFIED_NAME = ts.SyntaxKind.QualifiedName;
const TYPE_REFERENCE = ts.SyntaxKind.TypeReference;

/**
 * An identifier that TypeScript keeps in the emitted JavaScript: not a declaration's name nor a
 * property name, and not in a type position (except a type that decorator metadata emits with or
 * without null checks: see metadataLevel in ./load-time.ts).
 */
function readsAsValue(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (IMPORT_BINDINGS[parent.kind] === 1) return false;
  if (parent.kind === PROPERTY_ACCESS && (parent as ts.PropertyAccessExpression).name === id) return false;
  if (parent.kind === QUALIFIED_NAME && (parent as ts.QualifiedName).right === id) return false;
  if (NAMED_MEMBERS[parent.kind] === 1 && (parent as ts.PropertyAssignment).name === id) return false;
  let n: ts.Node = id;
  while (n.parent.kind === QUALIFIED_NAME) n = n.parent;
  const holder = n.parent;
  if (holder.kind === TYPE_REFERENCE) return metadataLevel(holder as ts.TypeReferenceNode) === 'metadata';
  if (ts.isTypeQueryNode(holder) || ts.isImportTypeNode(holder) || ts.isTypeNode(holder) && !ts.isExpressionWithTypeArguments(holder)) return false;
  if (ts.isExpressionWithTypeArguments(holder)) {
    const clause = holder.parent;
    return ts.isHeritageClause(clause) && clause.token === ts.SyntaxKind.ExtendsKeyword && ts.isClassLike(clause.parent);
  }
  return true;
}

export { isModuleLevel };
