// Request-input taint tracking: where a value read from the request (`req.query.file`, a NestJS
// `@Param()`, Hono's `c.req.query('q')`) flows inside a file, into the file's own functions, and
// into functions of other project files, until it reaches a sink that an injection rule declares
// (`child_process.exec`, `fs.readFile`) or a sanitizer ends the flow. One engine serves every
// injection rule: a rule is a `SinkKind` (./sinks/) and reads `taintFlows(context, kind)`.
//
// The analysis walks each request handler of the file (the handler model decides which functions
// are handlers; nothing here guesses from parameter names) in source order, keeping the taint of
// each variable. It is deliberately simple: no types, no heap; a property of a tainted object is
// tainted, an unknown call's result is not (precision first), a reassignment with a clean value
// clears a variable only on a straight line from its declaration. Calls into functions of this file
// are followed through per-function summaries (one per parameter, memoised, depth-bounded,
// recursion-safe); calls into other project files through the summaries of that file's exported
// functions (`summariseFile`, which the project facts compute when a rule first asks: see
// ../project/facts.ts `taintSummary`), resolved here with the project's exports.
import { ts } from './typescript.js';
import type { ProjectFacts } from '../project/facts.js';
import { calleeOfReference, constructorMembers, exportedValues, handlerModelOf, hasDecorator, importedReference, localFunction, localMember, seededFunctions, type ImportedCallee } from './handlers.js';
import { createHelpers, type Helpers } from './helpers.js';
import { isFunctionNode, type FunctionNode } from './promises.js';
import { calleeName, memberFunctionOf, memberName, unwrap } from './references.js';
import type { FileInfo, Listeners, Reference, ReportDescriptor, TraceStep } from './types.js';
import { SINK_KINDS } from './sinks/index.js';
import { installsGlobalValidationPipe, zodPipeValidates } from '../project/evidence/validation.js';

export type { TraceStep };

/** A sink a rule declares: a call that must not receive request-derived values in `args`. */
export interface SinkMatch {
  /** How the message names the sink: `fs.readFile`, `child_process.exec`. */
  sink: string;
  /** The expressions whose request-derived value is the flaw (the command, the path). */
  args: readonly ts.Expression[];
}

/** An injection kind: its sinks, and what makes a value safe for it. */
export interface SinkKind {
  /** Stable id, recorded in the facts' summaries: `command`, `path`, `sql`… */
  id: string;
  /** Function or method names that can be this kind's sinks: a cheap filter before `match`. */
  names: ReadonlySet<string>;
  /** The call is a sink of this kind: its name and the arguments that matter. */
  match(call: ts.CallExpression | ts.NewExpression, helpers: Helpers): SinkMatch | undefined;
  /** The call's result is safe for this kind (`path.basename(x)`, `shellQuote.quote([x])`). */
  sanitizes?(call: ts.CallExpression | ts.NewExpression, helpers: Helpers): boolean;
  /**
   * A check that, in an `if` with an early exit (or around the code it guards), confines a value
   * for this kind: returns the checked expression (`p` of `p.startsWith(root)`).
   */
  confines?(call: ts.CallExpression, helpers: Helpers): ts.Expression | readonly ts.Expression[] | undefined;
  /**
   * A comparison that, when it holds as an equality (`===` true, `!==` false), confines values for
   * this kind: `new URL(x, base).origin === base` confines `x`.
   */
  confinesComparison?(cmp: ts.BinaryExpression, helpers: Helpers): readonly ts.Expression[] | undefined;
  /** An assignment that is a sink of this kind (`ctx.body = html`); its target's member name is in `names`. */
  matchAssignment?(node: ts.BinaryExpression, helpers: Helpers): SinkMatch | undefined;
  /** A schema parse/validation ends the flow (default true; `no-ssrf` says a schema's `.url()` does not). */
  schemaSanitizes?: boolean;
  /**
   * Request input that cannot carry this kind's flaw, by the request member it is read from
   * (`params` of `req.params.id`, `json` of Hono's `c.req.json()`): `req.params` values are always
   * strings, so they cannot be a Mongo operator object.
   */
  ignoresSource?(member: string): boolean;
  /** `typeof x === 'string'` (or `'number'`, `'boolean'`) confines `x` for this kind: a scalar is safe. */
  typeofConfines?: boolean;
}

/** A request-derived value reaching a sink, for a rule to report. */
export interface TaintFlow {
  kind: string;
  /** Where to report: the sink call, or the call into the project function that reaches it. */
  node: ts.Node;
  /** The request value as written: `req.query.file`, `@Param('name') name`. */
  source: string;
  /** The sink: `fs.readFile`. */
  sink: string;
  /** Set when the sink is in another file: the project call that leads there (`storage.read`) and its file. */
  via?: { call: string; file: string };
  /** The steps from the read to the sink (files relative to the scanned root). */
  trace: TraceStep[];
}

// ---- Summaries (plain data: they go between threads and into the cache) -----------------------

/** What one parameter of a project function reaches. */
export interface ParamTaint {
  sinks: Array<{ kind: string; sink: string; cleared: string[]; trace: TraceStep[] }>;
  /** Calls of other project functions the parameter is passed to (resolved at lookup). */
  calls: Array<{ module: string; path: string[]; arg: number; cleared: string[]; trace: TraceStep[] }>;
  /** The parameter flows into the return value. */
  returns: { cleared: string[]; trace: TraceStep[] } | null;
}

/** Per exported function or method (`name`, `Class.method`): per parameter index, what it reaches. */
export type TaintSummaries = Record<string, Record<number, ParamTaint>>;

// ---- Engine -----------------------------------------------------------------------------------

interface Taint {
  source: string;
  steps: readonly TraceStep[];
  cleared: ReadonlySet<string>;
  /** In a summary: the parameter this taint stands for. */
  param?: number;
}

interface Hit {
  kind: string;
  node: ts.Node;
  sink: string;
  taint: Taint;
  via?: { call: string; file: string };
}

interface CallRecord {
  ref: Extract<Reference, { kind: 'module' }>;
  arg: number;
  taint: Taint;
}

interface Summary {
  hits: Hit[];
  returns: Taint | undefined;
  calls: CallRecord[];
}

const EMPTY: Summary = { hits: [], returns: undefined, calls: [] };
const ALL = '*';
const MAX_DEPTH = 4;
const MAX_STEPS = 24;
const MAX_PARAMS = 8;

/** Request members that carry client input (Express, Fastify, Koa ctx, node:http). */
const SOURCE_PROPS = new Set(['body', 'query', 'params', 'headers', 'cookies', 'signedCookies', 'url', 'originalUrl', 'path', 'querystring', 'search', 'href', 'rawBody']);
/** Request methods that return client input: `req.get(h)`, Koa `ctx.get(h)`, Hono `c.req.query(k)`. */
const SOURCE_METHODS = new Set(['get', 'header', 'param', 'query', 'queries', 'json', 'text', 'parseBody', 'formData', 'arrayBuffer', 'blob']);
/** Upload objects: only the client-given names are input (`req.file.originalname`), not the server's temp paths. */
const UPLOAD_PROPS = new Set(['file', 'files']);
const UPLOAD_NAMES = new Set(['originalname', 'originalName', 'originalFilename', 'name', 'filename', 'fileName']);
/** Methods whose result carries the receiver's taint (strings, arrays, URLs). */
const PROPAGATING_METHODS = new Set([
  'trim', 'trimStart', 'trimEnd', 'toLowerCase', 'toUpperCase', 'toLocaleLowerCase', 'toLocaleUpperCase', 'slice', 'substring', 'substr', 'split', 'replace', 'replaceAll',
  'concat', 'join', 'padStart', 'padEnd', 'normalize', 'toString', 'valueOf', 'repeat', 'at', 'charAt', 'flat', 'map', 'filter', 'reverse', 'sort', 'find', 'pop', 'shift',
  'get', 'getAll', 'values', 'entries', 'keys', 'toJSON', 'trimLeft', 'trimRight',
]);
/** Methods that hand their receiver's elements to a callback's first parameter. */
const ITERATING_METHODS = new Set(['forEach', 'map', 'filter', 'some', 'every', 'find', 'findIndex', 'flatMap', 'then']);
/** Methods that put an argument into their receiver. */
const MUTATING_METHODS = new Set(['push', 'unshift', 'splice', 'set', 'append', 'add']);
/** Global functions whose result carries their first argument. */
const PROPAGATING_GLOBALS = new Set(['String', 'decodeURIComponent', 'decodeURI', 'encodeURI', 'escape', 'unescape', 'structuredClone']);
/** Modules whose functions carry any argument into the result. */
const PROPAGATING_MODULES = new Set(['path', 'url', 'querystring', 'util']);
const PROPAGATING_STATICS = new Set(['JSON.parse', 'JSON.stringify', 'Object.assign', 'Object.values', 'Object.entries', 'Object.keys', 'Object.fromEntries', 'Array.from', 'Array.of', 'Buffer.from', 'Promise.resolve', 'Promise.all', 'String.raw']);
/** Conversions to numbers and booleans end every flow. */
const SCALAR_GLOBALS = new Set(['Number', 'parseInt', 'parseFloat', 'Boolean', 'BigInt', 'isNaN', 'isFinite']);
/** Schema parse/validation: zod, joi, yup, superstruct, valibot, ajv. */
const SCHEMA_METHODS = new Set(['parse', 'safeParse', 'parseAsync', 'safeParseAsync', 'validate', 'validateAsync', 'validateSync', 'cast', 'create', 'assert']);
const NOT_SCHEMA_RECEIVERS = /^(JSON|Date|path|url|querystring|qs|URL|console|assert|Object|Array|Buffer|Math|Number|String)$/;
/**
 * Predicates whose name says they check a value against what is allowed: `isValidFileName(x)`,
 * `isAllowedHost(x)`, `verifyFileExists(id)`. Type checks (`isString`) and file-existence checks
 * (`fs.existsSync`) are not: `/etc/passwd` is a string and exists.
 */
