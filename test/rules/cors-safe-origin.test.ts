import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'cors-safe-origin';
const at = (f: { file: string; line: number; column: number }) => `${f.file}:${f.line}:${f.column}`;
const REFLECT = (library: string, how: string) =>
  `${library} allows credentials and accepts every origin (${how}): any website can call this API with a logged-in user's cookies and read the response — list the allowed origins (\`origin: ['https://app.example.com']\`)`;

describe(RULE, () => {
  it('flags `origin: true` with credentials at the origin property', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'origin-true-with-credentials');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/app.ts', line: 9, column: 5, message: REFLECT('`cors`', '`origin: true`') }]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags origin callbacks that allow every origin, inline or by name', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'origin-callback-allows-every-origin'));
    expect(found.map(at)).toEqual(['src/server.js:10:26', 'src/server.js:11:58']);
    expect(found[0]?.message).toBe(REFLECT('`cors`', 'an origin function that says yes to every origin'));
  });

  it("flags `origin: '*'` with credentials", async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'wildcard-with-credentials'))).toEqual([
      {
        file: 'src/http/cors.ts',
        line: 4,
        column: 3,
        message:
          "`cors` sets `origin: '*'` together with `credentials: true`: browsers refuse credentialed requests to `*`, and reflecting the origin to \"fix\" it would open the API to every site — list the allowed origins",
      },
    ]);
  });

  it('flags @fastify/cors registered with a reflected origin', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'fastify-cors-reflects-origin'));
    expect(found).toEqual([{ file: 'src/server.ts', line: 8, column: 3, message: REFLECT('`@fastify/cors`', '`origin: true`') }]);
  });

  it('flags @koa/cors with credentials and no origin (it echoes the Origin) and an echoing origin function', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'koa-cors-credentials-default-origin'));
    expect(found.map(at)).toEqual(['src/app.js:8:9', 'src/app.js:9:16']);
    expect(found[0]?.message).toBe(REFLECT('`@koa/cors`', "no `origin`, so the caller's own Origin is echoed"));
  });

  it('flags NestJS `cors` options and `enableCors`', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'nest-cors-options');
    const found = await findingsOf(RULE, dir);
    expect(found.map(at)).toEqual(['src/main.ts:6:13', 'src/main.ts:9:5']);
    expect(found[0]?.message).toBe(REFLECT('the `cors` option of `NestFactory.create`', '`origin: true`'));
    expect(found[1]?.message).toBe(REFLECT('`app.enableCors`', 'an origin function that says yes to every origin'));
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('flags a hand-written header that echoes the Origin next to credentials', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'reflected-header-with-credentials'))).toEqual([
      {
        file: 'src/middleware/cors.ts',
        line: 6,
        column: 5,
        message:
          "`Access-Control-Allow-Origin` echoes the request's `Origin` while `Access-Control-Allow-Credentials` is `true`: any website can call this API with a logged-in user's cookies — check the origin against an allow-list first",
      },
    ]);
  });

  it('counts every CORS set-up of a public API as a site', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'public-api-without-credentials'))).toBe(6);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
