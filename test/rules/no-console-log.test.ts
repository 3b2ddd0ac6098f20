import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-console-log';
const message = (method: string) =>
  `\`console.${method}\` in server code: log through the structured logger (pino, winston) so the line has a level and fields`;

describe(RULE, () => {
  it('flags console calls in services and route handlers, and counts logger calls as sites', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'service-and-route-logging');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/routes/payments.ts', line: 11, column: 5, message: expect.stringMatching(/^`console\.warn` in server code/) },
      { file: 'src/services/payments.service.ts', line: 9, column: 3, message: expect.stringMatching(/^`console\.log` in server code/) },
      { file: 'src/services/payments.service.ts', line: 19, column: 5, message: expect.stringMatching(/^`console\.error` in server code/) },
    ]);
    // 3 console calls + 2 logger calls
    expect(await sitesOf(RULE, dir)).toBe(5);
  });

  it('flags CommonJS server code', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'commonjs-worker-logging'))).toEqual([
      {
        file: 'src/queue.js',
        line: 13,
        column: 5,
        message: '`console.info` in server code: log through the structured logger (pino, winston) so the line has a level and fields',
      },
    ]);
  });

  it('flags the server code of a Next.js app: its custom server, and a server action that imports next/navigation\u2019s redirect (not a hook)', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'next-custom-server-logging'));
    expect(found.map((f) => [f.file, f.line, f.column])).toEqual([
      ['src/app/orders/actions.ts', 6, 3],
      ['src/server.ts', 10, 27],
    ]);
  });

  it('honours the allow option and still flags the methods not allowed', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'allow-option-still-flags-log');
    expect((await findingsOf(RULE, dir, { allow: ['error'] })).map((f) => [f.file, f.line, f.column])).toEqual([['src/health.ts', 4, 3]]);
    expect((await findingsOf(RULE, dir)).map((f) => f.line)).toEqual([4, 5]);
  });

  it('flags a console call that sits beside other work in a method named like a logger', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'console-beside-logic-in-logger-method'));
    expect(found.map((f) => [f.file, f.line, f.column])).toEqual([['src/jobs/sync-inventory.ts', 7, 5]]);
  });

  it('flags a service class and a controller whose members are only named like logger levels: no public methods for two levels', async () => {
    // payouts: `error`/`debug` are fields, `logInfo`/`handleError` are not level names; refunds: `info`/`warn` are private
    // helpers; webhooks: one `error` handler plus a `log` helper (whose lone console call is an adapter, as before).
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'service-classes-with-log-named-members'));
    const at = (file: string, line: number, column: number, method: string) => ({ file, line, column, message: message(method) });
    expect(found).toEqual([
      at('src/controllers/webhooks.controller.ts', 9, 5, 'log'),
      at('src/controllers/webhooks.controller.ts', 17, 5, 'error'),
      at('src/services/payouts.service.ts', 12, 5, 'log'),
      at('src/services/payouts.service.ts', 26, 21, 'info'),
      at('src/services/payouts.service.ts', 31, 5, 'error'),
      at('src/services/refunds.service.ts', 17, 5, 'info'),
      at('src/services/refunds.service.ts', 22, 5, 'warn'),
    ]);
  });

  it("exempts every member of the project's logger class or object, and counts none of their console calls as sites", async () => {
    // ConsoleLog's `plain` and two-statement `fatal`, the job logger's guarded `debug` and two-statement `error`
    // (5 findings before); the callers' `consoleLog.info` and `reindex.info` are not named like loggers.
    const dir = fixtureCase(RULE, 'valid', 'console-log-class-of-a-service');
    expect(await findingsOf(RULE, dir)).toEqual([]);
    expect(await sitesOf(RULE, dir)).toBe(0);
  });

  it('judges a service class by its methods: a status info() or an error(id) handler is no logger, nor are console helpers beside its own work', async () => {
    const console = (method: string) => `\`console.${method}\` in server code: log through the structured logger (pino, winston) so the line has a level and fields`;
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'services-with-level-named-methods'))).toEqual([
      { file: 'src/payments/payouts.service.ts', line: 7, column: 5, message: console('log') },
      { file: 'src/payments/webhook.js', line: 6, column: 5, message: console('log') },
      { file: 'src/payments/webhook.js', line: 7, column: 41, message: console('error') },
    ]);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