const CHECKING_PREDICATE = /valid|safe|allow|whitelist|permit|trusted|supported|known|verify/i;
const NOT_CHECKING = new Set(['exists', 'existsSync', 'pathExists', 'pathExistsSync', 'access', 'accessSync']);
/** NestJS and routing-controllers parameter decorators that inject request input. */
const NEST_INPUT = ['Body', 'Query', 'Param', 'Headers'];
const ROUTING_CONTROLLERS_INPUT = ['Body', 'BodyParam', 'QueryParam', 'QueryParams', 'Param', 'Params', 'HeaderParam', 'HeaderParams', 'CookieParam', 'CookieParams', 'UploadedFile'];
/** Built-in NestJS pipes that turn a parameter into a number, boolean or UUID. */
const SCALAR_PIPES = /^(ParseIntPipe|ParseFloatPipe|ParseBoolPipe|ParseUUIDPipe|ParseEnumPipe)$/;

export interface TaintContext {
  file: FileInfo;
  helpers: Helpers;
  project: ProjectFacts;
}

/** Where an analysis runs: a rule checking a file (imports resolve through the facts), or the facts pass (recorded). */
interface Env {
  file: string;
  helpers: Helpers;
  kinds: readonly SinkKind[];
  /** Rule mode: project lookups for imported calls. Absent in the facts pass. */
  project?: ProjectFacts;
  /** The file's handlers are Koa's: `ctx.body` is the response being written, not input (that is `ctx.request.body`). */
  koa?: boolean;
}

const cache = new WeakMap<ts.SourceFile, { project: ProjectFacts; kinds: readonly SinkKind[]; flows: Hit[] }>();

/**
 * The request-derived flows of the file into sinks of `kind` (each sink reported once, with the
 * first flow found). `kind` is normally one of SINK_KINDS (then one analysis serves every rule).
 */
export function taintFlows(context: TaintContext, kind: SinkKind): TaintFlow[] {
  const { sourceFile } = context.file;
  const kinds = SINK_KINDS.includes(kind) ? SINK_KINDS : [kind];
  let hit = cache.get(sourceFile);
  if (!hit || hit.project !== context.project || hit.kinds !== kinds) {
    hit = { project: context.project, kinds, flows: analyseFile(context, kinds) };
    cache.set(sourceFile, hit);
  }
  const root = context.file.path.slice(0, context.file.path.length - context.file.relPath.length);
  const rel = (f: string) => (f.startsWith(root) ? f.slice(root.length) : f);
  const seen = new Set<ts.Node>();
  const out: TaintFlow[] = [];
  for (const h of hit.flows) {
    if (h.kind !== kind.id || seen.has(h.node)) continue;
    seen.add(h.node);
    out.push({
      kind: h.kind,
      node: h.node,
      source: h.taint.source,
      sink: h.sink,
      ...(h.via ? { via: { call: h.via.call, file: rel(h.via.file) } } : {}),
      trace: h.taint.steps.map((s) => ({ ...s, file: rel(s.file) })),
    });
  }
  return out.sort((a, b) => a.node.pos - b.node.pos);
}

/** Injection rules judge server code: not tests, browser code or command-line tools. */
export function servesRequests(file: FileInfo): boolean {
  return !(file.roles.has('test') || file.roles.has('browser') || file.roles.has('cli'));
}

/**
 * A flow as a report: message `messageId` (data `source`, `sink`), or `<messageId>ThroughProject`
 * (`throughProject` for `tainted`; data also `via`, `file`) when the sink is in another project file.
 */
export function flowReport(flow: TaintFlow, messageId = 'tainted'): ReportDescriptor {
  const through = messageId === 'tainted' ? 'throughProject' : `${messageId}ThroughProject`;
  return {
    node: flow.node,
    messageId: flow.via ? through : messageId,
    data: { source: flow.source, sink: flow.sink, ...(flow.via ? { via: flow.via.call, file: flow.via.file } : {}) },
    trace: flow.trace,
  };
}

/**
 * The messages `flowReport` chooses between for a rule's flows: `tainted`, and `throughProject` when
 * the sink is in another project file. `as` says what the value becomes there (` as SQL text`).
 */
export function flowMessages(advice: string, as = ''): { tainted: string; throughProject: string } {
  return {
    tainted: `\`{{source}}\` reaches \`{{sink}}\`${as}: ${advice}`,
    throughProject: `\`{{source}}\` reaches \`{{sink}}\` in {{file}} through \`{{via}}\`${as}: ${advice}`,
  };
}

/**
 * The listeners of an injection rule: sites are the sink calls of `kind`; at the end of the file,
 * `reportFlows` reports (default: every flow into `kind`, with `flowReport`).
 */
export function injectionListeners(
  context: TaintContext & { countSite(node: ts.Node): void; report(d: ReportDescriptor): void },
  kind: SinkKind,
  reportFlows: () => void = () => {
    for (const flow of taintFlows(context, kind)) context.report(flowReport(flow));
  },
): Listeners {
  if (!servesRequests(context.file)) return {};
  const site = (node: ts.Node) => {
    if (isSinkSite(node, kind, context.helpers)) context.countSite(node);
  };
  return {
    CallExpression: site,
    NewExpression: site,
    ...(kind.matchAssignment ? { BinaryExpression: site } : {}),
    SourceFile: reportFlows,
  };
}

/** A call (or, for kinds that have them, an assignment) that is a sink of `kind`: a site of its rule. */
export function isSinkSite(node: ts.Node, kind: SinkKind, helpers: Helpers): boolean {
  if (ts.isCallExpression(node) || ts.isNewExpression(node)) return kind.names.has(calleeName(node) ?? '') && !!kind.match(node, helpers);
  return !!kind.matchAssignment && ts.isBinaryExpression(node) && assignedMember(node, kind) && !!kind.matchAssignment(node, helpers);
}

function analyseFile(context: TaintContext, kinds: readonly SinkKind[]): Hit[] {
  const { helpers, project, file } = context;
  const model = handlerModelOf(context);
  const env: Env = { file: file.path, helpers, kinds, project, koa: model.handlers.some((h) => h.framework === 'koa') };
  const analysis = new Analysis(env);
  const hits: Hit[] = [];
  for (const handler of model.handlers) {
    const seeds = new Map<ts.Node, Taint | 'request'>();
    if (handler.framework === 'nestjs' || handler.framework === 'routing-controllers') {
      for (const p of handler.fn.parameters) {
        const seed = decoratedInput(p, handler.framework, helpers, project, file.path, kinds);
        if (seed) seeds.set(p, seed === 'request' ? seed : ignoredBy(seed, kinds, decoratedMember(p)));
      }
    } else if (handler.request) {
      seeds.set(handler.request, 'request');
    }
    if (seeds.size > 0) hits.push(...analysis.run(handler.fn, seeds).hits);
  }
  // Route handlers declared here and registered in another file: `export const download = (req, res) => …`.
  for (const fn of seededFunctions(file.sourceFile, project.routeHandlerExports(file.path), helpers)) {
    if (model.handlerOf(fn)) continue;
    const request = fn.parameters[fn.parameters.length === 4 ? 1 : 0];
    if (request) hits.push(...analysis.run(fn, new Map([[request, 'request' as const]])).hits);
  }
  return hits;
}

/** The seed of a decorated controller parameter: request input, the request object, or nothing (validated, scalar). */
function decoratedInput(p: ts.ParameterDeclaration, framework: string, helpers: Helpers, project: ProjectFacts, file: string, kinds: readonly SinkKind[]): Taint | 'request' | undefined {
  const module = framework === 'nestjs' ? '@nestjs/common' : 'routing-controllers';
  if (hasDecorator(p, helpers, module, 'Req', 'Request')) return 'request';
  if (!hasDecorator(p, helpers, module, ...(framework === 'nestjs' ? NEST_INPUT : ROUTING_CONTROLLERS_INPUT))) return undefined;
  const decorators = ts.canHaveDecorators(p) ? (ts.getDecorators(p) ?? []) : [];
  // @Param('id', ParseIntPipe), @Query('page', new ParseIntPipe())
  const pipes = decorators.flatMap((d) => (ts.isCallExpression(d.expression) ? d.expression.arguments.slice(0) : []));
  if (pipes.some((a) => SCALAR_PIPES.test((ts.isNewExpression(a) ? a.expression : a).getText()))) return undefined;
  // A DTO class validated by class-validator: a ValidationPipe (global, on the method or the parameter), or routing-controllers' default.
  // NestJS runs no pipe on @Headers(): a class there is only a type.
  if (isDtoClass(p) && !hasDecorator(p, helpers, module, 'Headers') && (framework === 'routing-controllers' || pipes.some((a) => !ts.isStringLiteral(a)) || installsGlobalValidationPipe(project.repositoryModules) || hasDecorator(p.parent, helpers, module, 'UsePipes'))) return undefined;
  if (p.type && isScalarType(p.type)) return undefined;
  const decorator = decorators[0]?.getText() ?? '';
  const input: Taint = { source: `${decorator} ${p.name.getText()}`, steps: [step(file, p, `request input \`${decorator} ${p.name.getText()}\``)], cleared: new Set() };
  // A DTO a global zod pipe parses has passed a schema parse, as `Schema.parse(body)` in the handler (see callTaint).
  if (framework === 'nestjs' && zodPipeValidates(p, file, helpers, project)) {
    return kinds.every((k) => k.schemaSanitizes !== false) ? undefined : clear(input, kinds.filter((k) => k.schemaSanitizes !== false).map((k) => k.id));
  }
  return input;
}

