import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-weak-hash';
const PASSWORD = (algorithm: string, name: string) =>
  `\`createHash('${algorithm}')\` hashes the password \`${name}\`: a fast hash is brute-forced offline from a leaked table — use bcrypt, argon2 or \`crypto.scrypt\` with a per-user salt`;
const WEAK = (algorithm: string, name: string) =>
  `\`createHash('${algorithm}')\` is used for \`${name}\`, a security value: MD5 and SHA-1 are broken — use SHA-256 or an HMAC (\`createHmac('sha256', key)\`)`;

describe(RULE, () => {
  it('flags passwords hashed with a plain createHash, whatever the algorithm', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'password-with-fast-hash');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/users/password.ts', line: 4, column: 10, message: PASSWORD('sha256', 'password') },
      { file: 'src/users/user.model.js', line: 4, column: 23, message: PASSWORD('md5', 'password') },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('flags MD5 and SHA-1 for signatures and tokens', async () => {
    const file = 'src/payments/callback.ts';
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'md5-for-signatures-and-tokens'))).toEqual([
      { file, line: 4, column: 10, message: WEAK('md5', 'merchantSecret') },
      { file, line: 8, column: 23, message: WEAK('sha1', 'tokenDigest') },
    ]);
  });

  it('flags createCipher and DES', async () => {
    const file = 'src/vault/encrypt.js';
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'deprecated-and-broken-ciphers'))).toEqual([
      {
        file,
        line: 4,
        column: 18,
        message: '`createCipher` derives its key with one MD5 round and uses no IV, and is removed in Node 22: use `createCipheriv` with a random IV (`aes-256-gcm`)',
      },
      { file, line: 9, column: 20, message: "`createDecipheriv('des-ede3-cbc')` uses a broken cipher: use `aes-256-gcm` with a random IV" },
    ]);
  });

  it('counts checksums and ETags as sites without flagging them', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'gravatar-etag-and-checksums'))).toBe(4);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
