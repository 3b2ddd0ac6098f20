import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'require-input-validation';
const at = (f: { file: string; line: number; column: number }) => `${f.file}:${f.line}:${f.column}`;

describe(RULE, () => {
  it('flags a body passed to an ORM create and a query spread into a Mongo filter, hand-written checks notwithstanding', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'express-body-to-orm');
    const found = await findingsOf(RULE, dir);
    expect(found.map(at)).toEqual(['src/routes/users.ts:10:49', 'src/routes/users.ts:15:23']);
    expect(found[0]?.message).toBe(
      '`req.body` reaches `prisma.user.create(…)` without schema validation: parse it first (zod `.parse`, joi, express-validator, class-validator) or give the route a schema',
    );
    expect(found[1]?.message).toMatch(/^`req\.query` reaches `Product\.find\(…\)`/);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('flags a body handed to a writing service in another file', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'service-in-another-file'));
    expect(found.map(at)).toEqual(['src/routes/articles.ts:8:25']);
    expect(found[0]?.message).toMatch(/^`req\.body` reaches `createArticle\(…\)`/);
  });

  it('flags NestJS DTOs and queries with no validation pipe', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'nestjs-dto-without-pipe'));
    expect(found.map(at)).toEqual(['src/orders/orders.controller.ts:11:38']);
    expect(found[0]?.message).toMatch(/^`dto` reaches `this\.ordersService\.create\(…\)`/);
  });

  it('flags Fastify, Koa and Hono handlers reaching a query, a shell and an outbound call', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'fastify-koa-hono-sinks'));
    expect(found.map(at)).toEqual(['src/fastify.ts:8:17', 'src/hono.ts:6:25', 'src/koa.js:7:20']);
    expect(found.map((f) => f.message.split(' without')[0])).toEqual([
      '`request.body` reaches `pool.query(…)`',
      '`c.req.json()` reaches `fetch`',
      '`ctx.request.body` reaches `execFile`',
    ]);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