/** The request member a NestJS / routing-controllers input decorator reads: `@Param()` → `params`. */
function decoratedMember(p: ts.ParameterDeclaration): string {
  const d = ts.canHaveDecorators(p) ? ts.getDecorators(p)?.[0]?.expression : undefined;
  const name = d ? (ts.isCallExpression(d) ? d.expression : d).getText() : '';
  const MEMBERS: Record<string, string> = { Param: 'params', Params: 'params', Query: 'query', QueryParam: 'query', QueryParams: 'query', Headers: 'headers', HeaderParam: 'headers', HeaderParams: 'headers', CookieParam: 'cookies', CookieParams: 'cookies', UploadedFile: 'file' };
  return MEMBERS[name] ?? 'body';
}

/** The taint with the kinds that do not take input from `member` cleared (`SinkKind.ignoresSource`). */
function ignoredBy(t: Taint, kinds: readonly SinkKind[], member: string): Taint {
  const ignoring = kinds.filter((k) => k.ignoresSource?.(member)).map((k) => k.id);
  return ignoring.length === 0 ? t : clear(t, ignoring);
}

function isDtoClass(p: ts.ParameterDeclaration): boolean {
  return !!p.type && ts.isTypeReferenceNode(p.type) && !['Record', 'Partial', 'Array', 'Object', 'Promise', 'String'].includes(p.type.typeName.getText());
}

function isScalarType(t: ts.TypeNode): boolean {
  return t.kind === ts.SyntaxKind.NumberKeyword || t.kind === ts.SyntaxKind.BooleanKeyword || t.kind === ts.SyntaxKind.BigIntKeyword;
}


function step(file: string, node: ts.Node, what: string): TraceStep {
  const sf = node.getSourceFile();
  return { file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, what };
}

/** `t` with `next` appended to its trace (a copy of it, without): the first 4 and last MAX_STEPS - 4 steps of a longer one. */
function extend(t: Taint, next?: TraceStep): Taint {
  const all = t.steps.slice();
  if (next) all.push(next);
  return { ...t, steps: all.length > MAX_STEPS ? [...all.slice(0, 4), ...all.slice(-(MAX_STEPS - 4))] : all };
}

function clear(t: Taint, kinds: Iterable<string>): Taint {
  const cleared = new Set(t.cleared);
  for (const k of kinds) cleared.add(k);
  return { ...t, cleared };
}

/** The short text of a callee for trace steps: `storage.read`, `buildPath`. */
function calleeText(call: ts.CallExpression | ts.NewExpression): string {
  const text = unwrap(call.expression).getText().replace(/\s+/g, '');
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** Per-file analysis: runs of request handlers, and memoised summaries of the file's functions. */
export class Analysis {
  private readonly summaries = new Map<FunctionNode, Map<string, Summary | 'pending'>>();
  private depth = 0;
  private readonly indexes = new Map<FunctionNode, IdentifierIndex>();
  // What a call is, whatever the taint: asked again by every walk of the function (one per parameter).
  private readonly locals = new Map<ts.Expression, FunctionNode | null>();
  private readonly imports = new Map<ts.Expression, Extract<Reference, { kind: 'module' }> | null>();
  private readonly matches = new Map<ts.Node, Array<SinkMatch | undefined>>();
  private readonly sanitizers = new Map<ts.Node, string[]>();
  /** The guards the kinds' own checks make of a call (`Walk.kindChecks`). */
  readonly kindGuards = new Map<ts.CallExpression, Guard[]>();
  /** Per callee name, the indexes of the kinds whose sinks have that name. */
  readonly kindsByName: ReadonlyMap<string, readonly number[]>;

  constructor(readonly env: Env) {
    this.kindsByName = kindsByName(env.kinds);
  }

  /** A function of this file the callee names: `buildPath`, `this.resolveFile`, `helpers.clean`. */
  localTarget(callee: ts.Expression): FunctionNode | undefined {
    let fn = this.locals.get(callee);
    if (fn === undefined) {
      fn = (ts.isIdentifier(callee) ? localFunction(callee, this.env.helpers) : ts.isPropertyAccessExpression(callee) ? localMember(callee, this.env.helpers) : undefined) ?? null;
      this.locals.set(callee, fn);
    }
    return fn ?? undefined;
  }

  /** The project module a callee is imported from (see handlers.ts `importedReference`). */
  importedReference(callee: ts.Expression): Extract<Reference, { kind: 'module' }> | undefined {
    let ref = this.imports.get(callee);
    if (ref === undefined) {
      ref = importedReference(callee, this.env.helpers) ?? null;
      this.imports.set(callee, ref);
    }
    return ref ?? undefined;
  }

  /** `env.kinds[k].match(call)`, for the kinds whose names include the callee's. */
  sinkMatch(call: ts.CallExpression | ts.NewExpression, k: number): SinkMatch | undefined {
    let byKind = this.matches.get(call);
    if (!byKind) this.matches.set(call, (byKind = []));
    if (!(k in byKind)) byKind[k] = (this.env.kinds[k] as SinkKind).match(call, this.env.helpers);
    return byKind[k];
  }

  /** The kinds whose sanitizers the call is. */
  sanitizedBy(call: ts.CallExpression | ts.NewExpression): string[] {
    let ids = this.sanitizers.get(call);
    if (!ids) this.sanitizers.set(call, (ids = this.env.kinds.filter((k) => k.sanitizes?.(call, this.env.helpers)).map((k) => k.id)));
    return ids;
  }

  /** Where the identifiers and the sink sites of a walked function end (built on its first walk). */
  identifiers(fn: FunctionNode): IdentifierIndex {
    let index = this.indexes.get(fn);
    if (!index) this.indexes.set(fn, (index = identifierIndex(fn, this.env.kinds)));
    return index;
  }

  /** Walks `fn` with the given parameter seeds (a taint, or 'request' for the request object). */
  run(fn: FunctionNode, seeds: ReadonlyMap<ts.Node, Taint | 'request'>): Summary {
    const walk = new Walk(this, fn);
    for (const [param, seed] of seeds) {
      if (!ts.isParameter(param)) continue;
      if (seed === 'request') {
        if (ts.isIdentifier(param.name)) walk.addRequest(param, param.name);
        else walk.bindRequestPattern(param.name);
      } else {
        walk.bind(param.name, seed, param, false);
      }
    }
    walk.start();
    return { hits: walk.hits, returns: walk.returns, calls: walk.calls };
  }

  /** Some parameter of `fn` reaches a sink, a project call or the return value (all parameters tainted in one walk). */
  anyReach(fn: FunctionNode): boolean {
    if (!fn.body || fn.parameters.length === 0) return false;
    const seeds = new Map<ts.Node, Taint>();
    fn.parameters.forEach((p, i) => {
      if (i < MAX_PARAMS) seeds.set(p, { source: 'parameter', param: i, steps: [], cleared: new Set() });
    });
    return reaches(this.run(fn, seeds));
  }

  /**
   * `anyReach(fn) ? summaryOf(fn, 0, 'value') : undefined` for a function of one parameter, in one
   * walk: with one parameter, anyReach's walk is the parameter's own walk but for the trace. It
   * runs where anyReach's would (same depth, same memoised summaries, so the summaries of the local
   * functions it calls are computed as anyReach's walk computes them), and summaryOf's walk would
   * have found exactly those summaries memoised: its result is this walk's.
   */
  soleParameterSummary(fn: FunctionNode): Summary | undefined {
    const param = fn.parameters[0];
    if (!fn.body || !param || fn.parameters.length !== 1) return undefined;
    // Already summarised (another exported function called it): anyReach's walk still runs, for the summaries it memoises.
    if (this.summaries.get(fn)?.has('0:value')) return this.anyReach(fn) ? this.summaryOf(fn, 0, 'value') : undefined;
    const s = this.run(fn, new Map([[param, parameterSeed(this.env.file, fn, 0)]]));
    if (!reaches(s)) return undefined;
    let byKey = this.summaries.get(fn);
    if (!byKey) this.summaries.set(fn, (byKey = new Map()));
    const known = byKey.get('0:value'); // a recursive call memoised it during the walk
    if (known) return known === 'pending' ? EMPTY : known;
    const result = valueSummary(s, 0);
    byKey.set('0:value', result);
    return result;
  }

  /** What parameter `index` of a function of this file reaches: as a value (`param`) or as the request object. */
  summaryOf(fn: FunctionNode, index: number, mode: 'value' | 'request'): Summary {
    const param = fn.parameters[index];
    if (!param || index >= MAX_PARAMS || !fn.body) return EMPTY;
    let byKey = this.summaries.get(fn);
    if (!byKey) this.summaries.set(fn, (byKey = new Map()));
    const key = `${index}:${mode}`;
    const known = byKey.get(key);
    if (known === 'pending') return EMPTY; // recursion
    if (known) return known;
    if (this.depth >= MAX_DEPTH) return EMPTY;
    byKey.set(key, 'pending');
    this.depth++;
    try {
      const seed: Taint | 'request' = mode === 'request' ? 'request' : parameterSeed(this.env.file, fn, index);
      const summary = this.run(fn, new Map([[param, seed]]));
      const result = mode === 'value' ? valueSummary(summary, index) : summary;
      byKey.set(key, result);
      return result;
    } finally {
      this.depth--;
    }
  }
}

/** The taint of parameter `index` in its own summary walk, traced from the parameter. */
function parameterSeed(file: string, fn: FunctionNode, index: number): Taint {
  const param = fn.parameters[index] as ts.ParameterDeclaration;
  return { source: 'parameter', param: index, steps: [step(file, param, `parameter \`${param.name.getText()}\` of \`${functionName(fn)}\``)], cleared: new Set() };
}

/** What of a walk parameter `index` reaches. */
function valueSummary(s: Summary, index: number): Summary {
  return { hits: s.hits.filter((h) => h.taint.param === index), returns: s.returns?.param === index ? s.returns : undefined, calls: s.calls.filter((c) => c.taint.param === index) };
}

/** A walk with parameters tainted found a parameter reaching a sink, a project call or the return value. */
function reaches(s: Summary): boolean {
  return s.hits.some((h) => h.taint.param !== undefined) || s.calls.length > 0 || s.returns?.param !== undefined;
}

export function functionName(fn: FunctionNode): string {
  if (fn.name && (ts.isIdentifier(fn.name) || ts.isStringLiteral(fn.name))) {
    const cls = ts.isMethodDeclaration(fn) && ts.isClassLike(fn.parent) && fn.parent.name ? `${fn.parent.name.text}.` : '';
    return `${cls}${fn.name.text}`;
  }
  const p = fn.parent;
  if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) return p.name.text;
  return '(anonymous)';
}

