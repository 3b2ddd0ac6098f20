import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-scattered-env';
const advice = 'rather than in one configuration module: read and validate every variable once at start-up (envalid, zod, env-schema, @nestjs/config) and import the typed values';

describe(RULE, () => {
  it('reports once, at the first read of the first module in path order, when more than three modules read the environment', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'four-service-modules-read-env');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/app.ts',
        line: 8,
        column: 21,
        message: `\`process.env\` is read in 4 modules (src/app.ts, src/mail/mailer.ts, src/orders/orders.service.ts, src/payments/stripe.ts) ${advice}`,
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('counts CommonJS reads, destructuring and aliases of the whole environment, and shortens a long list', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'commonjs-reads-listed-after-five'))).toEqual([
      {
        file: 'src/app.js',
        line: 5,
        column: 27,
        message: `\`process.env\` is read in 6 modules (src/app.js, src/auth/jwt.js, src/cache.js, src/db.js, src/server.js and 1 more) ${advice}`,
      },
    ]);
  });

  it('takes the threshold as an option', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'valid', 'three-modules-at-the-threshold'), { maxModules: 2 });
    expect(found.map((f) => `${f.file}:${f.line}:${f.column}`)).toEqual(['src/app.ts:4:24']);
  });

  it('is not applicable when no module reads the environment', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'node-env-checks-only'))).toBe(0);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
