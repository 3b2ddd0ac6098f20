import { describe, expect, it } from 'vitest';
import rule from '../../rules/jwt-safe-verify.js';
import { lintText } from '../../src/core/engine.js';
import type { FileRule, RawFinding } from '../../src/core/types.js';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'jwt-safe-verify';
const NO_ALGORITHMS = (callee: string) =>
  `\`${callee}\` has no \`algorithms\` list, so the token's own header picks the algorithm it is checked with: pin it — \`{ algorithms: ['HS256'] }\` (or the one your keys use)`;
const NONE = (callee: string) => `\`${callee}\` allows the \`none\` algorithm: an unsigned token is accepted as valid — list only the algorithm your keys use`;
const SIGN_NONE = (callee: string) => `\`${callee}\` signs with the \`none\` algorithm: the token carries no signature, so anyone can make one — sign with the algorithm your keys use`;
const NO_EXPIRY = (callee: string) => `\`${callee}\` makes a token with no \`expiresIn\` and no \`exp\` claim: a leaked token works for ever — pass \`{ expiresIn }\``;
const DECODE = (callee: string) =>
  `\`${callee}\` does not check the signature, yet the claims it returns are used as the caller's identity: anyone can forge them — use \`jwt.verify(token, key, { algorithms })\``;

function lint(code: string): RawFinding[] {
  return lintText({ text: code, filename: 'src/auth/tokens.ts', rules: [rule as FileRule<Record<string, unknown>>] });
}

function applySuggestion(code: string, finding: RawFinding | undefined): string {
  const edits = [...(finding?.suggest?.[0]?.edits ?? [])].sort((a, b) => b.start - a.start);
  return edits.reduce((text, e) => text.slice(0, e.start) + e.text + text.slice(e.end), code);
}

describe(RULE, () => {
  it('flags verify without algorithms: no options, a callback, options without the list', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'verify-without-algorithms');
    const file = 'src/auth/auth.middleware.ts';
    expect(await findingsOf(RULE, dir)).toEqual([
      { file, line: 8, column: 23, message: NO_ALGORITHMS('jwt.verify(…)') },
      { file, line: 17, column: 5, message: NO_ALGORITHMS('jwt.verify(…)') },
      { file, line: 22, column: 10, message: NO_ALGORITHMS('jwt.verify(…)') },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(3);
  });

  it('flags `none` in verify algorithms (through a const) and as the signing algorithm', async () => {
    const file = 'src/auth/tokens.js';
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'algorithms-none'))).toEqual([
      { file, line: 6, column: 54, message: NONE('verify(…)') },
      { file, line: 10, column: 38, message: SIGN_NONE('sign(…)') },
    ]);
  });

  it('flags sign of a literal payload without expiresIn or exp', async () => {
    const file = 'src/users/token.service.ts';
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'sign-without-expiry'))).toEqual([
      { file, line: 7, column: 12, message: NO_EXPIRY('jwt.sign(…)') },
      { file, line: 12, column: 12, message: NO_EXPIRY('jwt.sign(…)') },
    ]);
  });

  it('flags decode of a token read from the request', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'decode-from-request'))).toEqual([
      { file: 'src/middleware/current-user.ts', line: 7, column: 18, message: DECODE('decode(…)') },
    ]);
  });

  it('flags decode whose claims are stored as the request identity', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'decode-stored-on-request'))).toEqual([
      { file: 'src/koa/auth.js', line: 4, column: 19, message: DECODE('jwt.decode(…)') },
    ]);
  });

  describe('expiry suggestion', () => {
    it('adds an options argument when there is none', () => {
      const code = "import jwt from 'jsonwebtoken';\nexport const t = jwt.sign({ sub: 'u1' }, process.env.JWT_SECRET!);\n";
      const [finding] = lint(code);
      expect(finding?.suggest?.[0]?.message).toBe("Expire the token after one hour (`{ expiresIn: '1h' }`)");
      expect(applySuggestion(code, finding)).toBe("import jwt from 'jsonwebtoken';\nexport const t = jwt.sign({ sub: 'u1' }, process.env.JWT_SECRET!, { expiresIn: '1h' });\n");
    });

    it('adds expiresIn to an options literal', () => {
      const code = "import jwt from 'jsonwebtoken';\nexport const t = jwt.sign({ sub: 'u1' }, 'k', { issuer: 'auth' });\n";
      expect(applySuggestion(code, lint(code)[0])).toBe("import jwt from 'jsonwebtoken';\nexport const t = jwt.sign({ sub: 'u1' }, 'k', { issuer: 'auth', expiresIn: '1h' });\n");
    });

    it('offers nothing when a callback comes after the secret', () => {
      const code = "import jwt from 'jsonwebtoken';\njwt.sign({ sub: 'u1' }, 'k', (err, token) => token);\n";
      const [finding] = lint(code);
      expect(finding?.messageId).toBe('signNoExpiry');
      expect(finding?.suggest).toBeUndefined();
    });
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