type GuardKey = ts.Node | string;
interface Guard {
  key: GuardKey;
  kinds: ReadonlySet<string>;
}

/** One walk of one function body, in source order. */
class Walk {
  readonly vars = new Map<ts.Node, Taint>();
  readonly requests = new Set<ts.Node>();
  readonly hits: Hit[] = [];
  readonly calls: CallRecord[] = [];
  returns: Taint | undefined;
  private guards: Guard[] = [];
  private readonly env: Env;
  private readonly helpers: Helpers;
  /**
   * The names of the declarations ever put in `vars` or `requests`. Taint is only read through an
   * identifier that refers to one of them, so code without an identifier of these names cannot
   * carry taint, and the walk skips it (see `mentions`).
   */
  private readonly names = new Set<string>();
  private readonly identifiers: IdentifierIndex;
  /** The end positions of the root's identifiers of those names, in increasing order. */
  private named: readonly number[] = [];

  constructor(
    private readonly analysis: Analysis,
    private readonly root: FunctionNode,
  ) {
    this.env = analysis.env;
    this.helpers = analysis.env.helpers;
    this.identifiers = analysis.identifiers(root);
    this.named = this.identifiers.get(SINK_SITES) ?? [];
  }

  private setVar(decl: ts.Node, name: ts.Identifier, t: Taint): void {
    this.addName(name.escapedText as string);
    this.vars.set(decl, t);
  }

  addRequest(decl: ts.Node, name: ts.Identifier): void {
    this.addName(name.escapedText as string);
    this.requests.add(decl);
  }

  private addName(name: string): void {
    if (this.names.has(name)) return;
    this.names.add(name);
    const ends = this.identifiers.get(name);
    if (ends) this.named = this.named.length === 0 ? ends : mergeSorted(this.named, ends);
  }

  /**
   * The node contains an identifier named like a tainted variable or a request object (or the same
   * name in another scope), or a call or assignment that may be a sink: a sink's arguments may be
   * found outside the call (`find(filter)` checks the object `filter` was declared with).
   */
  private mentions(node: ts.Node): boolean {
    return endsWithin(this.named, node.pos, node.end);
  }


  start(): void {
    const body = this.root.body;
    if (!body) return;
    if (ts.isBlock(body)) this.visit(body);
    else {
      this.visit(body);
      this.recordReturn(body);
    }
  }

  // ---- statements ----

  /**
   * Visits a node unless visiting it cannot change what the walk finds: it has no reference to a
   * tainted value or to the request (so no taint is read, bound, passed or reported in it), it
   * leaves no guard for the code after it, and it is not a callback whose parameter the call binds
   * to its receiver. A switch on the kind, read once: this is the walk's hottest function.
   */
  private visit = (node: ts.Node): void => {
    const kind = node.kind;
    if (kind <= LAST_TOKEN) return; // identifiers, literals, keywords: no children, nothing to do
    if (!this.mentions(node) && !leavesGuards(node) && !(isFunctionNode(node) && node.parent.kind === K.CallExpression)) return;
    switch (kind) {
      case K.FunctionDeclaration:
      case K.FunctionExpression:
      case K.ArrowFunction:
      case K.MethodDeclaration:
        if (node !== this.root) return this.visitNested(node as FunctionNode);
        break;
      case K.ClassDeclaration:
      case K.ClassExpression:
      case K.InterfaceDeclaration:
      case K.TypeAliasDeclaration:
        return;
      case K.Block:
      case K.SourceFile:
      case K.ModuleBlock:
      case K.CaseClause:
      case K.DefaultClause:
        return this.visitBlock((node as ts.Block | ts.SourceFile | ts.ModuleBlock | ts.CaseOrDefaultClause).statements);
      case K.IfStatement:
        return this.visitIf(node as ts.IfStatement);
      case K.SwitchStatement:
        return this.visitSwitch(node as ts.SwitchStatement);
      case K.ConditionalExpression: {
        const c = node as ts.ConditionalExpression;
        this.visit(c.condition);
        this.withGuards(this.constrained(c.condition, true), () => this.visit(c.whenTrue));
        this.withGuards(this.constrained(c.condition, false), () => this.visit(c.whenFalse));
        return;
      }
      case K.ForOfStatement:
      case K.ForInStatement: {
        const loop = node as ts.ForOfStatement | ts.ForInStatement;
        if (!ts.isVariableDeclarationList(loop.initializer)) break;
        // The element is bound before the body runs.
        this.visit(loop.expression);
        const t = this.taintOf(loop.expression);
        const decl = loop.initializer.declarations[0];
        if (t && decl) this.bind(decl.name, extend(t, step(this.env.file, decl, `element \`${decl.name.getText()}\``)), decl, false);
        this.visit(loop.statement);
        return;
      }
    }
    ts.forEachChild(node, this.visit);
    switch (kind) {
      case K.VariableDeclaration: {
        const v = node as ts.VariableDeclaration;
        if (!v.initializer) return;
        const init = unwrap(v.initializer);
        if (ts.isIdentifier(init) && this.isRequest(init)) {
          if (ts.isIdentifier(v.name)) this.addRequest(v, v.name);
          else this.bindRequestPattern(v.name);
          return;
        }
        const t = this.taintOf(v.initializer);
        if (t) this.bind(v.name, t, v, true, v.initializer);
        return;
      }
      case K.BinaryExpression:
        if (isAssignment((node as ts.BinaryExpression).operatorToken.kind)) {
          this.assign(node as ts.BinaryExpression);
          this.visitAssignmentSink(node as ts.BinaryExpression);
        }
        return;
      case K.ReturnStatement:
        if ((node as ts.ReturnStatement).expression && this.ownerOf(node) === this.root) this.recordReturn((node as ts.ReturnStatement).expression as ts.Expression);
        return;
      case K.CallExpression:
      case K.NewExpression:
        this.visitCall(node as ts.CallExpression | ts.NewExpression);
    }
  };

  /** `ctx.body = html`: an assignment a kind declares as a sink. */
  private visitAssignmentSink(node: ts.BinaryExpression): void {
    for (const kind of this.env.kinds) {
      if (!kind.matchAssignment || !assignedMember(node, kind)) continue;
      const m = kind.matchAssignment(node, this.helpers);
      const t = m && firstTaint(m.args, (a) => this.taintOf(a));
      if (m && t && !isCleared(t, kind.id)) this.hits.push({ kind: kind.id, node, sink: m.sink, taint: extend(t, step(this.env.file, node, `reaches \`${m.sink}\``)) });
    }
  }

  private visitBlock(statements: ts.NodeArray<ts.Statement>): void {
    const saved = this.guards.length;
    for (const s of statements) this.visit(s);
    this.guards.length = saved;
  }

  private visitIf(node: ts.IfStatement): void {
    this.visit(node.expression);
    const whenTrue = this.constrained(node.expression, true);
    const whenFalse = this.constrained(node.expression, false);
    this.withGuards(whenTrue, () => this.visit(node.thenStatement));
    if (node.elseStatement) {
      const other = node.elseStatement;
      this.withGuards(whenFalse, () => this.visit(other));
    }
    // `if (!ALLOWED.includes(x)) return …;` — what follows runs only when the check passed.
    if (exits(node.thenStatement)) this.guards.push(...whenFalse);
    else if (node.elseStatement && exits(node.elseStatement)) this.guards.push(...whenTrue);
  }

  private visitSwitch(node: ts.SwitchStatement): void {
    this.visit(node.expression);
    for (const clause of node.caseBlock.clauses) {
      const literal = ts.isCaseClause(clause) && isLiteral(clause.expression);
      const guards = literal ? this.keyed(node.expression, new Set([ALL])) : [];
      if (ts.isCaseClause(clause)) this.visit(clause.expression);
      this.withGuards(guards, () => this.visitBlock(clause.statements));
    }
  }

  /** A callback inside the walked function: closures see its variables; iteration callbacks get the elements. */
  private visitNested(fn: FunctionNode): void {
    const call = fn.parent;
    if (ts.isCallExpression(call) && call.arguments[0] === fn) {
      const callee = unwrap(call.expression);
      const first = fn.parameters[0];
      if (first && ts.isPropertyAccessExpression(callee) && ITERATING_METHODS.has(callee.name.text)) {
        const t = this.taintOf(callee.expression);
        if (t) this.bind(first.name, t, first, false);
      }
    }
    if (fn.body) this.visit(fn.body);
  }

  private recordReturn(expr: ts.Expression): void {
    const t = this.taintOf(expr);
    if (t && !this.returns) this.returns = extend(t, step(this.env.file, expr, `returned by \`${functionName(this.root)}\``));
  }

  private ownerOf(node: ts.Node): ts.Node | undefined {
    for (let n = node.parent; n; n = n.parent) if (isFunctionNode(n)) return n;
    return undefined;
  }

