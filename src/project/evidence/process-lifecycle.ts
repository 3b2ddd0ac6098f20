// Process lifecycle evidence: the `process.on(…)` handlers a file installs (unhandledRejection,
// uncaughtException, SIGTERM, SIGINT), what each handler does (exits, rethrows, closes a server
// or a pool), and framework shutdown hooks (`app.enableShutdownHooks()`); and, asked for apart
// (`exportedEffects`), what the file's exported functions do (a handler is often imported). Read by
// require-process-error-handlers and require-graceful-shutdown.
//
// What a function does is learnt only for the functions asked about (the handlers, after the file's
// walk; the exported functions, when `exportedEffects` is called): each exit, throw or call marks
// the innermost function around it, each function links to the functions nested in it and to the
// local functions it calls, and the fold follows the marks along those links. Marking every
// function of every file during the walk cost a sixth of the facts pass; what every file's exported
// functions do, computed in the facts pass, was most of this collector's cost, and only the files a
// handler imports from are ever asked about.
import { ts } from '../../core/typescript.js';
import { calleeName, unwrap } from '../../core/references.js';
import { isFunctionLike } from '../../core/scope.js';
import type { Reference } from '../../core/types.js';
import type { EvidenceCollector, EvidenceContext, ModuleEvidence } from './index.js';
import { mentions } from './mentions.js';

export interface HandlerEffects {
  /** Ends the process: `process.exit/abort`, a (re)throw, a call named like exit/shutdown/kill, or `process.exitCode` set and something closed. */
  exits: boolean;
  /** Closes something: `.close()`, `.end()`, `.stop()`, `.disconnect()`, a call named like shutdown/close/cleanup. */
  closes: boolean;
  /** Calls a method this pass cannot judge (`shutdownSignal.emit()`, `controller.abort()`), other than logging. */
  opaque: boolean;
  /** Exported functions of other project files it calls (`file#name`), judged by the rule from their files. */
  calls: string[];
}

export type HandlerTarget =
  | { kind: 'effects'; effects: HandlerEffects }
  /** An exported function of another project file, judged from that file's `exported`. */
  | { kind: 'import'; file: string; name: string }
  /** A handler this pass cannot see into (a parameter, `handler.bind(this)`, a package's function). */
  | { kind: 'unknown' };

export interface ProcessHandler {
  /** The process event, or '*' when it is not a static string. */
  event: string;
  line: number;
  column: number;
  handler: HandlerTarget;
}

export interface ProcessLifecycleEvidence {
  handlers: ProcessHandler[];
  /** Framework shutdown hooks seen (`enableShutdownHooks()`). */
  shutdownHooks: string[];
  /**
   * Error reporters whose start-up installs both process error handlers (`Sentry.init()` from
   * @sentry/node, `Bugsnag.start()`, elastic-apm-node's `start()`), by package.
   */
  errorReporters: string[];
}

/** Package → the member whose call installs `uncaughtException` and `unhandledRejection` handlers. */
const ERROR_REPORTER_STARTS: Record<string, string> = {
  '@sentry/node': 'init',
  '@sentry/nestjs': 'init',
  '@sentry/bun': 'init',
  '@bugsnag/js': 'start',
  '@bugsnag/node': 'start',
  'elastic-apm-node': 'start',
};

const LISTEN_METHODS_LIST = ['on', 'once', 'addListener', 'prependListener', 'prependOnceListener'];
const LISTEN_METHODS = new Set(LISTEN_METHODS_LIST);
/** The member names of the calls the walk records: handler registrations and error reporters' starts. */
const WALK_MEMBERS = new Set([...LISTEN_METHODS_LIST, 'setUncaughtExceptionCaptureCallback', ...Object.values(ERROR_REPORTER_STARTS)]);

/** What a file that registers a process handler or starts an error reporter names. */
const REGISTRATION_NAMES = ['process', ...Object.keys(ERROR_REPORTER_STARTS)];

