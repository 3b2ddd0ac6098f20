// no-in-process-scheduler: cron-like jobs started inside the web server process — node-cron's
// `cron.schedule`, cron's `CronJob`, node-schedule's `scheduleJob`, croner's `Cron`, NestJS
// `@Cron`/`@Interval`, and a start-up `setInterval` whose callback does I/O. Every instance of the
// service runs them: scale to three replicas and the nightly invoice run sends every invoice three
// times, and a deploy that restarts the server at 02:00 skips the run altogether. Only files a
// server entry point loads are checked, so a dedicated worker entry point is the way out; a
// `setInterval` that only refreshes this process's cache or metrics is per-instance by design.
import { ts } from '../src/core/typescript.js';
import type { Helpers } from '../src/core/helpers.js';
import { promiseKnowledge } from '../src/core/promises.js';
import { memberName, unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';

type FunctionNode = ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration | ts.MethodDeclaration;

/** The library scheduler a call or `new` starts, named for the message; undefined when it is none. */
function librarySchedule(node: ts.CallExpression | ts.NewExpression, helpers: Helpers): string | undefined {
  if (ts.isCallExpression(node) && helpers.isCallTo(node, 'node-cron', 'schedule')) return 'cron.schedule(…)';
  if (ts.isNewExpression(node) && helpers.isCallTo(node, 'cron', 'CronJob')) return 'new CronJob(…)';
  if (ts.isCallExpression(node) && (helpers.isCallTo(node, 'cron', 'CronJob', 'from') || helpers.isCallTo(node, 'cron', 'job'))) return 'CronJob.from(…)';
  if (ts.isCallExpression(node) && helpers.isCallTo(node, 'node-schedule', 'scheduleJob')) return 'scheduleJob(…)';
  // croner: `new Cron(pattern, [options], job)`; without a job function it only parses the pattern.
  if ((helpers.isCallTo(node, 'croner', 'Cron') || helpers.isCallTo(node, 'croner', 'default') || helpers.isCallTo(node, 'croner')) && jobArgument(node)) return 'new Cron(…)';
  return undefined;
}

/** The last argument is a job: a function with a body, or a function passed by name (`job.run`). */
function jobArgument(node: ts.CallExpression | ts.NewExpression): boolean {
  const args = node.arguments ?? [];
  const last = args.length >= 2 ? unwrap(args[args.length - 1]!) : undefined;
  if (!last) return false;
  if (ts.isArrowFunction(last) || ts.isFunctionExpression(last)) return !(ts.isBlock(last.body) && last.body.statements.length === 0);
  return ts.isIdentifier(last) || ts.isPropertyAccessExpression(last);
}

/** `@Cron(…)` / `@Interval(…)` from @nestjs/schedule. */
function nestScheduleDecorator(decorator: ts.Decorator, helpers: Helpers): string | undefined {
  const e = decorator.expression;
  if (!ts.isCallExpression(e)) return undefined;
  if (helpers.isCallTo(e, '@nestjs/schedule', 'Cron')) return '@Cron(…)';
  if (helpers.isCallTo(e, '@nestjs/schedule', 'Interval')) return '@Interval(…)';
  return undefined;
}

const STARTUP_NAME = /^(start|bootstrap|main|init|initiali[sz]e|setup|boot|launch|schedule)|(jobs?|cron|scheduler|poller|polling|workers?)$/i;
const LIFECYCLE_HOOKS = new Set(['onModuleInit', 'onApplicationBootstrap']);
const READY_EVENTS = new Set(['listening', 'ready', 'connect', 'connected', 'open']);
/** Words naming work that belongs to each instance: its own cache, metrics, connection keep-alive or registry heartbeat. */
const PER_INSTANCE_WORDS = new Set(['cache', 'caches', 'refresh', 'reload', 'warm', 'warmup', 'metric', 'metrics', 'gauge', 'gauges', 'stats', 'telemetry', 'heartbeat', 'keepalive', 'ping', 'health', 'track']);
/** `refreshFeatureFlags`, `update_metrics`, `keepAlive`: a name made of words, one of which says per-instance. */
function namesPerInstanceWork(name: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/);
  return words.some((w) => PER_INSTANCE_WORDS.has(w)) || /keep[-_ ]?alive/i.test(name);
}
/** `pool.query('SELECT 1')`: a connection keep-alive. */
const KEEPALIVE_QUERY = /^\s*select\s+1\s*;?\s*$/i;
const STATE_WRITES = /^(set|reset|clear|observe|inc|dec|record|put|refresh|load|update|prune|purge\w*)$/;
const CACHE_NAME = /cache|metric|gauge|counter|histogram|stats|registry|store$/i;
const DB_RECEIVER = /(^|[a-z])(db|database|prisma|knex|pool|repo|repository|model|collection|sequelize|mongoose|redis|datasource|orm)$/i;
const DB_METHOD = /^(query|execute|find\w*|update\w*|delete\w*|insert\w*|save|upsert\w*|destroy|aggregate|count\w*|bulkWrite|\$queryRaw\w*|\$executeRaw\w*)$/;
const DISTINCT_DB_METHOD = /^(query|deleteMany|updateMany|insertMany|findOneAndUpdate|findOneAndDelete|bulkWrite|aggregate|findMany|findAll|countDocuments|\$queryRaw\w*|\$executeRaw\w*)$/;

