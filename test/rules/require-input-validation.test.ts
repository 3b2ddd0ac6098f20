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

  it('flags what a global zod pipe passes through: class-validator DTOs, any, records, scalars, type-only imports, DTOs of another package or a look-alike helper', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'nestjs-zod-pipe-unvalidated-params'));
    expect(found.map(at)).toEqual([
      'src/invoices/invoices.controller.ts:13:40',
      'src/invoices/invoices.controller.ts:18:40',
      'src/invoices/invoices.controller.ts:23:40',
      'src/invoices/invoices.controller.ts:28:50',
      'src/invoices/invoices.controller.ts:33:49',
      'src/invoices/invoices.controller.ts:38:50',
      'src/invoices/invoices.controller.ts:43:45',
    ]);
    expect(found.map((f) => f.message.split(' without')[0])).toEqual([
      '`dto` reaches `this.invoicesService.create(…)`',
      '`body` reaches `this.invoicesService.create(…)`',
      '`body` reaches `this.invoicesService.create(…)`',
      '`status` reaches `this.invoicesService.updateStatus(…)`',
      '`dto` reaches `this.invoicesService.applyRefund(…)`',
      '`dto` reaches `this.invoicesService.updateStatus(…)`',
      '`dto` reaches `this.invoicesService.addNote(…)`',
    ]);
  });

  it("flags a zod DTO when the global pipe is the project's own class named ZodValidationPipe", async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'nestjs-local-zod-validation-pipe'));
    expect(found.map(at)).toEqual(['src/projects/projects.controller.ts:11:40']);
    expect(found[0]?.message).toMatch(/^`dto` reaches `this\.projectsService\.create\(…\)`/);
  });

  it('flags a zod DTO when only an e2e test installs the zod pipe', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'nestjs-zod-pipe-only-in-e2e-test'));
    expect(found.map(at)).toEqual(['src/members/members.controller.ts:11:39']);
  });

  it('flags a zod DTO when only a script (the OpenAPI generator) installs the zod pipe', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'nestjs-zod-pipe-only-in-openapi-script'));
    expect(found.map(at)).toEqual(['src/reports/reports.controller.ts:11:39']);
    expect(found[0]?.message).toMatch(/^`dto` reaches `this\.reportsService\.create\(…\)`/);
  });

  it('flags a zod DTO when the only script installing the zod pipe sits in src/ and never listens', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'nestjs-zod-pipe-only-in-src-docs-script'));
    expect(found.map(at)).toEqual(['src/uploads/uploads.controller.ts:11:39']);
    expect(found[0]?.message).toMatch(/^`dto` reaches `this\.uploadsService\.create\(…\)`/);
  });

  it("flags a library's zod DTO when the app with the pipe imports only a constant of the library and an app without one serves its controllers", async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'nestjs-zod-pipe-app-imports-library-constant'));
    expect(found.map(at)).toEqual(['libs/billing/src/invoices.controller.ts:12:40']);
    expect(found[0]?.message).toMatch(/^`dto` reaches `this\.invoicesService\.create\(…\)`/);
  });

  it('flags a zod DTO when the zod pipe is provided only by a Nest module the application never imports', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'nestjs-zod-pipe-in-unimported-module'));
    expect(found.map(at)).toEqual(['src/exports/exports.controller.ts:11:39']);
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
