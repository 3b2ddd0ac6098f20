import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-in-memory-rate-limit';
const at = (f: { file: string; line: number; column: number }) => `${f.file}:${f.line}:${f.column}`;
const LOOSE = 'so with N instances the limit is N times too loose';
const EXPRESS = (callee: string, module = 'express-rate-limit') =>
  `\`${callee}(…)\` from ${module} has no \`store\`: hits are counted in this process's memory, ${LOOSE} — pass a shared store (rate-limit-redis, rate-limit-postgresql)`;
const FASTIFY = `@fastify/rate-limit is registered without \`redis\` or \`store\`: hits are counted in this process's memory, ${LOOSE} — pass \`redis: <ioredis client>\` or a shared \`store\``;

describe(RULE, () => {
  it('flags express-rate-limit without a store and counts the one with a store as a site', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'express-rate-limit-without-store');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/middlewares/rate-limit.ts', line: 5, column: 29, message: EXPRESS('rateLimit') }]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('follows require, a renamed named export, express-slow-down, the legacy `new RateLimit` and a call without options', async () => {
    const file = 'src/app.js';
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'commonjs-and-legacy-forms'))).toEqual([
      { file, line: 10, column: 21, message: EXPRESS('rateLimit') },
      { file, line: 11, column: 23, message: EXPRESS('limit') },
      { file, line: 12, column: 23, message: EXPRESS('slowDown', 'express-slow-down') },
      { file, line: 14, column: 24, message: EXPRESS('new RateLimit') },
      { file, line: 15, column: 31, message: EXPRESS('rateLimit') },
    ]);
  });

  it('flags an explicit MemoryStore once, at the store', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'explicit-memory-store'))).toEqual([
      {
        file: 'src/limits.ts',
        line: 3,
        column: 85,
        message: "`new MemoryStore()` counts hits in this process's memory: pass a shared store (rate-limit-redis, rate-limit-postgresql) instead",
      },
    ]);
  });

  it('flags a RateLimiterMemory that is not an insurance limiter', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'rate-limiter-flexible-memory'));
    expect(found.map(at)).toEqual(['src/security/login-throttle.ts:4:22']);
    expect(found[0]?.message).toBe(
      `\`new RateLimiterMemory(…)\` counts in this process's memory, ${LOOSE} — use RateLimiterRedis (or another store-backed limiter) and keep RateLimiterMemory as its \`insuranceLimiter\` only`,
    );
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'rate-limiter-flexible-with-insurance'))).toBe(3);
  });

  it('flags @fastify/rate-limit registered without redis or store, imported or loaded with import()', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'fastify-rate-limit-without-redis'))).toEqual([
      { file: 'src/server.ts', line: 6, column: 9, message: FASTIFY },
      { file: 'src/server.ts', line: 7, column: 9, message: FASTIFY },
    ]);
  });

  it('flags ThrottlerModule.forRoot without storage', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'nest-throttler-without-storage'));
    expect(found.map(at)).toEqual(['src/app.module.ts:7:13']);
    expect(found[0]?.message).toMatch(/^`ThrottlerModule.forRoot\(…\)` has no `storage`/);
  });

  it("flags koa-ratelimit's memory driver at the option", async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'koa-ratelimit-memory-driver'));
    expect(found.map(at)).toEqual(['src/app.js:9:5']);
    expect(found[0]?.message).toMatch(/^koa-ratelimit with `driver: 'memory'`/);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
