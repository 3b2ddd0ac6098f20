import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'async-handler-errors';
const at = (f: { file: string; line: number; column: number }) => `${f.file}:${f.line}:${f.column}`;
const TAIL = 'a rejection never reaches `next`, the request hangs and the process can crash — wrap it (`asyncHandler(fn)`), catch and call `next(err)`, or upgrade to Express 5';

describe(RULE, () => {
  it('flags inline async route handlers and points at the function', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'inline-async-route-handlers');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/routes/orders.routes.ts', line: 6, column: 29, message: `async route handler for \`GET /orders\` on Express 4 has no try/catch: ${TAIL}` },
      { file: 'src/routes/orders.routes.ts', line: 11, column: 33, message: `async route handler for \`GET /orders/:id\` on Express 4 has no try/catch: ${TAIL}` },
      { file: 'src/routes/orders.routes.ts', line: 20, column: 30, message: `async route handler for \`POST /orders\` on Express 4 has no try/catch: ${TAIL}` },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(3);
  });

  it('flags handlers imported from a controller module at the registration argument', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'handlers-imported-from-controller');
    const found = await findingsOf(RULE, dir);
    expect(found.map(at)).toEqual([
      'src/routes/index.ts:10:39', // ordersController.listOrders (namespace import, async function)
      'src/routes/index.ts:11:43', // ordersController.getOrder (async arrow)
      'src/routes/index.ts:12:63', // invoicesController.list (exported class instance)
      'src/routes/index.ts:13:56', // invoicesController.download
      'src/routes/index.ts:14:61', // paymentsController.refund (default-exported object)
    ]);
    expect(found[0]?.message).toBe(`async route handler for \`GET /orders\` on Express 4 does not catch its rejections: ${TAIL}`);
    expect(await sitesOf(RULE, dir)).toBe(5);
  });

  it('follows app.route() chains and chained registrations', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'route-chains'));
    expect(found.map(at)).toEqual(['src/app.ts:9:8', 'src/app.ts:12:8', 'src/app.ts:21:14', 'src/app.ts:26:23', 'src/app.ts:29:19']);
    expect(found.map((f) => /`([^`]+)`/.exec(f.message)?.[1])).toEqual(['GET /products/:sku', 'PUT /products/:sku', 'POST /products/:sku/reviews', 'GET /categories', 'GET /brands']);
  });

  it('checks app.use middleware and arrays of middleware, written out or held in a const', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'middleware-arrays-and-use');
    const found = await findingsOf(RULE, dir);
    expect(found.map(at)).toEqual(['src/app.ts:7:9', 'src/app.ts:12:19', 'src/app.ts:23:3', 'src/app.ts:29:48', 'src/app.ts:34:50']);
    expect(found[0]?.message).toBe(`async middleware in \`app.use(…)\` on Express 4 has no try/catch: ${TAIL}`);
    expect(found[1]?.message).toBe(`async middleware in \`app.use('/admin', …)\` on Express 4 has no try/catch: ${TAIL}`);
    expect(found[2]?.message).toMatch(/^async route handler for `POST \/accounts\/:accountId\/close`/);
    expect(await sitesOf(RULE, dir)).toBe(5);
  });

  it('handles a CommonJS app: require, var Router, same-file and required handlers', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'commonjs-app');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/server.js', line: 9, column: 1, message: `async route handler for \`GET /teams\` on Express 4 has no try/catch: ${TAIL}` },
      { file: 'src/server.js', line: 15, column: 22, message: `async route handler for \`GET /users\` on Express 4 does not catch its rejections: ${TAIL}` },
      { file: 'src/server.js', line: 19, column: 20, message: `async route handler for \`GET /status\` on Express 4 has no try/catch: ${TAIL}` },
    ]);
    // users.create is wrapped with catchAsync in its module; users.show is not async.
    expect(await sitesOf(RULE, dir)).toBe(3);
  });

  it('recognises receivers typed Router / express.Application and a class property router', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'typed-router-parameter'));
    expect(found.map(at)).toEqual(['src/routes/labels.routes.ts:11:3', 'src/routes/shipments.routes.ts:5:41', 'src/routes/webhooks.routes.ts:5:33']);
  });

  it('flags a try/catch that leaves an await or throw outside, or rethrows, and async error middleware', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'try-does-not-cover-every-await'));
    expect(found.map((f) => `${at(f)} ${f.message.slice(0, f.message.indexOf(':', f.message.indexOf('Express 4')))}`)).toEqual([
      'src/routes/carts.routes.ts:7:31 async route handler for `GET /carts/:id` on Express 4 awaits or throws outside its try/catch',
      'src/routes/carts.routes.ts:17:38 async route handler for `POST /carts/:id/items` on Express 4 rethrows from its catch',
      'src/routes/carts.routes.ts:30:34 async route handler for `DELETE /carts/:id` on Express 4 awaits or throws outside its try/catch',
      'src/routes/carts.routes.ts:41:17 async middleware in `cartsRouter.use(…)` on Express 4 has no try/catch',
    ]);
  });

  it('assumes Express 4 when there is no package.json but the file imports express', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'no-package-json-imports-express'));
    expect(found.map(at)).toEqual(['src/server.ts:6:19']);
  });

  it('points at a handler declared in the same file, once however often it is registered', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'handler-declared-in-same-file');
    const found = await findingsOf(RULE, dir);
    expect(found.map(at)).toEqual([
      'src/routes/profiles.routes.ts:5:1', // async function showProfile (registered twice)
      'src/routes/profiles.routes.ts:9:23', // const updateProfile = async (…) => …
      'src/routes/profiles.routes.ts:14:3', // profileController.follow, through .bind()
    ]);
    expect(await sitesOf(RULE, dir)).toBe(4);
  });

  it('counts wrapped and fully guarded async handlers as sites that pass', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'wrapped-handlers'))).toBe(4);
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'whole-body-try-catch'))).toBe(4);
  });

  it('finds exactly the unwrapped async route of the orders-service example', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', '../../projects/orders-service'));
    expect(found.map(at)).toEqual(['src/routes/orders.routes.ts:9:27']);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