function nameOf(fn: ts.Node): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  const holder = fn.parent;
  if (holder && (ts.isVariableDeclaration(holder) || ts.isPropertyAssignment(holder) || ts.isPropertyDeclaration(holder)) && ts.isIdentifier(holder.name)) return holder.name.text;
  // `exports.startJobs = () => …`, `Scheduler.prototype.start = function () { … }`
  if (holder && ts.isBinaryExpression(holder) && holder.operatorToken.kind === ts.SyntaxKind.EqualsToken && holder.right === fn) return memberName(unwrap(holder.left));
  return undefined;
}

/** A callback handed to a call: `x.then(cb)`, `server.listen(port, cb)`, `server.on('listening', cb)`, an IIFE. */
function isStartupCallback(fn: ts.Node, helpers: Helpers): boolean {
  const call = fn.parent;
  if (!call || !ts.isCallExpression(call)) return false;
  if (call.expression === fn) return true; // IIFE
  if (!call.arguments.includes(fn as ts.Expression)) return false;
  const method = memberName(unwrap(call.expression));
  if (method === 'then' || method === 'listen' || method === 'ready') return true;
  if ((method === 'on' || method === 'once') && READY_EVENTS.has(helpers.staticString(call.arguments[0]) ?? '')) return true;
  return false;
}

/** The names of functions called at the top level of the file (`start()`, `void bootstrap()`). */
function topLevelCalls(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression)) names.add(n.expression.text);
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(sf, visit);
  return names;
}

/** `setInterval` runs at start-up: at the top level, in a start-up function or hook, or in a listen/ready callback of one. */
function inStartupCode(node: ts.Node, helpers: Helpers, calledAtTop: () => Set<string>): boolean {
  for (let fn = helpers.enclosingFunction(node); ; fn = helpers.enclosingFunction(fn)) {
    if (!fn) return true;
    if (isStartupCallback(fn, helpers)) continue;
    const name = nameOf(fn);
    if (name && ts.isMethodDeclaration(fn) && LIFECYCLE_HOOKS.has(name)) return true;
    return !!name && (STARTUP_NAME.test(name) || calledAtTop().has(name));
  }
}

/** The function a timer runs: inline, a function of this file by name, or `this.method` of the class. */
function timerCallback(arg: ts.Expression | undefined, helpers: Helpers): FunctionNode | undefined {
  if (!arg) return undefined;
  let e = unwrap(arg);
  if (ts.isCallExpression(e) && memberName(unwrap(e.expression)) === 'bind') e = unwrap((e.expression as ts.PropertyAccessExpression).expression);
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return e;
  if (ts.isIdentifier(e)) {
    const decl = helpers.declarationOf(e);
    if (decl && ts.isFunctionDeclaration(decl)) return decl;
    const init = decl && ts.isVariableDeclaration(decl) && decl.initializer ? unwrap(decl.initializer) : undefined;
    return init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) ? init : undefined;
  }
  if (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword) {
    const cls = ts.findAncestor(e, ts.isClassLike);
    const m = cls?.members.find((x): x is ts.MethodDeclaration => ts.isMethodDeclaration(x) && ts.isIdentifier(x.name) && x.name.text === e.name.text && !!x.body);
    return m;
  }
  return undefined;
}

/** The function a library scheduler runs: a function argument, or `onTick` of `CronJob.from({ … })`. */
function jobOf(node: ts.CallExpression | ts.NewExpression, helpers: Helpers): { fn: FunctionNode; arg: ts.Expression } | undefined {
  for (const arg of node.arguments ?? []) {
    const onTick = ts.isObjectLiteralExpression(unwrap(arg)) ? helpers.property(arg, 'onTick') : undefined;
    const candidate = onTick?.kind === 'found' ? onTick.value : arg;
    const fn = candidate && timerCallback(candidate, helpers);
    if (candidate && fn) return { fn, arg: candidate };
  }
  return undefined;
}