  private assign(node: ts.BinaryExpression): void {
    const left = unwrap(node.left);
    // `x = v` takes v's taint; `x += v`, `x ||= v` keep x's too.
    const value = node.operatorToken.kind === ts.SyntaxKind.EqualsToken ? this.taintOf(node.right) : (this.taintOf(node.left) ?? this.taintOf(node.right));
    if (ts.isIdentifier(left)) {
      const decl = this.helpers.declarationOf(left);
      if (!decl) return;
      if (value) this.setVar(decl, left, extend(value, step(this.env.file, node, `assigned to \`${left.text}\``)));
      else if (node.operatorToken.kind === ts.SyntaxKind.EqualsToken && straightLine(node, decl)) this.vars.delete(decl);
      return;
    }
    // `options.file = req.query.file`: the object now holds request input.
    if (value && (ts.isPropertyAccessExpression(left) || ts.isElementAccessExpression(left))) this.taintRoot(left, value, node);
    if (value && (ts.isObjectLiteralExpression(left) || ts.isArrayLiteralExpression(left))) {
      for (const id of identifiersIn(left)) {
        const decl = this.helpers.declarationOf(id);
        if (decl) this.setVar(decl, id, extend(value, step(this.env.file, id, `assigned to \`${id.text}\``)));
      }
    }
  }