const WATCHED_EVENTS = new Set(['unhandledRejection', 'uncaughtException', 'SIGTERM', 'SIGINT', '*']);

const EXIT_WORDS = new Set(['exit', 'terminate', 'kill', 'abort', 'crash', 'die', 'quit', 'halt']);
const CLOSE_WORDS = new Set(['close', 'stop', 'terminate', 'disconnect', 'destroy', 'drain', 'quit', 'graceful', 'dispose', 'abort']);

function wordsOf(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

/**
 * What a callee's name says, computed once per name: the collector asks it of every call in the
 * project, and splitting names into words is the costly part. 1 = exit, 2 = close (a bit set).
 */
const nameVerdicts = new Map<string, number>();
function nameVerdict(name: string): number {
  let v = nameVerdicts.get(name);
  if (v === undefined) {
    const lower = name.toLowerCase();
    const words = wordsOf(name);
    const exit = lower.includes('shutdown') || words.some((w) => EXIT_WORDS.has(w));
    const close = name === 'end' || lower.includes('shutdown') || lower.includes('cleanup') || lower.includes('teardown') || words.some((w) => CLOSE_WORDS.has(w));
    v = (exit ? 1 : 0) | (close ? 2 : 0);
    // Bounded, for long-lived processes (an editor's ESLint server).
    if (nameVerdicts.size >= 50_000) nameVerdicts.clear();
    nameVerdicts.set(name, v);
  }
  return v;
}

/** `exitHandler()`, `gracefulShutdown()`, `killServer()`: the name says the process ends. */
export function namedLikeExit(name: string): boolean {
  return (nameVerdict(name) & 1) !== 0;
}

/** `server.close()`, `pool.end()`, `redis.quit()`, `cleanup()`: the name says something is closed. */
export function namedLikeClose(name: string): boolean {
  return (nameVerdict(name) & 2) !== 0;
}

interface Marks {
  exit: boolean;
  exitCode: boolean;
  closes: boolean;
  opaque: boolean;
  calls: Set<string>;
}

const forEachChild = ts.forEachChild;
const CALL = ts.SyntaxKind.CallExpression;
const THROW = ts.SyntaxKind.ThrowStatement;
const BINARY = ts.SyntaxKind.BinaryExpression;
const EQUALS = ts.SyntaxKind.EqualsToken;

const PROMISE_STEPS = new Set(['then', 'catch', 'finally']);
const noMarks = (): Marks => ({ exit: false, exitCode: false, closes: false, opaque: false, calls: new Set() });
/** Receivers whose methods only log: `console`, `logger`, `this.log`, `fastify.log`, `appLogger`. */
const LOGGER = /(^|\.)(console|log|logger|\w*Logger)$/i;
const LOGGER_WORD = /^(console|log|logger|\w*Logger)$/i;
const WORD_CHAR = /\w/;

/**
 * `LOGGER.test(expr.getText(sf))` without building the text (this runs on every method call): the
 * trailing run of word characters must be a logger word, preceded by a `.` or starting the expression.
 */
function looksLikeLogger(expr: ts.Expression, sf: ts.SourceFile): boolean {
  const text = sf.text;
  const end = expr.end;
  let i = end;
  while (i > expr.pos && WORD_CHAR.test(text[i - 1] as string)) i--;
  if (i === end || !LOGGER_WORD.test(text.slice(i, end))) return false;
  return text[i - 1] === '.' || i === expr.getStart(sf);
}

function isProcessMember(ref: Reference | null, member: string): boolean {
  if (!ref || ref.path.length !== 1 || ref.path[0] !== member) return false;
  return (ref.kind === 'global' && ref.name === 'process') || (ref.kind === 'module' && !ref.resolved && ref.module === 'process');
}

/** A file's lifecycle analysis: the collector of its evidence, and what its exported functions do (asked for separately). */
function lifecycle(ctx: EvidenceContext): { collector: EvidenceCollector; exported: () => Record<string, HandlerEffects> } {
  const marks = new Map<ts.Node, Marks>();
  const links = new Map<ts.Node, Set<ts.Node>>();
  const registrations: Array<{ events: string[]; handler: ts.Expression | undefined; at: ts.Node }> = [];
  const exportedNodes = new Map<string, ts.Expression | ts.FunctionDeclaration>();
  const shutdownHooks: string[] = [];
  const errorReporters: string[] = [];

  /**
   * The marks of a function and its links, from the nodes whose innermost function it is: its
   * subtree without the functions nested in it, to which it links instead. Each function is walked
   * once, when a handler or an export first needs it.
   */
  const analyse = (fn: ts.Node): void => {
    if (marks.has(fn)) return;
    const own = noMarks();
    const out = new Set<ts.Node>();
    marks.set(fn, own);
    links.set(fn, out);
    const step = (node: ts.Node): undefined => {
      if (isFunctionLike(node)) {
        out.add(node);
        return undefined;
      }
      if (node.kind === THROW) own.exit = true;
      else if (node.kind === BINARY) {
        const b = node as ts.BinaryExpression;
        if (b.operatorToken.kind === EQUALS) {
          const left = unwrap(b.left);
          if ((ts.isPropertyAccessExpression(left) || ts.isElementAccessExpression(left)) && isProcessMember(ctx.referenceOf(left), 'exitCode')) own.exitCode = true;
        }
      } else if (node.kind === CALL) callEffects(node as ts.CallExpression, own, out);
      return forEachChild(node, step);
    };
    forEachChild(fn, step);
  };

  /** What a call inside a function adds to its marks and links (process.on registrations add nothing). */
  const callEffects = (node: ts.CallExpression, own: Marks, out: Set<ts.Node>): void => {
    const { callee, ref, kind } = classify(node);
    if (kind === 'exits') own.exit = true;
    if (kind !== 'other') return;
    const name = calleeName(node) ?? '';
    const verdict = name ? nameVerdict(name) : 0;
    const named = verdict !== 0;
    if (verdict & 1) own.exit = true;
    if (verdict & 2) own.closes = true;
    // functionOf(callee) asks the scope for the callee's declaration; its reference holds it (a
    // function, or a variable holding one, is a local reference; a global has none).
    const local = ts.isIdentifier(callee) && ref?.kind === 'local' ? functionOfDeclaration(ref.declaration) : undefined;
    if (local) out.add(local);
    else if (ref?.kind === 'module' && ref.resolved && ref.path.length === 1) own.calls.add(`${ref.resolved}#${ref.path[0]}`);
    else if (!named && ts.isPropertyAccessExpression(callee) && isOpaqueMethodCall(callee)) own.opaque = true;
  };

  /** The function a handler expression is: inline, a function declaration, or a `const f = () => …`. */
  const functionOf = (expr: ts.Node | undefined): ts.Node | undefined => {
    if (!expr) return undefined;
    const e = ts.isExpression(expr) ? unwrap(expr) : expr;
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e) || ts.isFunctionDeclaration(e)) return e;
    if (!ts.isIdentifier(e)) return undefined;
    return functionOfDeclaration(ctx.scope.declarationOf(e));
  };
  const functionOfDeclaration = (decl: ts.Node | undefined): ts.Node | undefined => {
    if (decl && ts.isFunctionDeclaration(decl)) return decl;
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer) {
      const init = unwrap(decl.initializer);
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
    }
    return undefined;
  };

  /** Strings an event argument can hold: a literal, a const, or the element of a literal array iterated by forEach/for-of. */
  const eventsOf = (arg: ts.Expression | undefined): string[] => {
    if (!arg) return ['*'];
    const e = unwrap(arg);
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [e.text];
    if (!ts.isIdentifier(e)) return ['*'];
    const decl = ctx.scope.declarationOf(e);
    if (decl && ts.isVariableDeclaration(decl)) {
      if (decl.initializer) {
        const init = unwrap(decl.initializer);
        if (ts.isStringLiteral(init)) return [init.text];
      }
      const loop = decl.parent.parent;
      if (ts.isForOfStatement(loop)) return stringsOfArray(loop.expression) ?? ['*'];
    }
    if (decl && ts.isParameter(decl) && decl.parent.parameters[0] === decl) {
      const fn = decl.parent;
      const call = fn.parent;
      if (ts.isCallExpression(call) && call.arguments[0] === fn && ts.isPropertyAccessExpression(call.expression) && ['forEach', 'map'].includes(call.expression.name.text)) {
        return stringsOfArray(call.expression.expression) ?? ['*'];
      }
    }
    return ['*'];
  };
  const stringsOfArray = (expr: ts.Expression): string[] | undefined => {
    let e = unwrap(expr);
    if (ts.isIdentifier(e)) {
      const decl = ctx.scope.declarationOf(e);
      if (decl && ts.isVariableDeclaration(decl) && decl.initializer) e = unwrap(decl.initializer);
    }
    if (!ts.isArrayLiteralExpression(e)) return undefined;
    const out: string[] = [];
    for (const el of e.elements) {
      if (!ts.isStringLiteral(el)) return undefined;
      out.push(el.text);
    }
    return out;
  };

  const recordExport = (name: string, value: ts.Expression | ts.FunctionDeclaration | undefined) => {
    if (value) exportedNodes.set(name, value);
  };
  const visitTopLevel = (statement: ts.Node) => {
    const exported = ts.canHaveModifiers(statement) && (ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false);
    const isDefault = ts.canHaveModifiers(statement) && (ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword) ?? false);
    if (ts.isFunctionDeclaration(statement) && exported) {
      const name = isDefault ? 'default' : statement.name?.text;
      if (name) recordExport(name, statement);
    } else if (ts.isVariableStatement(statement) && exported) {
      for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) recordExport(d.name.text, d.name);
    } else if (ts.isExportDeclaration(statement) && !statement.moduleSpecifier && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const s of statement.exportClause.elements) recordExport(s.name.text, s.propertyName && ts.isIdentifier(s.propertyName) ? s.propertyName : s.name);
    } else if (ts.isExportAssignment(statement)) {
      recordExport('default', statement.expression);
    } else if (ts.isExpressionStatement(statement)) {
      const e = unwrap(statement.expression);
      if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
      const left = unwrap(e.left);
      const text = left.getText(ctx.sourceFile);
      const right = unwrap(e.right);
      if (text === 'module.exports') {
        recordExport('default', right);
        if (ts.isObjectLiteralExpression(right)) {
          for (const p of right.properties) {
            if (ts.isShorthandPropertyAssignment(p)) recordExport(p.name.text, p.name);
            else if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) recordExport(p.name.text, p.initializer);
          }
        }
      } else if ((ts.isPropertyAccessExpression(left) && /^(module\.)?exports$/.test(left.expression.getText(ctx.sourceFile)))) {
        recordExport(left.name.text, right);
      }
    }
  };

  /** `emitter.emit(…)`, `controller.abort()`: a method of a project or package object, not logging nor a promise step. */
  const isOpaqueMethodCall = (callee: ts.PropertyAccessExpression): boolean => {
    if (PROMISE_STEPS.has(callee.name.text) || looksLikeLogger(callee.expression, ctx.sourceFile)) return false;
    const receiver = ctx.referenceOf(callee.expression);
    return receiver === null || receiver.kind !== 'global';
  };

  // A registration names `process`, and a reporter's start its package, in the file's text (see
  // ./mentions.ts): in a file that names none, no call is resolved.
  const registers = mentions(ctx.sourceFile, REGISTRATION_NAMES);

  /**
   * A call as both the walk and `analyse` see it: a handler registration (`process.on(…)`,
   * `process.setUncaughtExceptionCaptureCallback(…)`), an exit (`process.exit/abort/kill`), or another call.
   */
  const classify = (node: ts.CallExpression): { callee: ts.Expression; ref: Reference | null; kind: 'listens' | 'captures' | 'exits' | 'other' } => {
    const callee = unwrap(node.expression);
    const ref = ctx.referenceOf(callee);
    const listenMethod = ref?.path.length === 1 ? ref.path[0] : undefined;
    if (listenMethod && LISTEN_METHODS.has(listenMethod) && isProcessMember(ref, listenMethod)) return { callee, ref, kind: 'listens' };
    if (isProcessMember(ref, 'setUncaughtExceptionCaptureCallback')) return { callee, ref, kind: 'captures' };
    if (isProcessMember(ref, 'exit') || isProcessMember(ref, 'abort') || isProcessMember(ref, 'kill')) return { callee, ref, kind: 'exits' };
    return { callee, ref, kind: 'other' };
  };

  const memo = new Map<ts.Node, Marks>();
  const merge = (out: Marks, m: Marks) => {
    out.exit ||= m.exit;
    out.exitCode ||= m.exitCode;
    out.closes ||= m.closes;
    out.opaque ||= m.opaque;
    for (const c of m.calls) out.calls.add(c);
  };
  // What a function does is what every function it reaches along the links does. The fold is a
  // depth-first walk with a stack of its own (a chain of local functions, each calling the next,
  // is as long as the file makes it) that finds the strongly connected components on the way
  // (Tarjan's algorithm): the functions of a cycle reach the same functions, so each gets the
  // union its component's first function collected, whichever function a fold started from. A
  // function's result is kept once its component is complete.
  const fold = (start: ts.Node): Marks => {
    const hit = memo.get(start);
    if (hit) return hit;
    /** The order in which this fold reached each function, and the functions whose component is not complete yet. */
    const order = new Map<ts.Node, number>();
    const pending: ts.Node[] = [];
    const isPending = new Set<ts.Node>();
    const stack: Array<{ fn: ts.Node; out: Marks; next: ts.Node[]; i: number; low: number }> = [];
    const open = (fn: ts.Node) => {
      const own = marks.get(fn);
      order.set(fn, order.size);
      pending.push(fn);
      isPending.add(fn);
      stack.push({ fn, out: { ...noMarks(), ...own, calls: new Set(own?.calls) }, next: [...(links.get(fn) ?? [])], i: 0, low: order.size - 1 });
    };
    open(start);
    for (;;) {
      const top = stack[stack.length - 1] as (typeof stack)[number];
      if (top.i < top.next.length) {
        const next = top.next[top.i++] as ts.Node;
        const done = memo.get(next);
        if (done) merge(top.out, done);
        // A function of top's own component, met before: the component's first function collects it.
        else if (isPending.has(next)) top.low = Math.min(top.low, order.get(next) as number);
        else open(next);
        continue;
      }
      stack.pop();
      const parent = stack[stack.length - 1];
      if (top.low === order.get(top.fn)) {
        for (let member = pending.pop(); member !== undefined; member = pending.pop()) {
          isPending.delete(member);
          memo.set(member, top.out);
          if (member === top.fn) break;
        }
      } else if (parent) parent.low = Math.min(parent.low, top.low);
      if (!parent) return top.out;
      merge(parent.out, top.out);
    }
  };
  const effectsOf = (fn: ts.Node): HandlerEffects => {
    // Every function the fold will reach is analysed first, from a worklist: analysing one at
    // the bottom of the fold's recursion would stack its walk on the fold's.
    const work = [fn];
    for (let next = work.pop(); next; next = work.pop()) {
      if (marks.has(next)) continue;
      analyse(next);
      for (const linked of links.get(next) ?? []) work.push(linked);
    }
    const m = fold(fn);
    return { exits: m.exit || (m.exitCode && m.closes), closes: m.closes, opaque: m.opaque, calls: [...m.calls] };
  };

  const collector: EvidenceCollector = {
    kinds: [CALL],
    visit(node) {
      const call = node as ts.CallExpression;
      const name = calleeName(call);
      const hook = () => {
        if (name === 'enableShutdownHooks') shutdownHooks.push('enableShutdownHooks()');
      };
      // A member call's reference ends with the member's name (`process.on`, `Sentry.init`): the
      // other names are none of the calls looked for here, and their callee is not resolved.
      const member = ts.isPropertyAccessExpression(call.expression) || ts.isElementAccessExpression(call.expression);
      if (!registers || (member && (name === undefined || !WALK_MEMBERS.has(name)))) return hook();
      const { ref, kind } = classify(call);
      if (kind === 'listens') {
        const events = eventsOf(call.arguments[0]).filter((e) => WATCHED_EVENTS.has(e));
        if (events.length > 0) registrations.push({ events, handler: call.arguments[1], at: call });
        return;
      }
      if (kind === 'captures') {
        registrations.push({ events: ['uncaughtException'], handler: call.arguments[0], at: call });
        return;
      }
      if (ref?.kind === 'module' && !ref.resolved && ERROR_REPORTER_STARTS[ref.module] !== undefined) {
        const path = ref.path[0] === 'default' ? ref.path.slice(1) : ref.path;
        if (path.length === 1 && path[0] === ERROR_REPORTER_STARTS[ref.module]) errorReporters.push(ref.module);
      }
      if (kind !== 'exits') hook();
    },
    finish(evidence: ModuleEvidence) {
      const targetOf = (expr: ts.Expression | undefined): HandlerTarget => {
        const fn = functionOf(expr);
        if (fn) return { kind: 'effects', effects: effectsOf(fn) };
        if (!expr) return { kind: 'unknown' };
        const e = unwrap(expr);
        const ref = ctx.referenceOf(e);
        const [name] = ref?.path ?? [];
        if (ref?.kind === 'module' && ref.resolved && ref.path.length === 1 && name !== undefined) return { kind: 'import', file: ref.resolved, name };
        if (ts.isPropertyAccessExpression(e)) {
          const member = e.name.text;
          const byName = { exits: namedLikeExit(member), closes: namedLikeClose(member), opaque: false, calls: [] };
          if (byName.exits || byName.closes) return { kind: 'effects', effects: byName };
          // `console.error`, `logger.error`: the handler only logs.
          if (LOGGER.test(e.expression.getText(ctx.sourceFile))) return { kind: 'effects', effects: byName };
        }
        return { kind: 'unknown' };
      };

      const handlers: ProcessHandler[] = [];
      for (const r of registrations) {
        const handler = targetOf(r.handler);
        const at = ctx.position(r.at);
        for (const event of r.events) handlers.push({ event, line: at.line, column: at.column, handler });
      }
      evidence.processLifecycle = { handlers, shutdownHooks, errorReporters };
    },
  };

  /** What each exported function does, by export name (the exports read from the top-level statements). */
  const exported = (): Record<string, HandlerEffects> => {
    for (const statement of ctx.sourceFile.statements) visitTopLevel(statement);
    // No prototype: an export may be named `__proto__` or `toString`.
    const out = Object.create(null) as Record<string, HandlerEffects>;
    for (const [name, value] of exportedNodes) {
      const fn = functionOf(value);
      if (fn) out[name] = effectsOf(fn);
    }
    return out;
  };
  return { collector, exported };
}

export const processLifecycleCollector = (ctx: EvidenceContext): EvidenceCollector => lifecycle(ctx).collector;

/**
 * What each exported function of a file does (exits, closes, calls into other files' exports), by
 * export name: asked for by ../lifecycle.ts when a handler in another file imports one, from the
 * file's syntax tree (../facts.ts `lifecycleExports`), rather than for every file in the facts pass,
 * where it was the costliest collector's main work.
 */
export function exportedEffects(ctx: EvidenceContext): Record<string, HandlerEffects> {
  return lifecycle(ctx).exported();
}
