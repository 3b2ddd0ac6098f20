import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'log-error-with-stack';

describe(RULE, () => {
  it('flags a NestJS Logger error that keeps only the message, and says to pass the stack', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'nestjs-logger-message-only');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/payments/payments.service.ts',
        line: 17,
        column: 7,
        message:
          "`this.logger.error` logs `error.message` of the caught error `error` but not the error: its stack is lost — pass its stack: `this.logger.error('…', error.stack)`",
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags a pino error passed after the message or under another key than `err` (child logger imported across files, Fastify request.log)', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'pino-error-not-serialised');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/app.ts',
        line: 6,
        column: 3,
        message:
          "`request.log.error` passes the caught error `error` after the message: pino drops arguments that no placeholder uses, so the error and its stack are lost — log the error under `err`: `request.log.error({ err: error }, '…')`",
      },
      {
        file: 'src/services/billing.service.ts',
        line: 12,
        column: 5,
        message:
          "`log.error` passes the caught error `err` after the message: pino drops arguments that no placeholder uses, so the error and its stack are lost — log the error under `err`: `log.error({ err }, '…')`",
      },
      {
        file: 'src/services/billing.service.ts',
        line: 21,
        column: 5,
        message:
          "`log.error` logs the caught error `error` under `error`: pino serialises errors (message, stack) only under `err`, so this field is written as `{}` — log the error under `err`: `log.error({ err: error }, '…')`",
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(3);
  });

  it('flags `${err}`, `err.message`, `String(err)` and a const built from them, in catch blocks, `.catch` callbacks and Express error middleware', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'winston-message-and-string-forms');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/http/error-handler.ts',
        line: 5,
        column: 3,
        message:
          "`logger.error` logs `String(err)` of the caught error `err` but not the error: its stack is lost — pass the error as metadata: `logger.error('…', err)`",
      },
      {
        file: 'src/services/inventory.service.ts',
        line: 16,
        column: 7,
        message:
          "`logger.error` logs `${err}` of the caught error `err` but not the error: its stack is lost — pass the error as metadata: `logger.error('…', err)`",
      },
      {
        file: 'src/services/inventory.service.ts',
        line: 25,
        column: 7,
        message:
          "`logger.error` logs `err.message` of the caught error `err` but not the error: its stack is lost — pass the error as metadata: `logger.error('…', err)`",
      },
      {
        file: 'src/services/inventory.service.ts',
        line: 34,
        column: 7,
        message:
          "`logger.error` logs `err.message` of the caught error `err` but not the error: its stack is lost — pass the error as metadata: `logger.error('…', err)`",
      },
      {
        file: 'src/services/inventory.service.ts',
        line: 39,
        column: 44,
        message:
          "`logger.error` logs `error.message` of the caught error `error` but not the error: its stack is lost — pass the error as metadata: `logger.error('…', error)`",
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(5);
  });

  it('does not flag a log where the value is known not to be an Error (else of `x instanceof Error`, then of `!(x instanceof Error)`)', async () => {
    const dir = fixtureCase(RULE, 'valid', 'non-error-branch');
    expect(await findingsOf(RULE, dir)).toEqual([]);
    expect(await sitesOf(RULE, dir)).toBe(4);
  });

  it('still flags the Error branch of such a guard when it logs only the message, and the else of a subclass check', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'error-branch-message-only');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/server.ts',
        line: 7,
        column: 7,
        message:
          "`logger.error` logs `reason.message` of the caught error `reason` but not the error: its stack is lost — pass the error itself: `logger.error('…', reason)`",
      },
      {
        file: 'src/services/feed-import.service.ts',
        line: 19,
        column: 9,
        message:
          "`logger.error` logs `err.message` of the caught error `err` but not the error: its stack is lost — pass the error itself: `logger.error('…', err)`",
      },
      {
        file: 'src/services/feed-import.service.ts',
        line: 32,
        column: 9,
        message:
          "`logger.error` logs `String(err)` of the caught error `err` but not the error: its stack is lost — pass the error itself: `logger.error('…', err)`",
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(4);
  });

  it('still flags a message-only log when no other error-level call on the same path surely keeps the stack (message only, debug level, a condition, a branch that returns or throws first, another error, pino after the message, winston or an unknown logger given the bare error, a ConsoleLogger subclass overriding error, a LoggerService, the error reassigned, process.exit or an await between, a statement between)', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'stack-not-logged-on-same-path');
    const nest = "`this.logger.error` logs `error.message` of the caught error `error` but not the error: its stack is lost — pass its stack: `this.logger.error('…', error.stack)`";
    const plogError = "`plog.error` logs `err.message` of the caught error `err` but not the error: its stack is lost — log the error under `err`: `plog.error({ err }, '…')`";
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/auth/oauth.service.ts', line: 18, column: 7, message: nest },
      { file: 'src/auth/oauth.service.ts', line: 19, column: 7, message: nest },
      { file: 'src/auth/oauth.service.ts', line: 30, column: 7, message: nest },
      { file: 'src/auth/oauth.service.ts', line: 32, column: 9, message: nest },
      { file: 'src/auth/oauth.service.ts', line: 44, column: 7, message: nest },
      {
        file: 'src/auth/oauth.service.ts',
        line: 59,
        column: 9,
        message:
          "`this.logger.error` logs `revokeError.message` of the caught error `revokeError` but not the error: its stack is lost — pass its stack: `this.logger.error('…', revokeError.stack)`",
      },
      { file: 'src/auth/session.service.ts', line: 23, column: 7, message: "`this.logger.error` logs `error.message` of the caught error `error` but not the error: its stack is lost — pass the error object itself to the logger" },
      { file: 'src/auth/session.service.ts', line: 32, column: 7, message: "`this.appLogger.error` logs `error.message` of the caught error `error` but not the error: its stack is lost — pass its stack: `this.appLogger.error('…', error.stack)`" },
      { file: 'src/jobs/export.job.js', line: 5, column: 5, message: "`logger.error` logs `err.message` of the caught error `err` but not the error: its stack is lost — pass the error object itself to the logger" },
      { file: 'src/jobs/orders-sync.ts', line: 16, column: 5, message: "`logger.error` logs `err.message` of the caught error `err` but not the error: its stack is lost — pass the error as metadata: `logger.error('…', err)`" },
      { file: 'src/jobs/orders-sync.ts', line: 25, column: 5, message: plogError },
      { file: 'src/jobs/orders-sync.ts', line: 35, column: 5, message: "`plog.fatal` logs `err.message` of the caught error `err` but not the error: its stack is lost — log the error under `err`: `plog.fatal({ err }, '…')`" },
      { file: 'src/jobs/orders-sync.ts', line: 45, column: 5, message: plogError },
      { file: 'src/jobs/orders-sync.ts', line: 55, column: 5, message: plogError },
      {
        file: 'src/jobs/thumbnail.job.js',
        line: 7,
        column: 5,
        message: "`logger.error` logs `err.message` of the caught error `err` but not the error: its stack is lost — log the error under `err`: `logger.error({ err }, '…')`",
      },
      {
        file: 'src/jobs/thumbnail.job.js',
        line: 8,
        column: 5,
        message:
          "`logger.error` passes the caught error `err` after the message: pino drops arguments that no placeholder uses, so the error and its stack are lost — log the error under `err`: `logger.error({ err }, '…')`",
      },
    ]);
  });

  it('flags a message-only log beside `this.logger.error(error)` when the package is on NestJS 10, whose ConsoleLogger prints only String(error)', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'stack-logged-by-nest-10-logger');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/auth/oauth.service.ts', line: 17, column: 7, message: "`this.logger.error` logs `error.message` of the caught error `error` but not the error: its stack is lost — pass its stack: `this.logger.error('…', error.stack)`" },
      { file: 'src/auth/oauth.service.ts', line: 28, column: 7, message: "`this.console.error` logs `error.message` of the caught error `error` but not the error: its stack is lost — pass its stack: `this.console.error('…', error.stack)`" },
    ]);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
