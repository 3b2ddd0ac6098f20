import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-sensitive-data-in-logs';

describe(RULE, () => {
  it('flags passwords, authorization and API-key headers, tokens and card numbers by name, in logger and console calls', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'credentials-by-name');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/auth.controller.ts',
        line: 13,
        column: 24,
        message:
          "`password` writes a secret (`password`) to the logs, where anyone with log access can read and replay it — leave it out or log a masked form (or add `password` to the logger's pino `redact` paths)",
      },
      {
        file: 'src/auth.controller.ts',
        line: 14,
        column: 24,
        message:
          "`req.headers.authorization` writes a secret (`authorization`) to the logs, where anyone with log access can read and replay it — leave it out or log a masked form (or add `auth` to the logger's pino `redact` paths)",
      },
      {
        file: 'src/auth.controller.ts',
        line: 15,
        column: 23,
        message:
          "`req.get('x-api-key')` writes a secret (`x-api-key`) to the logs, where anyone with log access can read and replay it — leave it out or log a masked form (or add `key` to the logger's pino `redact` paths)",
      },
      {
        file: 'src/auth.controller.ts',
        line: 20,
        column: 25,
        message:
          "`refreshToken: tokens.refreshToken` writes a secret (`refreshToken`) to the logs, where anyone with log access can read and replay it — leave it out or log a masked form (or add `refreshToken` to the logger's pino `redact` paths)",
      },
      {
        file: 'src/auth.controller.ts',
        line: 21,
        column: 39,
        message:
          '`tokens.accessToken` writes a secret (`accessToken`) to the logs, where anyone with log access can read and replay it — leave it out or log a masked form',
      },
      {
        file: 'src/auth.controller.ts',
        line: 25,
        column: 33,
        message:
          '`customer.cardNumber` writes a secret (`cardNumber`) to the logs, where anyone with log access can read and replay it — leave it out or log a masked form',
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(6);
  });

  it('flags a whole Koa request body', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'koa-request-body');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/webhooks.js',
        line: 6,
        column: 35,
        message:
          '`ctx.request.body` writes the whole request body to the logs: they carry passwords, tokens and personal data — log only the fields you need',
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('honours pino redact paths of a logger from another module only where they cover the field; message text is never redacted', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'pino-redact-does-not-cover-field');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/users/users.service.ts',
        line: 5,
        column: 33,
        message:
          "`password: user.password` writes a secret (`password`) to the logs, where anyone with log access can read and replay it — leave it out or log a masked form (or add `user.password` to the logger's pino `redact` paths)",
      },
      {
        file: 'src/users/users.service.ts',
        line: 7,
        column: 30,
        message:
          '`user.apiKey` writes a secret (`apiKey`) to the logs, where anyone with log access can read and replay it — leave it out or log a masked form',
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('flags whole request bodies and headers, also serialised into the message', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'request-body-and-headers');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/routes/signup.js',
        line: 7,
        column: 41,
        message:
          '`req.body` writes the whole request body to the logs: they carry passwords, tokens and personal data — log only the fields you need',
      },
      {
        file: 'src/routes/signup.js',
        line: 8,
        column: 33,
        message:
          '`req.headers` writes the whole request headers to the logs: they carry passwords, tokens and personal data — log only the fields you need',
      },
      {
        file: 'src/routes/signup.js',
        line: 9,
        column: 43,
        message:
          '`req.body` writes the whole request body to the logs: they carry passwords, tokens and personal data — log only the fields you need',
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(3);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
