import { describe, expect, it } from 'vitest';
import rule from '../../rules/no-floating-promise.js';
import { lintText } from '../../src/core/engine.js';
import { scan } from '../../src/scan.js';
import { FIXTURES, findingsOf, fixtureCase, fixtureCases, onlyRule, ROOT, sitesOf } from '../support/fixtures.js';

const RULE = 'no-floating-promise';
const at = (f: { file: string; line: number; column: number }) => `${f.file}:${f.line}:${f.column}`;
const invalid = (name: string) => fixtureCase(RULE, 'invalid', name);
const floating = (call: string) =>
  `\`${call}\` returns a promise that nobody awaits: \`await\` it, return it, or end it with \`.catch(…)\` (use \`void\` to opt out explicitly)`;
const unguarded = (what: string, registrar: string) =>
  `async ${what} given to \`${registrar}\` has no try/catch: its rejection is unhandled and ends the process — wrap the body in \`try { … } catch\``;
const forEachAsync = (what: string) =>
  `async ${what} given to \`forEach\`: \`forEach\` ignores the promise it returns, so nothing awaits the work or catches its rejection — use \`for…of\` with \`await\`, or \`await Promise.all(items.map(…))\``;
const lint = (code: string, filename = 'src/service.ts') => lintText({ text: code, filename, rules: [rule] }).map((f) => `${f.line}:${f.column} ${f.messageId}`);

