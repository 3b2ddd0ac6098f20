import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-module-state-in-handler';
const at = (f: { file: string; line: number; column: number }) => `${f.file}:${f.line}:${f.column}`;

describe(RULE, () => {
  it('flags a module-level let set on first use from the request (the first request\u2019s viewer is kept for everyone)', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'first-request-kept'));
    // Also from a destructured parameter and through a local.
    expect(found.map(at)).toEqual(['src/routes/profile.ts:14:5', 'src/routes/profile.ts:23:20', 'src/routes/profile.ts:29:3']);
    expect(found[0]?.message).toMatch(/^`viewer` \(a module-level `let`, line 8\) is written during request handling/);
  });

  it('flags a module-level Map, array and let written by Express handlers, once per container', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'express-user-store');
    const found = await findingsOf(RULE, dir);
    expect(found.map(at)).toEqual(['src/routes/users.ts:15:3', 'src/routes/users.ts:21:3', 'src/routes/users.ts:22:3']);
    expect(found[0]?.message).toBe(
      "`requestCount` (a module-level `let`, line 10) is written during request handling: that state lives in one process's memory, is lost on restart and differs between instances — keep it in Redis or the database",
    );
    expect(found[1]?.message).toMatch(/^`users` \(a module-level Map, line 8\) is written/);
    expect(found[2]?.message).toMatch(/^`signupLog` \(a module-level array, line 9\) is written/);
    expect(await sitesOf(RULE, dir)).toBe(3);
  });

  it('follows a route into the service module it calls, including fields of a module-level singleton', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'service-state-across-files'));
    expect(found.map(at)).toEqual(['src/services/orders.service.ts:14:5', 'src/services/orders.service.ts:15:5']);
    expect(found[0]?.message).toMatch(/^`orders` \(a module-level object literal, line 7\)/);
    expect(found[1]?.message).toMatch(/^`this\.byCustomer` \(a Map field of a singleton, line 10\)/);
  });

  it('flags a NestJS provider field written by a controller route', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'nestjs-provider-field'));
    expect(found.map(at)).toEqual(['src/cats/cats.service.ts:8:5']);
    expect(found[0]?.message).toMatch(/^`this\.cats` \(an array field of a singleton, line 5\)/);
  });

  it('treats socket.io event handlers as request handling', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'socketio-room-registry'));
    expect(found.map(at)).toEqual(['src/server.ts:12:5']);
  });

  it('keeps flagging memos that are not lazily built singletons: request data, random values, keys, broken guards', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'memo-of-request-data'));
    expect(found.map(at)).toEqual([
      'src/lib/clients.ts:16:3', // the guard tests `redis`, the write fills `tenantRedis`
      'src/lib/clients.ts:24:29', // the first request's tenant, from AsyncLocalStorage
      'src/lib/clients.ts:33:5', // a memo per member id
      'src/lib/clients.ts:41:3', // `if (lastInvite) console.info(…)` does not return
      'src/lib/clients.ts:47:3', // emptied before the guard
      'src/lib/clients.ts:55:3',
      'src/lib/clients.ts:58:5', // written in a loop after the guard
      'src/lib/clients.ts:67:3', // a Map created lazily, then filled on every request
      'src/lib/secrets.ts:16:3', // nanoid(32) on first use: each instance its own secret
      'src/lib/secrets.ts:26:5', // randomBytes through a local
      'src/routes/members.ts:10:36', // keyed by req.params.id
    ]);
    expect(found[8]?.message).toMatch(/^`_cache` \(a module-level object literal, line 4\) is written during request handling/);
  });

  it('keeps flagging lazily built values that are not run-once singletons: containers handed out, request data through a helper or beside the write', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'handed-out-memo'));
    expect(found.map(at)).toEqual([
      'src/lib/stores.ts:20:22', // an Object.create(null) dictionary returned to the routes, which write drafts into it
      'src/lib/stores.ts:26:25', // a Map returned to the routes, which fill it per login
      'src/lib/stores.ts:31:18', // the lazily made queue, aliased to a local and pushed to
      'src/lib/stores.ts:39:3', // an array returned from the getter, pushed to per request
      'src/lib/stores.ts:47:14', // the first request's tenant, through a same-file helper reading AsyncLocalStorage
      'src/lib/stores.ts:53:3', // nanoid through a same-file helper
      'src/lib/stores.ts:62:3', // the interceptor set up after the write sends the first caller's credentials
    ]);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
