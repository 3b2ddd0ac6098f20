import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'require-process-error-handlers';

describe(RULE, () => {
  it('invalid/express-without-handlers', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'express-without-handlers');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/server.ts',
        line: 5,
        column: 1,
        message: "This server's process has no `unhandledRejection` or `uncaughtException` handler: a stray rejection or throw kills it outside your logger and error tracker — install both with `process.on(…)`, log the error, close the server and exit",
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('invalid/imported-handler-that-only-logs', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'imported-handler-that-only-logs');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/server.ts',
        line: 9,
        column: 1,
        message: "This server's process has no `unhandledRejection` handler, and the `uncaughtException` handler at src/server.ts:7 neither exits nor rethrows — add the first, and make the second log the error, close the server and call `process.exit(1)`",
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('invalid/nestjs-main-without-handlers', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'nestjs-main-without-handlers');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/main.ts',
        line: 7,
        column: 9,
        message: "This server's process has no `unhandledRejection` or `uncaughtException` handler: a stray rejection or throw kills it outside your logger and error tracker — install both with `process.on(…)`, log the error, close the server and exit",
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('invalid/one-finding-per-entry-point', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'one-finding-per-entry-point');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/admin/server.ts',
        line: 5,
        column: 1,
        message: "This server's process has no `unhandledRejection` or `uncaughtException` handler: a stray rejection or throw kills it outside your logger and error tracker — install both with `process.on(…)`, log the error, close the server and exit",
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('invalid/only-unhandled-rejection', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'only-unhandled-rejection');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/main.ts',
        line: 12,
        column: 9,
        message: "This server's process has no `uncaughtException` handler: a stray throw in a callback kills it outside your logger and error tracker — install `process.on('uncaughtException', …)` that logs the error and exits",
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('invalid/service-factory-and-entry-point-without-handlers', async () => {
    // services/index.ts calls lifecycleService.listen() (event subscriptions): only the entry point listens.
    const dir = fixtureCase(RULE, 'invalid', 'service-factory-and-entry-point-without-handlers');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/server.ts',
        line: 8,
        column: 1,
        message: "This server's process has no `unhandledRejection` or `uncaughtException` handler: a stray rejection or throw kills it outside your logger and error tracker — install both with `process.on(…)`, log the error, close the server and exit",
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('invalid/realtime-gateway-and-server-without-handlers', async () => {
    // The gateway's backend.listen(stream, request) attaches a client stream: only the server listens.
    const dir = fixtureCase(RULE, 'invalid', 'realtime-gateway-and-server-without-handlers');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/server.ts',
        line: 11,
        column: 1,
        message: "This server's process has no `unhandledRejection` or `uncaughtException` handler: a stray rejection or throw kills it outside your logger and error tracker — install both with `process.on(…)`, log the error, close the server and exit",
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('invalid/uncaught-exception-handler-only-logs', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'uncaught-exception-handler-only-logs');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/index.ts',
        line: 8,
        column: 1,
        message: 'The `uncaughtException` handler at src/process-handlers.ts:8 neither exits nor rethrows: after a stray throw this server keeps serving in an unknown state — log the error, close the server and call `process.exit(1)`',
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('valid/realtime-gateway-attaches-client-streams: ShareDB attaching a stream is no server entry point', async () => {
    const dir = fixtureCase(RULE, 'valid', 'realtime-gateway-attaches-client-streams');
    expect(await findingsOf(RULE, dir)).toEqual([]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('valid/service-factory-starts-event-listeners: a domain listen() is no server entry point', async () => {
    const dir = fixtureCase(RULE, 'valid', 'service-factory-starts-event-listeners');
    expect(await findingsOf(RULE, dir)).toEqual([]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