describe(RULE, () => {
  it('flags exactly the two floating promises of the orders-service example', async () => {
    const dir = `${ROOT}/fixtures/projects/orders-service`;
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/jobs/reconcile-payments.job.ts', line: 13, column: 29, message: unguarded('callback', 'setInterval') },
      { file: 'src/services/orders.service.ts', line: 38, column: 3, message: floating('recordAudit(…)') },
    ]);
  });

  it('reports a timer callback that only starts a floating promise once, at the promise', async () => {
    expect(await findingsOf(RULE, invalid('timer-callback-reported-once'))).toEqual([
      { file: 'src/jobs/scheduler.ts', line: 9, column: 7, message: floating('this.runJob(…)') },
    ]);
  });

  it('flags a NestJS controller calling an injected service method without await', async () => {
    const dir = invalid('nestjs-controller-without-await');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/orders/orders.controller.ts', line: 10, column: 5, message: floating('this.ordersService.create(…)') },
      { file: 'src/orders/orders.controller.ts', line: 16, column: 5, message: floating('this.ordersService.cancel(…)') },
    ]);
    // create/cancel in the controller, this.repository.insert/updateStatus in the service.
    expect(await sitesOf(RULE, dir)).toBe(4);
  });

  it('flags exported async functions of another module called as statements (named, renamed, namespace)', async () => {
    const dir = invalid('cross-file-exported-async-function');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/services/users.service.ts', line: 7, column: 3, message: floating('recordAudit(…)') },
      { file: 'src/services/users.service.ts', line: 12, column: 3, message: floating('trackLogin(…)') },
      { file: 'src/services/users.service.ts', line: 13, column: 3, message: floating('audit.recordAudit(…)') },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(6);
  });

  it('follows CommonJS module.exports (object of functions, a single function, an object of methods)', async () => {
    const found = await findingsOf(RULE, invalid('commonjs-module-exports'));
    expect(found).toEqual([
      { file: 'src/controllers/signup.controller.js', line: 8, column: 3, message: floating('sendWelcome(…)') },
      { file: 'src/controllers/signup.controller.js', line: 9, column: 3, message: floating('sendEmail(…)') },
      { file: 'src/controllers/signup.controller.js', line: 14, column: 3, message: floating('mailer.sendEmail(…)') },
    ]);
  });

  it('flags async methods of an exported service instance and an exported axios instance', async () => {
    const found = await findingsOf(RULE, invalid('exported-service-instance'));
    expect(found.map((f) => `${at(f)} ${f.message}`)).toEqual([
      `src/routes/cart.routes.ts:13:3 ${floating('inventoryService.reserve(…)')}`,
      `src/routes/cart.routes.ts:14:3 ${floating('warehouseApi.post(…)')}`,
    ]);
  });

  it('flags async functions, const arrows, object-literal methods and this-methods of the same file', async () => {
    const found = await findingsOf(RULE, invalid('same-file-async-functions'));
    expect(found.map((f) => `${at(f)} ${f.message}`)).toEqual([
      `src/services/billing.service.ts:20:5 ${floating('notifyAccounting(…)')}`,
      `src/services/billing.service.ts:21:5 ${floating('archivePdf(…)')}`,
      `src/services/billing.service.ts:22:5 ${floating('metrics.recordIssued(…)')}`,
      `src/services/billing.service.ts:23:5 ${floating('this.sendReceipt(…)')}`,
    ]);
  });

  it('flags `.then(f)` without a rejection handler, on a known call or on any promise', async () => {
    const dir = invalid('then-without-rejection-handler');
    const found = await findingsOf(RULE, dir);
    expect(found.map(at)).toEqual(['src/services/rates.service.ts:9:3', 'src/services/rates.service.ts:13:3']);
    expect(found[0]?.message).toBe(
      '`loadRates(…).then(…)` has no rejection handler: end the chain with `.catch(…)`, pass `.then(onFulfilled, onRejected)`, or `await` it',
    );
    expect(found[1]?.message).toMatch(/^`pending\.then\(…\)` has no rejection handler/);
    // loadRates().then(…) and pending.then(…) are one chain each; fetch in loadRates is awaited.
    expect(await sitesOf(RULE, dir)).toBe(3);
  });

  it('flags a Promise.allSettled chain whose callback throws (or calls what throws), returns a value or is async, and Promise.all chains', async () => {
    const found = await findingsOf(RULE, invalid('all-settled-callbacks-that-can-reject'));
    expect(found.map((f) => `${at(f)} ${f.message.split(':')[0]}`)).toEqual([
      'src/lib/util/all-or-first-error.ts:5:3 `Promise.allSettled(…).then(…)` has no rejection handler',
      'src/lib/util/all-or-first-error.ts:12:3 `Promise.allSettled(…).then(…)` has no rejection handler',
      'src/lib/util/all-or-first-error.ts:17:3 `Promise.all(…).then(…)` has no rejection handler',
      'src/lib/util/all-or-first-error.ts:24:3 `Promise.allSettled(…).then(…)` has no rejection handler',
      'src/lib/util/all-or-first-error.ts:31:3 `Promise.allSettled(…).then(…)` has no rejection handler',
      'src/lib/util/all-or-first-error.ts:38:3 `Promise.allSettled(…).then(…)` has no rejection handler',
      'src/lib/util/all-or-first-error.ts:51:3 `Promise.allSettled(…).then(…)` has no rejection handler',
      'src/lib/util/all-or-first-error.ts:58:3 `Promise.allSettled(…).finally(…)` ends in `.finally(…)`, which passes the rejection on',
    ]);
  });

  it('valid/all-settled-forwards-outcomes: a Promise.allSettled chain of quiet callbacks cannot reject', async () => {
    const dir = fixtureCase(RULE, 'valid', 'all-settled-forwards-outcomes');
    expect(await findingsOf(RULE, dir)).toEqual([]);
    // The two allSettled chains, the executor's new Promise, and the awaited allOrFirstError call.
    expect(await sitesOf(RULE, dir)).toBe(4);
  });

  it('flags chains that end in `.finally()` without a rejection handler', async () => {
    const found = await findingsOf(RULE, invalid('finally-without-catch'));
    expect(found.map((f) => `${at(f)} ${f.message}`)).toEqual([
      'src/services/export.service.ts:8:3 `writeFile(…).finally(…)` ends in `.finally(…)`, which passes the rejection on: add `.catch(…)` before it, or `await` the chain',
      'src/services/export.service.ts:14:3 `writeFile(…).then(…).finally(…)` ends in `.finally(…)`, which passes the rejection on: add `.catch(…)` before it, or `await` the chain',
    ]);
  });

  it('flags async callbacks given to forEach, inline or by name, even with a try/catch', async () => {
    const dir = invalid('foreach-async-callback');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/services/reminders.service.ts', line: 14, column: 25, message: forEachAsync('callback') },
      { file: 'src/services/reminders.service.ts', line: 20, column: 25, message: forEachAsync('function `remind`') },
      { file: 'src/services/reminders.service.ts', line: 24, column: 25, message: forEachAsync('callback') },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(7);
  });

  it('flags async emitter listeners without try/catch, with a rethrowing catch, and async functions passed by name', async () => {
    const dir = invalid('emitter-callbacks-without-try-catch');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/workers/orders.worker.ts', line: 6, column: 30, message: unguarded('callback', 'orderEvents.on') },
      { file: 'src/workers/orders.worker.ts', line: 10, column: 27, message: unguarded('callback', 'orderEvents.once') },
      { file: 'src/workers/orders.worker.ts', line: 24, column: 23, message: unguarded('function `shutdown`', 'process.on') },
    ]);
  });

  it('flags async callbacks of setInterval, setTimeout and setImmediate without try/catch', async () => {
    const found = await findingsOf(RULE, invalid('timer-callbacks-without-try-catch'));
    expect(found.map((f) => `${at(f)} ${f.message}`)).toEqual([
      `src/jobs/maintenance.job.ts:4:29 ${unguarded('callback', 'setInterval')}`,
      `src/jobs/maintenance.job.ts:9:14 ${unguarded('callback', 'setTimeout')}`,
      `src/jobs/maintenance.job.ts:13:16 ${unguarded('callback', 'setImmediate')}`,
    ]);
  });

  it('flags an async method that starts a timer when it also makes a call that can throw, or gives the timer what may not be a function', async () => {
    // startSweeper() only starts the interval: its promise cannot reject, and its async callback is flagged where it is.
    expect((await findingsOf(RULE, invalid('async-methods-that-start-timers-and-can-throw'))).map((f) => `${at(f)} ${f.message}`)).toEqual([
      `src/uploads/upload-sessions.ts:30:32 ${unguarded('callback', 'setInterval')}`,
      `src/uploads/upload-sessions.ts:41:5 ${floating('this.open(…)')}`,
      `src/uploads/upload-sessions.ts:42:5 ${floating('this.scheduleExpiry(…)')}`,
    ]);
  });

  it('flags async callbacks that await a method which can reject, throw, or call a method of the class that throws', async () => {
    const dir = invalid('callbacks-awaiting-methods-that-can-reject');
    expect((await findingsOf(RULE, dir)).map((f) => `${at(f)} ${f.message}`)).toEqual([
      `src/features/lifecycle/feature-lifecycle-service.ts:13:36 ${unguarded('callback', 'this.bus.on')}`,
      `src/features/lifecycle/feature-lifecycle-service.ts:17:41 ${unguarded('callback', 'this.bus.on')}`,
      `src/features/lifecycle/feature-lifecycle-service.ts:21:37 ${unguarded('callback', 'this.bus.on')}`,
      `src/features/tokens/token-data-poller.ts:12:16 ${unguarded('callback', 'setTimeout')}`,
      `src/features/tokens/token-data-poller.ts:20:5 ${floating('this.start(…)')}`,
    ]);
  });

  it('flags a cross-file callee whose body can reject: a catch that applies only without an option, a catch that rethrows', async () => {
    expect((await findingsOf(RULE, invalid('cross-file-callees-that-can-reject'))).map((f) => `${at(f)} ${f.message}`)).toEqual([
      `src/invitations/invitation.service.ts:10:5 ${floating('this.mailSender.sendMail(…)')}`,
      `src/invitations/invitation.service.ts:11:5 ${floating('recordInvite(…)')}`,
    ]);
  });

  it('flags a callee whose timers/promises sleep can reject (signal, unseen options, a promise value, a string or unknown delay in JavaScript), or that also awaits what can reject, or that is not node\'s sleep', async () => {
    // valid/callees-that-sleep-then-catch-everything is the same shapes with a sleep that cannot reject.
    expect((await findingsOf(RULE, invalid('callee-sleeps-that-can-reject'))).map((f) => `${at(f)} ${f.message}`)).toEqual([
      `src/jobs/exports.controller.js:6:3 ${floating('pollWithGlobalTimer(…)')}`,
      `src/jobs/exports.controller.js:7:3 ${floating('pollAtConfiguredInterval(…)')}`,
      `src/jobs/exports.controller.js:8:3 ${floating('pollAfterServerDelay(…)')}`,
      `src/jobs/exports.controller.js:9:3 ${floating('settleExport(…)')}`,
      `src/webhooks/webhooks.service.ts:7:5 ${floating('retryUnlessCancelled(…)')}`,
      `src/webhooks/webhooks.service.ts:8:5 ${floating('retryWithTimerOptions(…)')}`,
      `src/webhooks/webhooks.service.ts:9:5 ${floating('deliverWhenIdle(…)')}`,
      `src/webhooks/webhooks.service.ts:10:5 ${floating('deliverAfterCooldown(…)')}`,
      `src/webhooks/webhooks.service.ts:11:5 ${floating('retryAfterHealthCheck(…)')}`,
      `src/webhooks/webhooks.service.ts:12:5 ${floating('retryWithQueueState(…)')}`,
      `src/webhooks/webhooks.service.ts:13:5 ${floating('warmUpDelivery(…)')}`,
    ]);
  });

  it('flags a callee whose sleep delay is a number only by an annotation (any body, a cast, ConfigService.get<number>, a parameter), or an imported function that may return anything else', async () => {
    // A string delay rejects the sleep (ERR_INVALID_ARG_TYPE) before the try: TypeScript checked nothing an `any` reached.
    expect((await findingsOf(RULE, invalid('sleep-delays-numbers-only-by-annotation'))).map((f) => `${at(f)} ${f.message}`)).toEqual([
      `src/routes/orders.ts:18:3 ${floating('notifyLater(…)')}`,
      `src/routes/orders.ts:23:3 ${floating('sendReminderLater(…)')}`,
      `src/telemetry/schedule.ts:4:3 ${floating('trackAfter(…)')}`,
      `src/telemetry/schedule.ts:5:3 ${floating('trackWhenConfigured(…)')}`,
      `src/telemetry/schedule.ts:6:3 ${floating('trackWhenTold(…)')}`,
      `src/telemetry/schedule.ts:7:3 ${floating('trackHourly(…)')}`,
      `src/webhooks/delivery.ts:46:3 ${floating('retryAfterBody(…)')}`,
      `src/webhooks/delivery.ts:47:3 ${floating('retryAfterCast(…)')}`,
      `src/webhooks/delivery.ts:48:3 ${floating('retryWithDefault(…)')}`,
      `src/webhooks/delivery.ts:49:3 ${floating('retryWithBackoff(…)')}`,
      `src/webhooks/retry.scheduler.ts:21:5 ${floating('this.retry(…)')}`,
    ]);
  });

  it('flags a callee that awaits a sleep, a sleep wrapper or an empty async function (of its file or imported) and then calls what can throw with nothing guarded', async () => {
    // An awaited call that cannot reject because nothing in it can fail is no error handling.
    expect((await findingsOf(RULE, invalid('awaited-quiet-callees-before-unguarded-calls'))).map((f) => `${at(f)} ${f.message}`)).toEqual([
      `src/jobs/targets.ts:51:3 ${floating('announceAfterNap(…)')}`,
      `src/jobs/targets.ts:52:3 ${floating('announceAfterPause(…)')}`,
      `src/jobs/targets.ts:53:3 ${floating('announceAfterSettle(…)')}`,
      `src/jobs/targets.ts:54:3 ${floating('announceAfterBreath(…)')}`,
      `src/jobs/targets.ts:55:3 ${floating('announceAfterBriefPause(…)')}`,
      `src/jobs/targets.ts:56:3 ${floating('announceAfterWarmUp(…)')}`,
      `src/jobs/targets.ts:57:3 ${floating('announceWhenThrottled(…)')}`,
    ]);
  });

  // nestjs-own-event-emitter2: the service builds its own EventEmitter2, whose listeners Nest does not wrap.
  for (const name of ['nestjs-event-listener-errors-rethrown', 'nestjs-event-listener-added-by-hand', 'nestjs-event-emitter-before-2.0.2', 'nestjs-own-event-emitter2']) {
    it(`flags emitAsync of the injected NestJS emitter when a listener's error can reach it (${name})`, async () => {
      expect((await findingsOf(RULE, invalid(name))).map((f) => `${at(f)} ${f.message}`)).toEqual([
        `src/event-emitter/event-emitter.service.ts:17:7 ${floating('this.emitAsync(…)')}`,
        `src/users/users.service.ts:16:5 ${floating('this.eventEmitterService.emitAsync(…)')}`,
      ]);
    });
  }

  it('flags a node-cron task without try/catch', async () => {
    expect(await findingsOf(RULE, invalid('cron-schedule-without-try-catch'))).toEqual([
      { file: 'src/jobs/nightly-report.job.ts', line: 5, column: 37, message: unguarded('callback', 'cron.schedule') },
    ]);
  });

  it('knows the well-known promise APIs: fs/promises, fetch, axios, got, pg, Promise statics, timers/promises', async () => {
    const dir = invalid('well-known-promise-apis');
    const found = await findingsOf(RULE, dir);
    expect(found.map((f) => `${f.line}:${f.column} ${f.message.split(' returns')[0]}`)).toEqual([
      '12:3 `mkdir(…)`',
      '13:3 `writeFile(…)`',
      '14:3 `fs.promises.unlink(…)`',
      '15:3 `fetch(…)`',
      '16:3 `axios.post(…)`',
      '17:3 `scanner.post(…)`',
      '18:3 `got.post(…)`',
      '19:3 `pool.query(…)`',
      '20:3 `Promise.all(…)`',
      '21:3 `new Promise(…)`',
    ]);
    expect(await sitesOf(RULE, dir)).toBe(12);
  });

  it('flags an async IIFE and an async main() that do not catch', async () => {
    expect(await findingsOf(RULE, invalid('async-iife-without-catch'))).toEqual([
      {
        file: 'src/server.ts',
        line: 4,
        column: 1,
        message: 'async IIFE `(async … )()` is not awaited and nothing catches its rejection: end it with `.catch(…)` or wrap its body in `try { … } catch`',
      },
      { file: 'src/server.ts', line: 14, column: 1, message: floating('main(…)') },
    ]);
  });

  it('leaves tests alone, and judges scripts and commands as server code', async () => {
    expect((await findingsOf(RULE, invalid('server-code-and-scripts-beside-tests'))).map(at)).toEqual([
      'scripts/cancel-stale-orders.ts:4:23',
      'src/commands/start.ts:8:3',
      'src/services/orders.service.ts:11:3',
    ]);
  });

  it('flags a promise discarded through `&&` or a conditional expression statement', async () => {
    expect((await findingsOf(RULE, invalid('discarded-in-expression-statement'))).map(at)).toEqual([
      'src/services/signup.service.ts:4:17',
      'src/services/signup.service.ts:5:15',
    ]);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }

  describe('guards, one file at a time', () => {
    // One line, and it awaits outside a try: it can reject (an async function that cannot is exempt).
    const audit = "async function recordAudit(): Promise<void> { await fetch('/audit'); }\n";
    it('treats a comma-discarded promise as floating and the last operand as passed on', () => {
      expect(lint(`${audit}export function f() { recordAudit(), 1; }\n`)).toEqual(['2:23 floating']);
      expect(lint('async function touch(): Promise<void> {}\nexport function f() { touch(), 1; }\n')).toEqual([]);
      expect(lint(`${audit}export function f() { return (1, recordAudit()); }\n`)).toEqual([]);
    });
    it('treats `.then(f, undefined)` as unhandled and `.then(undefined, g)` as handled', () => {
      expect(lint(`${audit}recordAudit().then(() => 1, undefined);\nrecordAudit().then(undefined, () => 1);\n`)).toEqual(['2:1 thenWithoutCatch']);
    });
    it('does not resolve `this` inside a nested function expression', () => {
      expect(lint('class Jobs {\n  async run() {}\n  start() {\n    [1].map(function () { this.run(); });\n  }\n}\n')).toEqual([]);
    });
    it('does not follow a reassignable `let` function binding', () => {
      expect(lint('let send = async () => {};\nsend = () => undefined;\nsend();\n')).toEqual([]);
    });
    it('names a chained emitter by its calls: `server.listen(…).on`', () => {
      const found = lintText({ text: "import http from 'node:http';\nhttp.createServer().listen(3000).on('error', async () => {\n  await fetch('/alert');\n});\n", filename: 'src/server.ts', rules: [rule] });
      expect(found.map((f) => f.message)).toEqual([unguarded('callback', 'http.createServer(…).listen(…).on')]);
    });
    it('names a call on an inline dynamic import as written: parentheses and the space after `await` kept', () => {
      const found = lintText({ text: "export async function notify(): Promise<void> {\n  (await import('axios')).default.post('https://hooks.example.com/orders', {});\n}\n", filename: 'src/notify.ts', rules: [rule] });
      expect(found.map((f) => f.message)).toEqual([floating("(await import('axios')).default.post(…)")]);
    });
    it('follows awaited calls of the file that cannot reject, and not a cycle of them', () => {
      const jobs = (body: string) => `${audit}class Jobs {\n  async safe() { try { await recordAudit(); } catch (err) { console.error(err); } }\n${body}}\n`;
      // run() awaits only safe(): neither the timer callback nor a floating run() can reject.
      expect(lint(jobs('  async run() { await this.safe(); }\n  start() { setInterval(async () => { await this.run(); }, 1000); this.run(); }\n'))).toEqual([]);
      expect(lint(jobs('  start() { setInterval(async () => this.safe(), 1000); }\n'))).toEqual([]);
      // a() and b() await each other: the recursion ends in a RangeError, a rejection.
      expect(lint(jobs('  async a() { await this.safe(); await this.b(); }\n  async b() { await this.a(); }\n  start() { setInterval(async () => { await this.a(); }, 1000); }\n'))).toEqual(['6:25 unguardedCallback']);
      // A synchronous helper of the file that throws, directly or through another helper.
      expect(lint(jobs('  check() { validate(); }\n  start() { setInterval(async () => { this.check(); await this.safe(); }, 1000); }\n}\nfunction validate() { throw new Error("bad"); }\nclass Other {\n'))).toEqual(['5:25 unguardedCallback']);
      expect(lint(jobs('  check() { validate(); }\n  start() { setInterval(async () => { this.check(); await this.safe(); }, 1000); }\n}\nfunction validate() { return Date.now(); }\nclass Other {\n'))).toEqual([]);
    });
    it('takes an awaited timers/promises sleep with a number delay and no signal not to reject, and no other sleep', () => {
      const report = (sleep: string, head = '') =>
        `import { setTimeout as sleep, scheduler } from 'node:timers/promises';\n${head}async function report(): Promise<void> {\n  ${sleep};\n  try { await fetch('/report'); } catch (err) { console.error(err); }\n}\nexport function start() { report(); }\n`;
      expect(lint(report('await sleep(1000)'))).toEqual([]);
      expect(lint(report('await scheduler.wait(1000, { ref: false })'))).toEqual([]);
      // A delay that is a promise (an async function of the file), a signal, a local function named setTimeout.
      expect(lint(report('await sleep(nextDelay())', 'async function nextDelay(): Promise<number> { return 1000; }\n'))).toEqual(['7:27 floating']);
      expect(lint(report('await sleep(1000, undefined, { signal: AbortSignal.timeout(500) })'))).toEqual(['6:27 floating']);
      expect(lint(report("const setTimeout = async (ms: number) => { await fetch('/wait?ms=' + ms); };\n  await setTimeout(1000)"))).toEqual(['7:27 floating']);
      // A sleep alone cannot reject; beside a call with nothing guarded, it is no error handling.
      const pause = (body: string) => `import { setTimeout } from 'node:timers/promises';\nasync function pause(): Promise<void> { ${body} }\nexport function start() { pause(); }\n`;
      expect(lint(pause('await setTimeout(1000);'))).toEqual([]);
      expect(lint(pause("await setTimeout(1000); JSON.parse('{');"))).toEqual(['3:27 floating']);
      // A delay is a number by its syntax, in TypeScript too: a function of the file returning one, not a parameter typed number.
      expect(lint(report('await sleep(jitter())', 'const BASE_MS = 1000;\nfunction jitter() { return BASE_MS + Math.random() * 100; }\n'))).toEqual([]);
      expect(lint(report('await sleep(Number(process.env.REPORT_DELAY_MS) || 1000)'))).toEqual([]);
      expect(lint(report('await sleep(delayOf(2))', 'function delayOf(n: number) { return n * 1000; }\n'))).toEqual(['7:27 floating']);
      expect(lint(report('await sleep(attempt * 1000)').replace('report(): Promise<void>', 'report(attempt: number): Promise<void>').replace('report(); }', 'report(1); }'))).toEqual(['6:27 floating']);
      // A wrapper of a sleep that cannot reject is no error handling either.
      expect(lint(pause("await nap(); JSON.parse('{');").replace('async function pause', 'const nap = async () => setTimeout(10);\nasync function pause'))).toEqual(['4:27 floating']);
      expect(lint(pause("await nap(); try { JSON.parse('{'); } catch (err) { console.error(err); }").replace('async function pause', 'const nap = async () => setTimeout(10);\nasync function pause'))).toEqual([]);
    });
    it('takes a timer started with a function, or cleared, not to throw: only the timer, not calls in its arguments or a shadowing function', () => {
      const locks = (body: string, before = '') => `${before}class Locks {\n  timers: Record<string, NodeJS.Timeout> = {};\n${body}  load(doc: string) { this.keep(doc); }\n}\n`;
      // What the callback calls runs later, outside keep()'s promise.
      expect(lint(locks('  async keep(doc: string) { clearInterval(this.timers[doc]); this.timers[doc] = globalThis.setInterval(() => this.refresh(doc), 1000); }\n  refresh(doc: string) { throw new Error(doc); }\n'))).toEqual([]);
      expect(lint(locks('  async keep(doc: string) { timers.clearTimeout(this.timers[doc]); this.timers[doc] = timers.setTimeout(expire, 1000, doc); }\n', "import * as timers from 'node:timers';\nfunction expire(doc: string) { throw new Error(doc); }\n"))).toEqual([]);
      // A call in the timer's arguments, a callback that may not be a function, a local `setInterval`.
      expect(lint(locks('  async keep(doc: string) { this.timers[doc] = setInterval(() => undefined, Number.parseInt(doc, 10)); }\n'))).toEqual(['4:23 floating']);
      expect(lint(locks('  onExpire?: () => void;\n  async keep(doc: string) { this.timers[doc] = setTimeout(this.onExpire, 1000); }\n'))).toEqual(['5:23 floating']);
      expect(lint(locks('  async keep(doc: string) { this.timers[doc] = setInterval(() => undefined, 1000); }\n', 'declare function setInterval(fn: () => void, ms: number): NodeJS.Timeout;\n'))).toEqual(['5:23 floating']);
    });
    it('flags an async callback that returns an unhandled known promise', () => {
      expect(lint(`${audit}process.on('beforeExit', async () => recordAudit());\n`)).toEqual(['2:26 unguardedCallback']);
      expect(lint(`${audit}process.on('beforeExit', async () => recordAudit().catch(() => undefined));\n`)).toEqual([]);
    });
  });

  describe('with --types (the TypeScript checker decides where it knows the type)', () => {
    const typesCase = (name: string) => `${FIXTURES}/${RULE}/types/${name}`;
    /** Findings (`file:line:column message`) and sites with and without the checker. */
    const both = async (name: string) => {
      const out: Record<'syntactic' | 'types', { findings: string[]; sites: number }> = { syntactic: { findings: [], sites: 0 }, types: { findings: [], sites: 0 } };
      for (const types of [false, true]) {
        const report = await scan({ root: typesCase(name), config: onlyRule(RULE), types });
        expect(report.errors).toEqual([]);
        out[types ? 'types' : 'syntactic'] = {
          findings: report.findings.map((f) => `${at(f)} ${f.message}`),
          sites: report.rules.find((r) => r.id === RULE)?.sites ?? 0,
        };
      }
      return out;
    };

    it('finds methods of services typed by interfaces, which the syntactic mode cannot see', async () => {
      expect(await both('interface-typed-service')).toEqual({
        syntactic: { findings: [], sites: 0 },
        types: {
          findings: [
            `src/orders/orders.service.ts:12:5 ${floating('this.notifier.notify(…)')}`,
            `src/orders/orders.service.ts:17:5 ${floating('this.orders.markShipped(…)')}`,
          ],
          // insert, notify, markShipped and the voided notify.
          sites: 4,
        },
      });
    });

    it('finds a function typed `Promise<void>` in a declaration file of the project', async () => {
      expect(await both('declared-module-function')).toEqual({
        syntactic: { findings: [], sites: 1 },
        types: { findings: [`src/users/users.controller.ts:8:5 ${floating('recordAudit(…)')}`], sites: 2 },
      });
    });

    it('clears a call the syntactic mode guessed from a promise-returning overload', async () => {
      expect(await both('sync-overload-not-floating')).toEqual({
        syntactic: { findings: [`src/rates/rates.service.ts:7:5 ${floating('this.cache.invalidate(…)')}`], sites: 3 },
        types: { findings: [], sites: 2 },
      });
    });

    it('keeps the syntactic knowledge for calls typed `any` (package not installed) and files outside the program', async () => {
      const expected = {
        findings: [`jobs/totals-refresher.ts:9:3 ${floating('refreshTotals(…)')}`, `src/webhooks/webhook.publisher.ts:4:3 ${floating('axios.post(…)')}`],
        sites: 3,
      };
      expect(await both('unknown-types-fall-back')).toEqual({ syntactic: expected, types: expected });
    });

    it('checks the projects a solution-style tsconfig references (app and workers) as one program', async () => {
      expect(await both('solution-style-tsconfig')).toEqual({
        syntactic: { findings: [], sites: 0 },
        types: {
          findings: [
            `src/payments/refunds.service.ts:7:5 ${floating('this.gateway.refund(…)')}`,
            `src/workers/refund-retry.worker.ts:7:3 ${floating('gateway.refund(…)')}`,
          ],
          sites: 2,
        },
      });
    });

    it('reads the JSDoc types of a JavaScript file (documentation comments are parsed for --types only)', async () => {
      expect(await both('jsdoc-typed-javascript')).toEqual({
        syntactic: { findings: [], sites: 0 },
        types: { findings: [`src/billing/receipt.job.js:14:5 ${floating('this.mailer.send(…)')}`], sites: 1 },
      });
    });

    it('needs a tsconfig.json at the root', async () => {
      const root = invalid('same-file-async-functions');
      await expect(scan({ root, config: onlyRule(RULE), types: true })).rejects.toThrow(`--types needs a tsconfig.json at ${root}`);
    });
  });
});
