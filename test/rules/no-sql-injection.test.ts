import { describe, expect, it } from 'vitest';
import { scan } from '../../src/scan.js';
import { findingsOf, fixtureCase, fixtureCases, onlyRule, sitesOf } from '../support/fixtures.js';

const RULE = 'no-sql-injection';
const ADVICE = 'the client can rewrite the query — pass the value as a bind parameter (`$1`/`?` placeholders with a values array, a `sql` tagged template) or check it against an allow list';
const reaches = (source: string, sink: string) => `\`${source}\` reaches \`${sink}\` as SQL text: ${ADVICE}`;
const invalid = (name: string) => fixtureCase(RULE, 'invalid', name);

describe(RULE, () => {
  it('flags a query value in a pg template, and counts every pg query as a site', async () => {
    expect(await findingsOf(RULE, invalid('pg-template-from-query'))).toEqual([
      { file: 'src/routes/invoices.ts', line: 8, column: 26, message: reaches('req.query.status', 'pool.query') },
    ]);
    expect(await sitesOf(RULE, invalid('pg-template-from-query'))).toBe(2);
  });

  it('follows += into a variable, and mysql2 execute, on a pool exported by another module', async () => {
    expect(await findingsOf(RULE, invalid('mysql2-concatenated-variable'))).toEqual([
      { file: 'src/controllers/customers.controller.ts', line: 8, column: 24, message: reaches('req.body.lastName', 'db.query') },
      { file: 'src/controllers/customers.controller.ts', line: 13, column: 24, message: reaches('req.params.customerId', 'db.execute') },
    ]);
  });

  it('flags knex.raw and orderByRaw, not whereRaw with a binding', async () => {
    const dir = invalid('knex-raw-and-builder-raw');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/routes/reports.ts', line: 7, column: 24, message: reaches('req.query.category', 'warehouse.raw') },
      { file: 'src/routes/reports.ts', line: 13, column: 24, message: reaches('req.query.sort', 'warehouse.orderByRaw') },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(3);
  });

  it('flags sequelize.query and Sequelize.literal in CommonJS', async () => {
    expect(await findingsOf(RULE, invalid('sequelize-query-and-literal'))).toEqual([
      { file: 'src/app.js', line: 10, column: 27, message: reaches('req.params.email', 'sequelize.query') },
      { file: 'src/app.js', line: 15, column: 51, message: reaches('req.query.maxPrice', 'Sequelize.literal') },
    ]);
  });

  it('flags TypeORM data source, query builder and query runner text from NestJS @Query()', async () => {
    expect(await findingsOf(RULE, invalid('typeorm-nestjs-query-and-builder'))).toEqual([
      { file: 'src/refunds/refunds.controller.ts', line: 15, column: 12, message: reaches("@Query('since') since", 'this.dataSource.query') },
      { file: 'src/refunds/refunds.controller.ts', line: 20, column: 12, message: reaches("@Query('reason') reason", 'this.refunds.createQueryBuilder().where') },
      { file: 'src/refunds/refunds.controller.ts', line: 27, column: 20, message: reaches("@Query('orderId') orderId", 'runner.query') },
    ]);
  });

  it('flags Prisma $queryRawUnsafe, $executeRawUnsafe and $queryRaw(Prisma.raw(…))', async () => {
    expect(await findingsOf(RULE, invalid('prisma-unsafe-raw'))).toEqual([
      { file: 'src/routes/refunds.ts', line: 8, column: 22, message: reaches('req.params.orderId', 'prisma.$queryRawUnsafe') },
      { file: 'src/routes/refunds.ts', line: 13, column: 9, message: reaches('req.params.refundId', 'prisma.$executeRawUnsafe') },
      { file: 'src/routes/refunds.ts', line: 18, column: 22, message: reaches('req.query.orderBy', 'prisma.$queryRaw') },
    ]);
  });

  it('flags better-sqlite3 exec and prepare on a database exported by another module', async () => {
    expect(await findingsOf(RULE, invalid('better-sqlite3-exec-and-prepare'))).toEqual([
      { file: 'src/routes/carts.ts', line: 7, column: 3, message: reaches('req.params.cartId', 'cartCache.exec') },
      { file: 'src/routes/carts.ts', line: 12, column: 17, message: reaches('req.params.cartId', 'cartCache.prepare') },
    ]);
  });

  it('reports at the call into a repository that concatenates its argument into SQL (String() is no escaping)', async () => {
    const dir = invalid('repository-in-another-file');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/routes/invoices.ts',
        line: 7,
        column: 23,
        message: `\`req.query.customer\` reaches \`pool.query\` in src/repositories/invoices.repository.ts through \`searchInvoicesByCustomer\` as SQL text: ${ADVICE}`,
      },
    ]);
    const report = await scan({ root: dir, config: onlyRule(RULE) });
    expect(report.findings[0]?.trace).toEqual([
      { file: 'src/routes/invoices.ts', line: 7, what: 'request input `req.query.customer`' },
      { file: 'src/routes/invoices.ts', line: 7, what: 'passed to `searchInvoicesByCustomer`' },
      { file: 'src/repositories/invoices.repository.ts', line: 3, what: 'parameter `customer` of `searchInvoicesByCustomer`' },
      { file: 'src/repositories/invoices.repository.ts', line: 4, what: 'assigned to `text`' },
      { file: 'src/repositories/invoices.repository.ts', line: 5, what: 'reaches `pool.query`' },
    ]);
  });

  it('flags a Koa ctx.query value', async () => {
    expect(await findingsOf(RULE, invalid('koa-context-query'))).toEqual([
      { file: 'src/gateway.ts', line: 10, column: 26, message: reaches('ctx.query.partner', 'pool.query') },
    ]);
  });

  it('recognises SQL text sent through a CommonJS models index (db.sequelize) by the text itself', async () => {
    expect(await findingsOf(RULE, invalid('commonjs-models-index'))).toEqual([
      { file: 'core/handlers.js', line: 5, column: 3, message: reaches('req.body.login', 'db.sequelize.query') },
    ]);
  });

  it('recognises a Sequelize instance that a CommonJS module exports as the whole module', async () => {
    const dir = invalid('commonjs-sequelize-module');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/controllers/notes.js', line: 5, column: 24, message: reaches('req.body.search', 'sequelize.query') },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('counts bind-parameter calls as sites without flagging them', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'bind-parameters'))).toBe(10);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
