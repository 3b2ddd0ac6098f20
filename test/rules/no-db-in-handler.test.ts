import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-db-in-handler';
const at = (f: { file: string; line: number; column: number }) => `${f.file}:${f.line}:${f.column}`;
const advice = 'move the query into a service or repository function and call that, so every route shares one tested version of it';

describe(RULE, () => {
  it('flags Prisma queries in route handlers, once per handler, and not in the middleware before them', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'express-prisma-in-route-handlers');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/orders.router.ts', line: 8, column: 24, message: `Route handler this queries the database itself (\`prisma.order.findMany\`): ${advice}` },
      { file: 'src/orders.router.ts', line: 13, column: 9, message: `Route handler this queries the database itself (\`prisma.$transaction\`): ${advice}` },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(11);
  });

  it('flags Mongoose models in controllers that another file registers as route handlers', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'mongoose-models-in-imported-controllers'));
    expect(found.map(at)).toEqual(['src/controllers/user.ts:5:22', 'src/controllers/user.ts:11:9', 'src/controllers/user.ts:16:3']);
    expect(found.map((f) => f.message.slice(0, f.message.indexOf(')') + 1))).toEqual([
      'Route handler `getAccount` queries the database itself (`User.findById`)',
      'Route handler `postSignup` queries the database itself (`user.save`)',
      'Route handler `getReset` queries the database itself (`User.findOne`)',
    ]);
  });

  it('flags a TypeORM repository injected into a NestJS controller', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'nestjs-repository-in-controller'));
    expect(found.map(at)).toEqual(['src/orders/orders.controller.ts:16:12']);
    expect(found[0]?.message).toBe(`Route handler \`findOne\` queries the database itself (\`this.orders.findOneBy\`): ${advice}`);
  });

  it('flags knex and a pg pool in Fastify route handlers', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'fastify-knex-and-pg-pool'));
    expect(found.map(at)).toEqual(['lib/routes.js:5:12', 'lib/routes.js:12:30']);
    expect(found.map((f) => f.message.slice(0, 66))).toEqual([
      'Route handler this queries the database itself (`db`): move the qu',
      'Route handler `handler` queries the database itself (`pool.query`)',
    ]);
  });

  it('takes the route threshold as an option', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'valid', 'small-service-under-threshold'), { minRouteHandlers: 3 });
    expect(found.map(at)).toEqual(['src/server.ts:7:55', 'src/server.ts:8:67', 'src/server.ts:10:9']);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
