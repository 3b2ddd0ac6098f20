import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-insecure-random';
const INSECURE = (name: string) =>
  `\`Math.random()\` makes \`${name}\`, a security value, and its output can be predicted: use \`crypto.randomBytes(32).toString('hex')\`, \`crypto.randomInt()\` or \`crypto.randomUUID()\``;

describe(RULE, () => {
  it('flags a reset token built with toString(36)', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'reset-token');
    const file = 'src/auth/password-reset.service.ts';
    expect(await findingsOf(RULE, dir)).toEqual([
      { file, line: 4, column: 22, message: INSECURE('resetToken') },
      { file, line: 4, column: 60, message: INSECURE('resetToken') },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('flags one-time codes by the name they are stored under', async () => {
    const file = 'src/auth/otp.js';
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'one-time-code'))).toEqual([
      { file, line: 2, column: 35, message: INSECURE('otp') },
      { file, line: 4, column: 65, message: INSECURE('verificationCode') },
    ]);
  });

  it('flags values returned by generator functions named for a secret', async () => {
    const file = 'src/users/credentials.ts';
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'generator-functions'))).toEqual([
      { file, line: 5, column: 70, message: INSECURE('generateTemporaryPassword') },
      { file, line: 10, column: 56, message: INSECURE('createApiKey') },
    ]);
  });

  it('flags class fields and object properties named for a secret', async () => {
    const file = 'src/sessions/session.store.ts';
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'stored-on-objects'))).toEqual([
      { file, line: 5, column: 17, message: INSECURE('salt') },
      { file, line: 9, column: 50, message: INSECURE('sessionId') },
      { file, line: 9, column: 73, message: INSECURE('csrf') },
    ]);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