/** A callback that reaches storage or the network: awaits, calls something known to return a promise, or queries a database. */
function doesIO(fn: FunctionNode, returnsPromise: (c: ts.CallExpression) => unknown): boolean {
  let io = false;
  const visit = (n: ts.Node): void => {
    if (io) return;
    if (ts.isAwaitExpression(n)) io = true;
    else if (ts.isCallExpression(n)) {
      const callee = unwrap(n.expression);
      const method = memberName(callee);
      const receiver = ts.isPropertyAccessExpression(callee) ? unwrap(callee.expression) : undefined;
      const receiverName = receiver && (ts.isIdentifier(receiver) ? receiver.text : memberName(receiver));
      if (returnsPromise(n) || (method && (DISTINCT_DB_METHOD.test(method) || (DB_METHOD.test(method) && !!receiverName && DB_RECEIVER.test(receiverName))))) io = true;
    }
    if (!io) ts.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  return io;
}

/** The callback keeps this instance's own state fresh: a cache, metrics, a keep-alive ping. */
function refreshesOwnState(fn: FunctionNode, arg: ts.Expression, helpers: Helpers): boolean {
  const name = nameOf(fn) ?? (ts.isPropertyAccessExpression(unwrap(arg)) ? memberName(unwrap(arg)) : undefined);
  if (name && namesPerInstanceWork(name)) return true;
  let refresh = false;
  const visit = (n: ts.Node): void => {
    if (refresh) return;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && loadsValue(n.right) && writesOutside(n.left, fn, helpers)) refresh = true;
    if (ts.isCallExpression(n)) {
      const callee = unwrap(n.expression);
      const target = ts.isPropertyAccessExpression(callee) ? unwrap(callee.expression) : undefined;
      const targetName = target && (ts.isIdentifier(target) ? target.text : memberName(target));
      if (targetName && CACHE_NAME.test(targetName) && STATE_WRITES.test(memberName(callee) ?? '')) refresh = true;
      const calleeName = ts.isIdentifier(callee) ? callee.text : memberName(callee);
      if (calleeName && namesPerInstanceWork(calleeName)) refresh = true;
      if (KEEPALIVE_QUERY.test(helpers.staticString(n.arguments[0]) ?? '')) refresh = true;
    }
    if (!refresh) ts.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  return refresh;
}

/** A value read from somewhere (`await loadRates()`, `res.data.rates`), not a flag or timestamp (`true`, `Date.now()`). */
const loadsValue = (e: ts.Expression): boolean => {
  const v = unwrap(e);
  if (ts.isCallExpression(v)) return unwrap(v.expression).getText() !== 'Date.now';
  return ts.isAwaitExpression(v) || (ts.isIdentifier(v) && v.text !== 'undefined') || ts.isPropertyAccessExpression(v) || ts.isElementAccessExpression(v);
};

/** `rates = …`, `exports.latest = …`, `this.rates = …`: state declared outside the callback (module or instance). */
function writesOutside(target: ts.Expression, fn: ts.Node, helpers: Helpers): boolean {
  let t = unwrap(target);
  while (ts.isPropertyAccessExpression(t) || ts.isElementAccessExpression(t)) t = unwrap(t.expression);
  if (t.kind === ts.SyntaxKind.ThisKeyword) return true;
  if (!ts.isIdentifier(t)) return false;
  const decl = helpers.declarationOf(t);
  // `exports` and `module` are CommonJS globals: the module's own state.
  return decl ? !ts.findAncestor(decl, (a) => a === fn) : t.text === 'exports' || t.text === 'module';
}

/** Scheduling behind a switch: `if (config.runJobs)`, `if (cluster.isPrimary)`, `if (process.env.ENABLE_CRON)`. */
const SWITCH_NAME = /cron|jobs?\b|schedul|worker|leader|primary|master|NODE_APP_INSTANCE/i;
function behindSwitch(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node.parent; n && !ts.isSourceFile(n); n = n.parent) {
    const condition = ts.isIfStatement(n) ? n.expression : ts.isConditionalExpression(n) ? n.condition : undefined;
    if (condition && SWITCH_NAME.test(condition.getText())) return true;
  }
  return false;
}

