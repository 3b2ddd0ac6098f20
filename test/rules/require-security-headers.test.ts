import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'require-security-headers';
const MISSING = (framework: string, fix: string, others = '') =>
  `This ${framework} server${others} never installs helmet or sets \`X-Content-Type-Options\` and a \`Content-Security-Policy\`/\`X-Frame-Options\` itself: ` +
  `its responses carry no browser protections against clickjacking, MIME sniffing and injected scripts — add ${fix}`;

describe(RULE, () => {
  it('flags an Express service without helmet at the listen call of its entry point', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'express-without-helmet');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/server.ts', line: 4, column: 1, message: MISSING('Express', '`app.use(helmet())` (helmet)') }]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags Fastify, Koa and NestJS services without their helmet', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'fastify-without-helmet'))).toEqual([
      { file: 'src/server.js', line: 7, column: 1, message: MISSING('Fastify', '`await app.register(helmet)` (@fastify/helmet)') },
    ]);
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'koa-without-helmet'))).toEqual([
      { file: 'src/index.js', line: 9, column: 1, message: MISSING('Koa', '`app.use(helmet())` (koa-helmet)') },
    ]);
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'nest-without-helmet'))).toEqual([
      { file: 'src/main.ts', line: 9, column: 9, message: MISSING('NestJS', '`app.use(helmet())` (helmet) after `NestFactory.create`') },
    ]);
  });

  it('flags hand-set headers on Express that leave X-Powered-By on', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'own-headers-leave-x-powered-by'))).toEqual([
      {
        file: 'src/app.ts',
        line: 6,
        column: 1,
        message:
          "This Express server sets its own security headers but leaves `X-Powered-By: Express` on, telling scanners what to attack — call `app.disable('x-powered-by')` (helmet removes it too)",
      },
    ]);
  });

  it('sees helmet loaded with a dynamic import, and names what its single middlewares leave out', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'dynamic-helmet-without-nosniff'))).toEqual([
      {
        file: 'src/server.ts',
        line: 4,
        column: 1,
        message:
          'This Express server sets `Content-Security-Policy`, `Strict-Transport-Security` but not `X-Content-Type-Options: nosniff`: ' +
          'browsers MIME-sniff its responses (an uploaded file can run as a script) — add `helmet.noSniff()` (or the header by hand), or `app.use(helmet())` (helmet) for the full set',
      },
    ]);
  });

  it('judges each workspace package on its own, once for all its servers', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'monorepo-helmet-only-in-one-package');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'packages/admin/src/preview.ts', line: 5, column: 1, message: MISSING('Express', '`app.use(helmet())` (helmet)', ' (and 1 other server of this package)') },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('is not applicable to libraries, plain node:http servers and test servers', async () => {
    for (const name of ['library-without-entry-point', 'plain-node-http-server', 'server-in-tests']) {
      expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', name))).toBe(0);
    }
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
