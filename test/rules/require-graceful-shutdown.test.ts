import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'require-graceful-shutdown';

describe(RULE, () => {
  it('invalid/express-without-sigterm', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'express-without-sigterm');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/server.ts',
        line: 13,
        column: 1,
        message: 'This server never handles SIGTERM: every deploy or scale-down kills the requests in flight and drops open connections — on SIGTERM and SIGINT call `server.close()`, close the pools, then exit (or use `close-with-grace`, `@godaddy/terminus`, NestJS `app.enableShutdownHooks()`)',
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('invalid/fastify-without-close-on-signal', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'fastify-without-close-on-signal');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/main.ts',
        line: 6,
        column: 1,
        message: 'This server never handles SIGTERM: every deploy or scale-down kills the requests in flight and drops open connections — on SIGTERM and SIGINT call `server.close()`, close the pools, then exit (or use `close-with-grace`, `@godaddy/terminus`, NestJS `app.enableShutdownHooks()`)',
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('invalid/nestjs-without-shutdown-hooks', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'nestjs-without-shutdown-hooks');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/main.ts',
        line: 6,
        column: 9,
        message: 'This server never handles SIGTERM: every deploy or scale-down kills the requests in flight and drops open connections — on SIGTERM and SIGINT call `server.close()`, close the pools, then exit (or use `close-with-grace`, `@godaddy/terminus`, NestJS `app.enableShutdownHooks()`)',
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('invalid/only-sigint-handled', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'only-sigint-handled');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/server.ts',
        line: 4,
        column: 16,
        message: "This server handles SIGINT but not SIGTERM, the signal Docker, Kubernetes and most platforms stop a process with: deploys kill its in-flight requests — handle SIGTERM with the same shutdown (`process.on('SIGTERM', shutdown)`)",
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('invalid/sigterm-handler-only-exits', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'sigterm-handler-only-exits');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/server.ts',
        line: 5,
        column: 1,
        message: "The SIGTERM handler at src/server.ts:7 does not close the server or its pools: the process still dies with requests in flight (by `process.exit` or the platform's SIGKILL) — call `server.close()` and wait for it, close the pools, then exit",
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('invalid/sigterm-handler-only-sets-a-flag', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'sigterm-handler-only-sets-a-flag');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/server.ts',
        line: 6,
        column: 1,
        message: "The SIGTERM handler at src/server.ts:8 does not close the server or its pools: the process still dies with requests in flight (by `process.exit` or the platform's SIGKILL) — call `server.close()` and wait for it, close the pools, then exit",
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