export default defineFileRule({
  id: 'no-in-process-scheduler',
  category: 'scalability',
  severity: 'low',
  recommended: false,
  defaultOptions: {},
  messages: {
    library: '`{{what}}` schedules a job inside the web server process: every instance runs it — move it to a worker entry point, or use a distributed scheduler (BullMQ repeatable jobs, a platform cron) or a lock',
    decorator: '`{{what}}` on `{{method}}` runs in every instance of this NestJS server: move the job to a separate worker app, or guard it with a distributed lock',
    interval: '`setInterval` at start-up runs {{callback}}, which does I/O, in every instance of the web server: move the job to a worker entry point, or use a distributed scheduler or a lock',
  },
  docs: {
    description: 'Disallow cron-like jobs (node-cron, cron, node-schedule, NestJS `@Cron`, start-up `setInterval` doing I/O) inside the web server process.',
    why:
      'A job scheduled in the server process runs once per instance. With three replicas the nightly billing run charges three ' +
      'times and the reminder mail goes out three times; when the autoscaler adds instances it gets worse, and a deploy at the ' +
      'scheduled minute can skip the run entirely. Only files loaded by a server entry point (a file that calls `.listen`) are ' +
      'checked: a dedicated worker entry point is the fix. A `setInterval` that only refreshes this process\'s own cache or ' +
      'metrics is per-instance by design and is not flagged.',
    fix:
      'Start the scheduler from a separate worker entry point (`src/worker.ts`) deployed as one replica, or use a scheduler that ' +
      'coordinates instances (BullMQ repeatable jobs, Agenda, pg-boss, a platform cron calling an endpoint), or take a ' +
      'distributed lock around the job.',
    sites: 'schedulers started in server code',
    examples: {
      invalid: [
        {
          filename: 'src/server.ts',
          code:
            "import express from 'express';\nimport cron from 'node-cron';\nimport { sendDueInvoices } from './billing/invoices';\n\n" +
            "const app = express();\n\ncron.schedule('0 2 * * *', async () => {\n  await sendDueInvoices();\n});\n\n" +
            'app.listen(Number(process.env.PORT ?? 3000));\n',
        },
      ],
      valid: [
        {
          filename: 'src/server.ts',
          code:
            "import express from 'express';\nimport { loadExchangeRates } from './rates/client';\n\n" +
            'const app = express();\nlet rates = await loadExchangeRates();\n\n' +
            '// Each instance keeps its own copy of the rates fresh.\nsetInterval(async () => {\n  rates = await loadExchangeRates();\n}, 60_000);\n\n' +
            "app.get('/rates', (_req, res) => {\n  res.json(rates);\n});\n\napp.listen(Number(process.env.PORT ?? 3000));\n",
        },
      ],
    },
  },
  create(context) {
    const { helpers, project, file } = context;
    if (file.roles.has('test') || file.roles.has('browser')) return {};
    const listens = project.modules.get(file.path)?.listens ?? false;
    if (file.roles.has('cli') && !listens) return {};
    if (!project.serverFiles().has(file.path)) return {};
    const { returnsPromise } = promiseKnowledge(helpers, project);
    let topCalls: Set<string> | undefined;
    const calledAtTop = () => (topCalls ??= topLevelCalls(file.sourceFile));

    const checkLibrary = (node: ts.CallExpression | ts.NewExpression) => {
      const what = librarySchedule(node, helpers);
      if (!what) return;
      context.countSite(node);
      const job = jobOf(node, helpers);
      if (job && refreshesOwnState(job.fn, job.arg, helpers)) return;
      if (!behindSwitch(node)) context.report({ node, messageId: 'library', data: { what } });
    };
    return {
      NewExpression: checkLibrary,
      CallExpression(call: ts.CallExpression) {
        checkLibrary(call);
        const isTimer = helpers.isGlobalCall(call, 'setInterval') || helpers.isCallTo(call, 'timers', 'setInterval');
        if (!isTimer || !inStartupCode(call, helpers, calledAtTop)) return;
        const arg = call.arguments[0];
        const fn = timerCallback(arg, helpers);
        if (!arg || !fn) return;
        context.countSite(call);
        if (!doesIO(fn, returnsPromise) || refreshesOwnState(fn, arg, helpers) || behindSwitch(call)) return;
        const name = nameOf(fn);
        context.report({ node: call, messageId: 'interval', data: { callback: name ? `\`${name}\`` : 'its callback' } });
      },
      Decorator(decorator: ts.Decorator) {
        const what = nestScheduleDecorator(decorator, helpers);
        if (!what) return;
        context.countSite(decorator);
        const method = decorator.parent;
        if (ts.isMethodDeclaration(method) && method.body && refreshesOwnState(method, method.name as ts.Expression, helpers)) return;
        const name = ts.isMethodDeclaration(method) && ts.isIdentifier(method.name) ? method.name.text : 'this method';
        context.report({ node: decorator, messageId: 'decorator', data: { what, method: name } });
      },
    };
  },
});