  private taintRoot(target: ts.Expression, value: Taint, at: ts.Node): void {
    let e = unwrap(target);
    while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) e = unwrap(e.expression);
    if (!ts.isIdentifier(e)) return;
    const decl = this.helpers.declarationOf(e);
    if (decl && !this.requests.has(decl) && !this.vars.has(decl)) this.setVar(decl, e, extend(value, step(this.env.file, at, `stored in \`${e.text}\``)));
  }

  /** Binds a declaration's name (or pattern) to a taint. */
  bind(name: ts.BindingName, t: Taint, at: ts.Node, record: boolean, init?: ts.Expression): void {
    if (ts.isIdentifier(name)) {
      const decl = this.helpers.declarationOf(name) ?? at;
      this.setVar(decl, name, record ? extend(t, step(this.env.file, at, `assigned to \`${name.text}\``)) : t);
      return;
    }
    // const { file, dir = '.' } = req.query: each binding holds part of the input; name it.
    const direct = init && t.steps.length > 0 && t.source === unwrap(init).getText();
    for (const element of name.elements) {
      if (ts.isOmittedExpression(element)) continue;
      const key = ts.isObjectBindingPattern(name) && !element.dotDotDotToken ? (element.propertyName ?? element.name).getText() : undefined;
      const refined = direct && key && ts.isIdentifier(element.name) ? { ...t, source: `${t.source}.${key}` } : t;
      if (ts.isIdentifier(element.name)) this.setVar(element, element.name, record ? extend(refined, step(this.env.file, element, `assigned to \`${element.name.text}\``)) : refined);
      else this.bind(element.name, refined, element, record);
    }
  }

  /** `const { query, body } = req`: the request's input members. */
  bindRequestPattern(name: ts.BindingName): void {
    if (!ts.isObjectBindingPattern(name)) return;
    for (const element of name.elements) {
      const key = (element.propertyName ?? element.name).getText();
      if (SOURCE_PROPS.has(key) && ts.isIdentifier(element.name)) {
        const source = element.name.text;
        this.setVar(element, element.name, ignoredBy({ source, steps: [step(this.env.file, element, `request input \`${source}\``)], cleared: new Set() }, this.env.kinds, key));
      } else if ((key === 'request' || key === 'req') && ts.isIdentifier(element.name)) {
        this.addRequest(element, element.name);
      }
    }
  }

  // ---- calls ----

  private visitCall(call: ts.CallExpression | ts.NewExpression): void {
    const { kinds } = this.env;
    for (const k of this.analysis.kindsByName.get(calleeName(call) ?? '') ?? []) {
      const kind = kinds[k] as SinkKind;
      const m = this.analysis.sinkMatch(call, k);
      if (!m) continue;
      for (const arg of m.args) {
        const t = this.taintOf(arg);
        if (t && !isCleared(t, kind.id)) {
          this.hits.push({ kind: kind.id, node: call, sink: m.sink, taint: extend(t, step(this.env.file, call, `reaches \`${m.sink}\``)) });
          break;
        }
      }
    }
    // What follows passes arguments on: an argument without a tainted name (or the request) carries nothing.
    if (!ts.isCallExpression(call) || !call.arguments.some((a) => this.mentions(a))) return;
    const callee = unwrap(call.expression);
    // args.push(req.query.flag), params.set('q', input)
    if (ts.isPropertyAccessExpression(callee) && MUTATING_METHODS.has(callee.name.text)) {
      const t = call.arguments.map((a) => this.taintOf(a)).find((x) => x);
      if (t) this.taintRoot(callee.expression, t, call);
    }
    const local = this.analysis.localTarget(callee);
    if (local) {
      call.arguments.forEach((arg, i) => {
        if (i >= local.parameters.length) return;
        const a = unwrap(arg);
        if (ts.isIdentifier(a) && this.isRequest(a)) {
          for (const h of this.analysis.summaryOf(local, i, 'request').hits) this.hits.push({ ...h, taint: { ...h.taint, steps: [step(this.env.file, call, `request passed to \`${calleeText(call)}\``), ...h.taint.steps] } });
          return;
        }
        const t = this.taintOf(arg);
        if (!t) return;
        const into = extend(t, step(this.env.file, call, `passed to \`${calleeText(call)}\``));
        for (const h of this.analysis.summaryOf(local, i, 'value').hits) if (!isCleared(into, h.kind)) this.hits.push({ ...h, taint: join(into, h.taint) });
        for (const c of this.analysis.summaryOf(local, i, 'value').calls) this.calls.push({ ...c, taint: join(into, c.taint) });
      });
      return;
    }
    const ref = this.analysis.importedReference(callee);
    if (!ref) return;
    call.arguments.forEach((arg, i) => {
      const t = this.taintOf(arg);
      if (!t) return;
      const into = extend(t, step(this.env.file, call, `passed to \`${calleeText(call)}\``));
      if (!this.env.project) this.calls.push({ ref, arg: i, taint: into });
      else this.hits.push(...importedHits(this.env.project, calleeOfReference(ref, this.env.project), i, into, call, calleeText(call)));
    });
  }

  // ---- expressions ----

  isRequest(e: ts.Expression): boolean {
    const x = unwrap(e);
    if (!ts.isIdentifier(x)) return false;
    const decl = this.helpers.declarationOf(x);
    return !!decl && this.requests.has(decl);
  }

  /** The taint an expression's value carries, or undefined when it is not request-derived (or sanitized for every kind). */
  taintOf(expr: ts.Expression): Taint | undefined {
    // The index covers the root function only; a sink's argument may be outside it.
    if (expr.pos >= this.root.pos && expr.end <= this.root.end && !this.mentions(expr)) return undefined;
    const t = this.rawTaintOf(expr);
    if (!t || this.guards.length === 0) return t;
    const key = guardKey(expr, this.helpers);
    if (key === undefined) return t;
    const kinds = this.guards.filter((g) => g.key === key).flatMap((g) => [...g.kinds]);
    if (kinds.includes(ALL)) return undefined;
    return kinds.length > 0 ? clear(t, kinds) : t;
  }

  private rawTaintOf(expr: ts.Expression): Taint | undefined {
    const e = unwrap(expr);
    const source = this.sourceOf(e);
    if (source) return ignoredBy({ source, steps: [step(this.env.file, e, `request input \`${source}\``)], cleared: new Set() }, this.env.kinds, this.inputMember(e));
    if (ts.isIdentifier(e)) {
      const decl = this.helpers.declarationOf(e);
      return decl ? this.vars.get(decl) : undefined;
    }
    if (ts.isPropertyAccessExpression(e)) return e.name.text === 'length' ? undefined : this.taintOf(e.expression);
    if (ts.isElementAccessExpression(e)) return this.taintOf(e.expression);
    if (ts.isTemplateExpression(e)) return firstTaint(e.templateSpans.map((s) => s.expression), (x) => this.taintOf(x));
    if (ts.isBinaryExpression(e)) return this.binaryTaint(e);
    if (ts.isConditionalExpression(e)) {
      return (
        this.withGuards(this.constrained(e.condition, true), () => this.taintOf(e.whenTrue)) ??
        this.withGuards(this.constrained(e.condition, false), () => this.taintOf(e.whenFalse))
      );
    }
    if (ts.isAwaitExpression(e) || ts.isSpreadElement(e)) return this.taintOf(e.expression);
    if (ts.isArrayLiteralExpression(e)) return firstTaint(e.elements, (x) => this.taintOf(x));
    if (ts.isObjectLiteralExpression(e)) {
      for (const p of e.properties) {
        const v = ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : ts.isSpreadAssignment(p) ? p.expression : undefined;
        const t = v && this.taintOf(v);
        if (t) return t;
      }
      return undefined;
    }
    if (ts.isCallExpression(e) || ts.isNewExpression(e)) return this.callTaint(e);
    return undefined;
  }

  private binaryTaint(e: ts.BinaryExpression): Taint | undefined {
    switch (e.operatorToken.kind) {
      case ts.SyntaxKind.PlusToken:
      case ts.SyntaxKind.PlusEqualsToken:
      case ts.SyntaxKind.QuestionQuestionToken:
      case ts.SyntaxKind.BarBarToken:
      case ts.SyntaxKind.QuestionQuestionEqualsToken:
      case ts.SyntaxKind.BarBarEqualsToken:
        return this.taintOf(e.left) ?? this.taintOf(e.right);
      case ts.SyntaxKind.AmpersandAmpersandToken:
      case ts.SyntaxKind.EqualsToken:
      case ts.SyntaxKind.CommaToken:
        return this.taintOf(e.right);
      default:
        return undefined;
    }
  }

  private callTaint(call: ts.CallExpression | ts.NewExpression): Taint | undefined {
    const { helpers, kinds } = this.env;
    const name = calleeName(call);
    const callee = unwrap(call.expression);
    const ref = helpers.referenceOf(callee);
    if (ref?.kind === 'global' && ref.path.length <= 1 && (SCALAR_GLOBALS.has(ref.name) || ref.name === 'Math' || (ref.name === 'Number' && ref.path.length === 1))) return undefined;
    if (ts.isCallExpression(call) && isSchemaParse(call, ref)) {
      const base = call.arguments.map((a) => this.taintOf(a)).find((x) => x);
      if (!base) return undefined;
      const rest = kinds.filter((k) => k.schemaSanitizes === false);
      return rest.length === 0 ? undefined : clear(base, kinds.filter((k) => k.schemaSanitizes !== false).map((k) => k.id));
    }
    let t = this.propagated(call, ref, name);
    if (!t) return undefined;
    const sanitized = this.analysis.sanitizedBy(call);
    if (sanitized.length > 0) t = clear(t, sanitized);
    return kinds.every((k) => isCleared(t as Taint, k.id)) ? undefined : t;
  }

  /** The taint a call's result carries from its receiver or arguments. */
  private propagated(call: ts.CallExpression | ts.NewExpression, ref: Reference | null, name: string | undefined): Taint | undefined {
    const callee = unwrap(call.expression);
    const args = call.arguments ?? [];
    const anyArg = () => firstTaint(args, (a) => this.taintOf(a));
    if (ts.isNewExpression(call)) {
      return ref?.kind === 'global' && ['URL', 'URLSearchParams', 'String'].includes(ref.name) && args[0] ? this.taintOf(args[0]) : undefined;
    }
    if (ref?.kind === 'module' && !ref.resolved && PROPAGATING_MODULES.has(ref.module)) return anyArg();
    if (ref?.kind === 'global' && ref.path.length === 0 && PROPAGATING_GLOBALS.has(ref.name)) return args[0] ? this.taintOf(args[0]) : undefined;
    if (ref?.kind === 'global' && PROPAGATING_STATICS.has([ref.name, ...ref.path].join('.'))) return anyArg();
    if (ts.isPropertyAccessExpression(callee) && name && PROPAGATING_METHODS.has(name) && !(ref?.kind === 'module' && ref.resolved)) {
      if ((name === 'replace' || name === 'replaceAll') && sanitizingReplace(call)) return undefined;
      return this.taintOf(callee.expression) ?? (name === 'concat' ? anyArg() : undefined);
    }
    // A function of this file: what its parameters carry to its return value.
    const local = this.analysis.localTarget(callee);
    if (local) {
      for (let i = 0; i < args.length && i < local.parameters.length; i++) {
        const arg = args[i] as ts.Expression;
        if (this.isRequest(arg)) {
          const r = this.analysis.summaryOf(local, i, 'request').returns;
          if (r) return extend(r, step(this.env.file, call, `returned to the caller`));
          continue;
        }
        const t = this.taintOf(arg);
        const r = t && this.analysis.summaryOf(local, i, 'value').returns;
        if (t && r) return join(extend(t, step(this.env.file, call, `passed to \`${calleeText(call)}\``)), r);
      }
      return undefined;
    }
    // A function of another project file: its summary says whether a parameter is returned.
    const project = this.env.project;
    const imported = project && ts.isCallExpression(call) ? this.analysis.importedReference(callee) : undefined;
    if (project && imported) {
      const target = calleeOfReference(imported, project);
      for (let i = 0; i < args.length; i++) {
        const t = this.taintOf(args[i] as ts.Expression);
        const r = t && target && paramSummary(project, target, i)?.returns;
        if (t && r && target) return { ...t, steps: [...t.steps, step(this.env.file, call, `passed to \`${calleeText(call)}\``), ...r.trace], cleared: new Set([...t.cleared, ...r.cleared]) };
      }
    }
    return undefined;
  }

  /** The request input an expression reads directly, named as written, or undefined. */
  private sourceOf(e: ts.Expression): string | undefined {
    if (this.requests.size === 0) return undefined; // input is read from a request object
    let chain: ts.Expression = e;
    let call = false;
    if (ts.isCallExpression(e)) {
      chain = unwrap(e.expression);
      call = true;
    }
    const names: string[] = [];
    let base = chain;
    while (ts.isPropertyAccessExpression(base) || ts.isElementAccessExpression(base)) {
      names.unshift(memberName(base) ?? '[]');
      base = unwrap(base.expression);
    }
    if (names.length === 0 || !this.isRequest(base)) return undefined;
    // Koa's ctx.request.body, Hono's c.req.query()
    const rest = (names[0] === 'request' || names[0] === 'req') && names.length > 1 ? names.slice(1) : names;
    const first = rest[0] ?? '';
    if (this.env.koa && first === 'body' && rest === names) return undefined;
    const text = (call ? e : chain).getText().replace(/\s+/g, '').replace(/!(?=[.[])/g, '');
    if (call) {
      if (rest.length === 1 && SOURCE_METHODS.has(first)) return text;
      if (rest.length === 2 && first === 'cookies' && rest[1] === 'get') return text; // Koa ctx.cookies.get(name)
      return undefined;
    }
    if (SOURCE_PROPS.has(first)) return text;
    if (UPLOAD_PROPS.has(first) && rest.slice(1).some((n) => UPLOAD_NAMES.has(n))) return text;
    return undefined;
  }

  /** The request member an input read comes from: `query` of `req.query.q`, `json` of `c.req.json()`. */
  private inputMember(e: ts.Expression): string {
    let base = ts.isCallExpression(e) ? unwrap(e.expression) : e;
    const names: string[] = [];
    while (ts.isPropertyAccessExpression(base) || ts.isElementAccessExpression(base)) {
      names.unshift(memberName(base) ?? '[]');
      base = unwrap(base.expression);
    }
    const rest = (names[0] === 'request' || names[0] === 'req') && names.length > 1 ? names.slice(1) : names;
    return rest[0] ?? '';
  }

  // ---- guards ----

  private withGuards<T>(guards: readonly Guard[], fn: () => T): T {
    if (guards.length === 0) return fn();
    const saved = this.guards.length;
    this.guards.push(...guards);
    try {
      return fn();
    } finally {
      this.guards.length = saved;
    }
  }

  private keyed(expr: ts.Expression, kinds: ReadonlySet<string>): Guard[] {
    const key = guardKey(expr, this.helpers);
    return key === undefined ? [] : [{ key, kinds }];
  }

  /** The values a condition confines when it evaluates to `truth`: allow lists, literal comparisons, the kinds' own checks. */
  private constrained(cond: ts.Expression, truth: boolean): Guard[] {
    const c = unwrap(cond);
    const all = new Set([ALL]);
    if (ts.isPrefixUnaryExpression(c) && c.operator === ts.SyntaxKind.ExclamationToken) return this.constrained(c.operand, !truth);
    if (ts.isBinaryExpression(c)) {
      const op = c.operatorToken.kind;
      if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) {
        const a = this.constrained(c.left, truth);
        const b = this.constrained(c.right, truth);
        const union = (op === ts.SyntaxKind.AmpersandAmpersandToken) === truth;
        return union ? [...a, ...b] : a.filter((g) => b.some((h) => h.key === g.key));
      }
      const equal = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken;
      const notEqual = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
      if (equal || notEqual || op === ts.SyntaxKind.GreaterThanToken || op === ts.SyntaxKind.GreaterThanEqualsToken || op === ts.SyntaxKind.LessThanToken) {
        // ALLOWED.indexOf(x) === -1, kind checks such as p.indexOf('..') !== -1
        const call = [c.left, c.right].map(unwrap).find(ts.isCallExpression);
        if (call) {
          const minusOne = [c.left, c.right].some((s) => unwrap(s).getText().replace(/\s/g, '') === '-1');
          const found = (equal && !minusOne) || (notEqual && minusOne) || op === ts.SyntaxKind.GreaterThanToken || op === ts.SyntaxKind.GreaterThanEqualsToken;
          return [...this.kindChecks(call), ...(memberName(unwrap(call.expression)) === 'indexOf' ? this.allowList(call, found === truth) : [])];
        }
        if ((equal && truth) || (notEqual && !truth)) {
          const checked = this.env.kinds.flatMap((k) => (k.confinesComparison?.(c, this.helpers) ?? []).flatMap((e) => this.keyed(e, new Set([k.id]))));
          if (checked.length > 0) return checked;
          // typeof x === 'string': a scalar, for the kinds that say a scalar is safe
          const typed = [c.left, c.right].map(unwrap).find(ts.isTypeOfExpression);
          if (typed) {
            const other = unwrap(typed === unwrap(c.left) ? c.right : c.left);
            const scalar = ts.isStringLiteral(other) && ['string', 'number', 'boolean'].includes(other.text);
            const typeofKinds = new Set(this.env.kinds.filter((k) => k.typeofConfines).map((k) => k.id));
            return scalar && typeofKinds.size > 0 ? this.keyed(typed.expression, typeofKinds) : [];
          }
          if (isLiteral(c.right)) return this.keyed(c.left, all);
          if (isLiteral(c.left)) return this.keyed(c.right, all);
        }
        return [];
      }
      if (op === ts.SyntaxKind.InKeyword && truth) return this.keyed(c.left, all);
      return [];
    }
    if (ts.isCallExpression(c)) return [...this.kindChecks(c), ...this.allowList(c, truth)];
    return [];
  }

  private kindChecks(call: ts.CallExpression): Guard[] {
    let guards = this.analysis.kindGuards.get(call);
    if (!guards) {
      guards = this.env.kinds.flatMap((k) => {
        const e = k.confines?.(call, this.helpers);
        return e ? (Array.isArray(e) ? e : [e]).flatMap((x: ts.Expression) => this.keyed(x, new Set([k.id]))) : [];
      });
      this.analysis.kindGuards.set(call, guards);
    }
    return guards;
  }

  /** `ALLOWED.includes(x)`, `set.has(x)`, `/^[a-z]+$/.test(x)`, `isValidName(x)` when true. */
  private allowList(call: ts.CallExpression, truth: boolean): Guard[] {
    if (!truth) return [];
    const all = new Set([ALL]);
    const callee = unwrap(call.expression);
    const name = calleeName(call) ?? '';
    const arg = call.arguments[0];
    if (ts.isPropertyAccessExpression(callee) && ['includes', 'has', 'hasOwnProperty', 'indexOf'].includes(name) && arg) {
      return this.taintOf(callee.expression) || isLiteral(arg) ? [] : this.keyed(arg, all);
    }
    if (name === 'hasOwn' && call.arguments[1]) return this.keyed(call.arguments[1], all);
    if (name === 'test' && ts.isPropertyAccessExpression(callee) && arg) {
      const re = unwrap(this.helpers.valueOf(callee.expression));
      return ts.isRegularExpressionLiteral(re) && anchoredPattern(re.text) ? this.keyed(arg, all) : [];
    }
    const ref = this.helpers.referenceOf(callee);
    const validatorModule = ref?.kind === 'module' && !ref.resolved && ref.module === 'validator' && /^is[A-Z]/.test(name);
    if (validatorModule || (CHECKING_PREDICATE.test(name) && !NOT_CHECKING.has(name))) return call.arguments.flatMap((a) => this.keyed(a, all));
    return [];
  }
}

