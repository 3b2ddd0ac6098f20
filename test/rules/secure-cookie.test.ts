import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'secure-cookie';
const at = (f: { file: string; line: number; column: number }) => `${f.file}:${f.line}:${f.column}`;
const PLAIN_HTTP = 'browsers also send it over plain HTTP, where it can be copied';
const SCRIPTS = 'page scripts (and any XSS) can read it';

describe(RULE, () => {
  it('flags express-session without cookie options (its `secure` defaults to false)', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'express-session-without-cookie-options');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/app.ts', line: 9, column: 3, message: `The express-session cookie \`connect.sid\` is set without \`secure\`: ${PLAIN_HTTP} — set \`secure: true\`` },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags express-session with `secure: false` and `httpOnly: false`', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'express-session-secure-false'))).toEqual([
      {
        file: 'src/session.js',
        line: 4,
        column: 18,
        message: `The express-session cookie \`shop.sid\` is set with \`secure: false\` and with \`httpOnly: false\`: ${PLAIN_HTTP}, and ${SCRIPTS} — set \`secure: true\` and \`httpOnly: true\``,
      },
    ]);
  });

  it('flags res.cookie for tokens without the flags Express leaves off, and `httpOnly: false`', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'auth-cookie-without-flags');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/auth/auth.controller.ts',
        line: 8,
        column: 3,
        message: `Cookie \`refresh_token\` is set without \`secure\` and without \`httpOnly\`: ${PLAIN_HTTP}, and ${SCRIPTS} — set \`secure: true\` and \`httpOnly: true\``,
      },
      { file: 'src/auth/auth.controller.ts', line: 9, column: 3, message: `Cookie \`session\` is set with \`httpOnly: false\`: ${SCRIPTS} — set \`httpOnly: true\`` },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('recognises auth cookies by a constant name and by the token they carry', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'cookie-named-by-constant'));
    expect(found.map(at)).toEqual(['src/auth/cookies.ts:6:3', 'src/auth/cookies.ts:10:3']);
    expect(found.map((f) => f.message.split(' is set')[0])).toEqual(['Cookie `sid`', 'Cookie `device`']);
  });

  it('flags cookie-session with `secure: false`', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'cookie-session-secure-false'));
    expect(found).toEqual([{ file: 'src/app.js', line: 7, column: 3, message: `The cookie-session cookie is set with \`secure: false\`: ${PLAIN_HTTP} — set \`secure: true\`` }]);
  });

  it('flags @fastify/session with `secure: false` and reply.setCookie without flags', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'fastify-cookies'));
    expect(found.map(at)).toEqual(['src/server.ts:10:7', 'src/server.ts:18:3']);
    expect(found[0]?.message).toMatch(/^The @fastify\/session cookie is set with `secure: false`/);
    expect(found[1]?.message).toMatch(/^Cookie `jwt` is set without `secure` and without `httpOnly`/);
  });

  it('flags Koa ctx.cookies.set with `httpOnly: false`', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'koa-cookie-httponly-false'))).toEqual([
      { file: 'src/routes/auth.js', line: 8, column: 3, message: `Cookie \`auth\` is set with \`httpOnly: false\`: ${SCRIPTS} — set \`httpOnly: true\`` },
    ]);
  });

  it('counts session middlewares and auth cookies left on safe library defaults as sites', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'library-defaults'))).toBe(3);
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'express-session-secure-auto-or-variable'))).toBe(3);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