/**
 * Per identifier name (`escapedText`), the end positions of a function's identifiers of that name
 * that the walk may read as a variable, in increasing order; under SINK_SITES, those of the calls
 * and assignments named like a sink of the walk's kinds.
 */
type IdentifierIndex = ReadonlyMap<string, readonly number[]>;

const SINK_SITES = '';
const K = ts.SyntaxKind;
const LAST_TOKEN = K.LastToken;
const sinkNames = new WeakMap<readonly SinkKind[], { calls: ReadonlySet<string>; assignments: ReadonlySet<string> }>();

function identifierIndex(root: ts.Node, kinds: readonly SinkKind[]): IdentifierIndex {
  let names = sinkNames.get(kinds);
  if (!names) {
    names = { calls: new Set(kinds.flatMap((k) => [...k.names])), assignments: new Set(kinds.flatMap((k) => (k.matchAssignment ? [...k.names] : []))) };
    sinkNames.set(kinds, names);
  }
  const { calls, assignments } = names;
  const index = new Map<string, number[]>();
  let sorted = true;
  const add = (name: string, end: number): void => {
    const ends = index.get(name);
    if (!ends) index.set(name, [end]);
    else {
      if (end < (ends[ends.length - 1] as number)) sorted = false;
      ends.push(end);
    }
  };
  const visit = (n: ts.Node): void => {
    switch (n.kind) {
      case K.Identifier:
        return add((n as ts.Identifier).escapedText as string, n.end);
      // The member name of `a.b` and the key of `{ b: a }` never refer to a variable.
      case K.PropertyAccessExpression:
        return visit((n as ts.PropertyAccessExpression).expression);
      case K.PropertyAssignment: {
        const { name, initializer } = n as ts.PropertyAssignment;
        if (!ts.isIdentifier(name)) visit(name);
        return visit(initializer);
      }
      // Names the walk never reads: a type's name (`Order`, `typeof x`) and a JSX tag or attribute name.
      case K.TypeReference:
      case K.TypeQuery:
        if (!(n as ts.TypeReferenceNode | ts.TypeQueryNode).typeArguments) return;
        break;
      case K.JsxAttribute: {
        const { initializer } = n as ts.JsxAttribute;
        return initializer ? visit(initializer) : undefined;
      }
      case K.JsxOpeningElement:
      case K.JsxSelfClosingElement:
        return visit((n as ts.JsxOpeningElement | ts.JsxSelfClosingElement).attributes);
      case K.JsxClosingElement:
        return;
    }
    ts.forEachChild(n, visit);
    if (calls.size === 0) return;
    // After the children: an enclosing site ends at or after the sites inside it.
    if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && calls.has(calleeName(n) ?? '')) add(SINK_SITES, n.end);
    else if (assignments.size > 0 && ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = unwrap(n.left);
      if (ts.isPropertyAccessExpression(left) && assignments.has(left.name.text)) add(SINK_SITES, n.end);
    }
  };
  visit(root);
  if (!sorted) for (const ends of index.values()) ends.sort((a, b) => a - b);
  return index;
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = (a[i] as number) <= (b[j] as number) ? (a[i++] as number) : (b[j++] as number);
  while (i < a.length) out[k++] = a[i++] as number;
  while (j < b.length) out[k++] = b[j++] as number;
  return out;
}

/** Some end in `ends` (increasing) is in (pos, end]: an identifier inside the node spanning pos..end. */
function endsWithin(ends: readonly number[], pos: number, end: number): boolean {
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ends[mid] as number) <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo < ends.length && (ends[lo] as number) <= end;
}

const ifLeavesGuards = new WeakMap<ts.Node, boolean>();
const byName = new WeakMap<readonly SinkKind[], ReadonlyMap<string, readonly number[]>>();

function kindsByName(kinds: readonly SinkKind[]): ReadonlyMap<string, readonly number[]> {
  let map = byName.get(kinds);
  if (!map) {
    const m = new Map<string, number[]>();
    kinds.forEach((k, i) => {
      for (const name of k.names) {
        const list = m.get(name);
        if (list) list.push(i);
        else m.set(name, [i]);
      }
    });
    byName.set(kinds, (map = m));
  }
  return map;
}

/**
 * Visiting the statement can leave guards for the statements after it: an `if` with an early exit
 * (or with such an `if` as a branch: a branch is visited in `withGuards`, which restores nothing
 * when its guards are empty), also as the body of a loop or label.
 */
function leavesGuards(node: ts.Node): boolean {
  switch (node.kind) {
    case ts.SyntaxKind.IfStatement: {
      let leaves = ifLeavesGuards.get(node);
      if (leaves === undefined) {
        const { thenStatement, elseStatement } = node as ts.IfStatement;
        leaves = exits(thenStatement) || leavesGuards(thenStatement) || (!!elseStatement && (exits(elseStatement) || leavesGuards(elseStatement)));
        ifLeavesGuards.set(node, leaves);
      }
      return leaves;
    }
    case ts.SyntaxKind.ForStatement:
    case ts.SyntaxKind.ForInStatement:
    case ts.SyntaxKind.ForOfStatement:
    case ts.SyntaxKind.WhileStatement:
    case ts.SyntaxKind.DoStatement:
    case ts.SyntaxKind.LabeledStatement:
    case ts.SyntaxKind.WithStatement:
      return leavesGuards((node as ts.IterationStatement | ts.LabeledStatement | ts.WithStatement).statement);
    default:
      return false;
  }
}

function join(outer: Taint, inner: Taint): Taint {
  const t: Taint = { source: outer.source, steps: [...outer.steps, ...inner.steps], cleared: new Set([...outer.cleared, ...inner.cleared]) };
  if (outer.param !== undefined) t.param = outer.param;
  return extend(t);
}

/** The assignment's target is a member whose name the kind lists: `ctx.body = …`. */
function assignedMember(node: ts.BinaryExpression, kind: SinkKind): boolean {
  if (node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return false;
  const left = unwrap(node.left);
  return ts.isPropertyAccessExpression(left) && kind.names.has(left.name.text);
}

function isCleared(t: Taint, kind: string): boolean {
  return t.cleared.has(kind) || t.cleared.has(ALL);
}

function firstTaint(list: readonly ts.Expression[], of: (e: ts.Expression) => Taint | undefined): Taint | undefined {
  for (const e of list) {
    const t = of(e);
    if (t) return t;
  }
  return undefined;
}

function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.EqualsToken || kind === ts.SyntaxKind.PlusEqualsToken || kind === ts.SyntaxKind.BarBarEqualsToken || kind === ts.SyntaxKind.QuestionQuestionEqualsToken;
}

function isLiteral(e: ts.Expression): boolean {
  const x = unwrap(e);
  return ts.isStringLiteral(x) || ts.isNoSubstitutionTemplateLiteral(x) || ts.isNumericLiteral(x) || x.kind === ts.SyntaxKind.TrueKeyword || x.kind === ts.SyntaxKind.FalseKeyword || x.kind === ts.SyntaxKind.NullKeyword;
}

function identifiersIn(pattern: ts.Expression): ts.Identifier[] {
  const out: ts.Identifier[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && !(ts.isPropertyAssignment(n.parent) && n.parent.name === n)) out.push(n);
    else ts.forEachChild(n, visit);
  };
  visit(pattern);
  return out;
}

/** What a guard is keyed on: the declaration of an identifier, or the text of a member chain. */
function guardKey(expr: ts.Expression, helpers: Helpers): GuardKey | undefined {
  const e = unwrap(expr);
  if (ts.isIdentifier(e)) return helpers.declarationOf(e);
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isCallExpression(e)) return e.getText().replace(/\s+/g, '');
  return undefined;
}

/** A statement that leaves the enclosing block: return, throw, continue, break, or a block ending in one. */
function exits(s: ts.Statement): boolean {
  if (ts.isReturnStatement(s) || ts.isThrowStatement(s) || ts.isContinueStatement(s) || ts.isBreakStatement(s)) return true;
  if (ts.isBlock(s)) {
    const last = s.statements[s.statements.length - 1];
    return !!last && exits(last);
  }
  if (ts.isExpressionStatement(s) && ts.isCallExpression(s.expression)) return /^process\.exit$/.test(s.expression.expression.getText());
  return false;
}

/** The assignment runs whenever the declaration's code runs: no branch or loop between them. */
function straightLine(node: ts.Node, decl: ts.Node): boolean {
  const scope = decl.parent;
  for (let n = node.parent; n && n !== scope; n = n.parent) {
    if (ts.isBlock(n) && n.parent && (ts.isBlock(n.parent) || isFunctionNode(n.parent) || ts.isSourceFile(n.parent))) continue;
    if (ts.isExpressionStatement(n) || ts.isBlock(n) || ts.isVariableStatement(n) || ts.isVariableDeclarationList(n)) continue;
    if (n.pos <= decl.pos && decl.end <= n.end) return true;
    return false;
  }
  return true;
}

/** `x.replace(/[^a-z0-9_-]/gi, '')`: a replace that keeps only safe characters (no dots, slashes, spaces or quotes). */
function sanitizingReplace(call: ts.CallExpression | ts.NewExpression): boolean {
  const [pattern, replacement] = call.arguments ?? [];
  if (!pattern || !replacement || !ts.isRegularExpressionLiteral(pattern)) return false;
  const m = /^\/\[\^([^\]]*)\]\+?\/([a-z]*)$/.exec(pattern.text);
  if (!m || !m[2]?.includes('g')) return false;
  const kept = (m[1] ?? '').replace(/\\[wd]/g, '').replace(/\\-/g, '').replace(/[a-zA-Z0-9_-]/g, '');
  const rep = ts.isStringLiteral(replacement) ? replacement.text : undefined;
  return kept === '' && rep !== undefined && /^[a-zA-Z0-9_-]?$/.test(rep);
}

/** `/^[\w-]+$/`: anchored at both ends, without a wildcard dot or a slash. */
function anchoredPattern(re: string): boolean {
  const m = /^\/\^(.*)\$\/[a-z]*$/.exec(re);
  if (!m) return false;
  const body = (m[1] ?? '').replace(/\\./g, '');
  return !body.includes('.') && !body.includes('/');
}

function isSchemaParse(call: ts.CallExpression, ref: Reference | null): boolean {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !SCHEMA_METHODS.has(callee.name.text)) return false;
  const receiver = unwrap(callee.expression);
  const root = receiver.getText().split('.')[0] ?? '';
  if (NOT_SCHEMA_RECEIVERS.test(root)) return false;
  if (ref?.kind === 'module' && !ref.resolved && ['path', 'url', 'querystring', 'qs'].includes(ref.module)) return false;
  // `prisma.user.create`, `repo.create` store; `Schema.create` / `struct.assert` validate.
  if (['create', 'assert', 'cast'].includes(callee.name.text)) return /schema|struct|validator|dto/i.test(receiver.getText());
  return true;
}

// ---- Into other project files -----------------------------------------------------------------

function paramSummary(project: ProjectFacts, target: ImportedCallee, index: number): ParamTaint | undefined {
  return project.taintSummary(target.file, target.key, index);
}

/** Sinks an argument reaches in another project file (and the files it is passed on to), as hits at `call`. */
function importedHits(project: ProjectFacts, target: ImportedCallee | undefined, index: number, t: Taint, call: ts.Node, text: string, depth = 0, seen = new Set<string>()): Hit[] {
  if (!target || depth > MAX_DEPTH) return [];
  const key = `${target.file}#${target.key}#${index}`;
  if (seen.has(key)) return [];
  seen.add(key);
  const s = paramSummary(project, target, index);
  if (!s) return [];
  const hits: Hit[] = [];
  const via = { call: text, file: target.file };
  for (const sink of s.sinks) {
    const taint: Taint = { ...t, steps: [...t.steps, ...sink.trace], cleared: new Set([...t.cleared, ...sink.cleared]) };
    if (!isCleared(taint, sink.kind)) hits.push({ kind: sink.kind, node: call, sink: sink.sink, taint: extend(taint), via });
  }
  for (const c of s.calls) {
    const next = calleeOfReference({ kind: 'module', module: c.module, path: c.path, resolved: c.module }, project);
    const taint: Taint = { ...t, steps: [...t.steps, ...c.trace], cleared: new Set([...t.cleared, ...c.cleared]) };
    for (const h of importedHits(project, next, c.arg, taint, call, text, depth + 1, seen)) hits.push({ ...h, via });
  }
  return hits;
}

/** The callee names of every sink kind. */
const SINK_NAMES = new Set(SINK_KINDS.flatMap((k) => [...k.names]));

/**
 * The taint summaries of a project file's exported functions and methods (`summariseModule`), from
 * its syntax tree, with its import specifiers resolved as its module facts resolved them. The
 * project facts compute them when a rule first follows a call into the file: request handlers call
 * into few of a project's files, and summarising every file cost a tenth of a cold scan. In a file
 * without a call named like a sink and without an import of a project file, a parameter can only
 * come back as the return value (`trunc(s, n)`): only that is looked for.
 */
export function summariseFile(sf: ts.SourceFile, resolveSpecifier: (specifier: string) => string | null): TaintSummaries {
  const file = sf.fileName;
  const helpers = createHelpers(file, { resolveImport: (_from, specifier) => resolveSpecifier(specifier), lookupExport: () => undefined });
  return summariseModule(sf, file, helpers, reachesOut(sf, resolveSpecifier) ? SINK_KINDS : []);
}

/** The file calls a function named like a sink, or imports a project file. */
function reachesOut(sf: ts.SourceFile, resolveSpecifier: (specifier: string) => string | null): boolean {
  const visit = (node: ts.Node): boolean => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      if (name && SINK_NAMES.has(name)) return true;
    } else if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && resolveSpecifier(node.moduleSpecifier.text)) {
      return true;
    }
    return ts.forEachChild(node, visit) === true;
  };
  return visit(sf);
}

/**
 * Summaries of a module's exported functions and methods: what each parameter reaches in this file
 * and which project functions it is passed to.
 */
export function summariseModule(sf: ts.SourceFile, file: string, helpers: Helpers, kinds: readonly SinkKind[] = SINK_KINDS): TaintSummaries {
  const analysis = new Analysis({ file, helpers, kinds });
  const out: TaintSummaries = {};
  for (const [name, fn] of exportedFunctions(sf, helpers)) {
    // One walk with every parameter tainted first: most functions reach nothing, and then the
    // per-parameter walks are skipped (taint only grows with more seeds). With one parameter, the
    // two are one walk.
    const sole = fn.parameters.length === 1 ? analysis.soleParameterSummary(fn) : undefined;
    if (sole === undefined && (fn.parameters.length === 1 || !analysis.anyReach(fn))) continue;
    const params: Record<number, ParamTaint> = {};
    fn.parameters.forEach((_, i) => {
      if (i >= MAX_PARAMS) return;
      const s = sole ?? analysis.summaryOf(fn, i, 'value');
      if (s.hits.length === 0 && s.calls.length === 0 && !s.returns) return;
      params[i] = {
        sinks: s.hits.map((h) => ({ kind: h.kind, sink: h.sink, cleared: [...h.taint.cleared], trace: [...h.taint.steps] })),
        calls: s.calls.map((c) => ({ module: c.ref.resolved as string, path: c.ref.path, arg: c.arg, cleared: [...c.taint.cleared], trace: [...c.taint.steps] })),
        returns: s.returns ? { cleared: [...s.returns.cleared], trace: [...s.returns.steps] } : null,
      };
    });
    if (Object.keys(params).length > 0) out[name] = params;
  }
  return out;
}

/** Exported functions and methods of exported classes and objects, by `name` / `Class.method`. */
function exportedFunctions(sf: ts.SourceFile, helpers: Helpers): Map<string, FunctionNode> {
  const out = new Map<string, FunctionNode>();
  for (const [name, value] of exportedValues(sf)) {
    const v = ts.isIdentifier(value) ? (helpers.declarationOf(value) ?? value) : value;
    let target: ts.Node = ts.isVariableDeclaration(v) && v.initializer ? unwrap(v.initializer) : v;
    // A constructor function's methods (`function UserDAO(db) { this.find = (…) => … }`) as `UserDAO.find`.
    const ctor = ts.isNewExpression(target) && ts.isIdentifier(target.expression) ? helpers.declarationOf(target.expression) : target;
    if (ctor) for (const [member, fn] of constructorMembers(ctor, helpers)) out.set(`${name}.${member}`, fn);
    if (isFunctionNode(target)) {
      if (target.body) out.set(name, target);
      continue;
    }
    if (ts.isNewExpression(target) && ts.isIdentifier(target.expression)) target = helpers.declarationOf(target.expression) ?? target;
    if (ts.isClassDeclaration(target) || ts.isClassExpression(target) || ts.isObjectLiteralExpression(target)) {
      const members: readonly ts.Node[] = ts.isObjectLiteralExpression(target) ? target.properties : target.members;
      const functions = memberFunctions(target);
      for (const m of members) {
        const member = (m as { name?: ts.PropertyName }).name;
        if (!member || !(ts.isIdentifier(member) || ts.isStringLiteral(member))) continue;
        const fn = functions.get(member.text);
        if (fn) out.set(`${name}.${member.text}`, fn);
      }
    }
  }
  return out;
}

/** `memberFunction(container, name)` (./promises.ts) for every name at once: the first method with a body or property holding a function. */
function memberFunctions(container: ts.ClassLikeDeclaration | ts.ObjectLiteralExpression): Map<string, FunctionNode> {
  const out = new Map<string, FunctionNode>();
  const members: readonly ts.Node[] = ts.isObjectLiteralExpression(container) ? container.properties : container.members;
  for (const m of members) {
    if (!ts.isMethodDeclaration(m) && !ts.isPropertyDeclaration(m) && !ts.isPropertyAssignment(m)) continue;
    const name = ts.isIdentifier(m.name) || ts.isPrivateIdentifier(m.name) || ts.isStringLiteral(m.name) ? m.name.text : undefined;
    if (name === undefined || out.has(name)) continue;
    const fn = memberFunctionOf(m);
    if (fn) out.set(name, fn);
  }
  return out;
}
