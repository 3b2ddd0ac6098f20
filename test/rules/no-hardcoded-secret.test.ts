import { describe, expect, it } from 'vitest';
import { scan } from '../../src/scan.js';
import { findingsOf, fixtureCase, fixtureCases, onlyRule, sitesOf } from '../support/fixtures.js';

const RULE = 'no-hardcoded-secret';
const at = (f: { file: string; line: number; column: number }) => `${f.file}:${f.line}:${f.column}`;
const named = (name: string, masked: string) =>
  `\`${name}\` holds a hard-coded secret (\`${masked}\`): read it from the environment or a secret manager, and rotate the value that was committed`;
const fallback = (env: string, masked: string) =>
  `\`process.env.${env}\` falls back to a hard-coded secret (\`${masked}\`): fail at start-up when the variable is missing instead of running on a value everyone with the code knows`;
const connection = (scheme: string, masked: string) =>
  `The ${scheme} connection string has a hard-coded password (\`${masked}\`): read the URL or its password from the environment, and rotate the password`;
const argument = (what: string, callee: string, masked: string) =>
  `The ${what} passed to \`${callee}\` is hard-coded (\`${masked}\`): read it from the environment or a secret manager, and rotate the value that was committed`;
const shape = (kind: string, masked: string) =>
  `Hard-coded ${kind} (\`${masked}\`): revoke it with its issuer now, then load it from the environment or a secret manager`;

describe(RULE, () => {
  it('flags string literals held by secret-named variables and properties', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'secret-named-config-values');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/config.ts', line: 4, column: 14, message: named('jwtSecret', 'q8Zr…') },
      { file: 'src/config.ts', line: 8, column: 11, message: named('pass', 'c7…') },
      { file: 'src/config.ts', line: 12, column: 33, message: named('PAYMENTS_API_KEY', '4f9a…') },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(3);
  });

  it('flags the literal an env read falls back to, through `||`, `??` and a const', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'env-fallbacks'))).toEqual([
      { file: 'src/auth.ts', line: 5, column: 62, message: fallback('JWT_SECRET', 'su…') },
      { file: 'src/auth.ts', line: 9, column: 41, message: fallback('SESSION_SECRET', 'orde…') },
      { file: 'src/webhooks.ts', line: 3, column: 23, message: fallback('WEBHOOK_SECRET', 'r4nd…') },
    ]);
  });

  it('flags the password of postgres, mongodb+srv, redis (template head) and amqp URLs, pointing at the password', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'connection-string-passwords'))).toEqual([
      { file: 'src/db.ts', line: 6, column: 73, message: connection('postgres', 'Wq…') },
      { file: 'src/db.ts', line: 9, column: 49, message: connection('mongodb+srv', 'Hn…') },
      { file: 'src/db.ts', line: 13, column: 59, message: connection('redis', 'Kp…') },
      { file: 'src/db.ts', line: 15, column: 52, message: connection('amqps', 'Zt…') },
    ]);
  });

  it('flags well-known token shapes whatever they are named: AWS, GitHub, Stripe, Slack, PEM private keys', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'well-known-token-shapes'))).toEqual([
      { file: 'src/integrations.ts', line: 8, column: 31, message: shape('AWS access key id', 'AKIA…') },
      { file: 'src/integrations.ts', line: 11, column: 43, message: shape('GitHub token', 'ghp_…') },
      { file: 'src/integrations.ts', line: 13, column: 34, message: shape('Stripe live secret key', 'sk_l…') },
      { file: 'src/integrations.ts', line: 15, column: 36, message: shape('Slack token', 'xoxb…') },
      { file: 'src/signing-key.ts', line: 2, column: 34, message: shape('private key', '----…') },
    ]);
  });

  it('flags secrets in other languages, behind path keys, and in a translation service (not a catalog)', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'secrets-in-other-languages-and-path-keys'))).toEqual([
      { file: 'src/config/auth.ts', line: 2, column: 40, message: fallback('JWT_SECRET', 'clav…') },
      { file: 'src/config/auth.ts', line: 3, column: 18, message: named('adminPassword', 'Cont…') },
      { file: 'src/config/auth.ts', line: 5, column: 30, message: named('sessionSecret', 'Gehe…') },
      { file: 'src/config/ssm-defaults.ts', line: 3, column: 35, message: named('/orders-api/prod/db_password', 'q9Vt…') },
      { file: 'src/config/ssm-defaults.ts', line: 4, column: 34, message: named('/orders-api/prod/jwt_secret', 'f3N8…') },
      { file: 'src/config/ssm-defaults.ts', line: 6, column: 36, message: named('dbPassword', 'Adm…') },
      { file: 'src/translation/translation.service.ts', line: 3, column: 52, message: fallback('DEEPL_API_KEY', '8f3b…') },
      { file: 'src/translation/translation.service.ts', line: 6, column: 11, message: named('apiKey', 'b71e…') },
    ]);
  });

  it('flags assignments to secret-named members and class fields', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'assignments-and-class-fields'));
    expect(found.map(at)).toEqual(['src/payments-client.ts:5:27', 'src/payments-client.ts:11:29']);
    expect(found.map((f) => f.message)).toEqual([named('cookieSecret', 'p9L…'), named('apiKey', 'G8NP…')]);
  });

  it('flags literal secrets passed to jwt.verify, cookie-parser and createHmac', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'secret-arguments'));
    expect(found.map(at)).toEqual(['src/tokens.js:6:28', 'src/tokens.js:9:30', 'src/tokens.js:12:38']);
    expect(found[0]?.message).toBe(
      'The verification secret passed to `jwt.verify` is hard-coded (`h7G…`): read it from the environment or a secret manager, and rotate the value that was committed',
    );
    expect(found[2]?.message).toMatch(/^The HMAC key passed to `crypto.createHmac` is hard-coded \(`Y3u…`\)/);
  });

  it('flags the credential after an Authorization scheme and API-key headers', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'authorization-headers'))).toEqual([
      { file: 'src/shipping-client.ts', line: 6, column: 37, message: named('Authorization', 'i0B3…') },
      { file: 'src/shipping-client.ts', line: 12, column: 27, message: named('x-api-key', '7c2e…') },
    ]);
  });

  it('flags a passphrase as the express-session secret, where a label cannot stand', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'session-secret-passphrase'))).toEqual([
      { file: 'src/app.js', line: 11, column: 13, message: named('secret', 'key…') },
    ]);
  });

  it('flags colon-joined credentials and keys shaped like config key paths: user:password pairs, class fields, this.x, config props, non-env fallbacks', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'colon-joined-credentials-and-key-path-shaped-keys');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/auth/session-tokens.js', line: 5, column: 30, message: named('sessionSigningKey', 'orde…') },
      { file: 'src/auth/session-tokens.js', line: 16, column: 20, message: named('jwtSigningKey', 'orde…') },
      { file: 'src/mail/mail-signing.js', line: 5, column: 70, message: named('signingKey', 'host…') },
      { file: 'src/mail/mail-signing.js', line: 6, column: 84, message: named('payloadSigningKey', 'loca…') },
      { file: 'src/search/search-client.js', line: 4, column: 26, message: named('ELASTIC_PASSWORD', 'elas…') },
      { file: 'src/search/search-client.js', line: 5, column: 24, message: named('REDIS_PASSWORD', 'defa…') },
      { file: 'src/search/search-client.js', line: 6, column: 36, message: named('BASIC_AUTH_PASSWORD', 'ware…') },
      { file: 'src/search/search-client.js', line: 7, column: 29, message: named('WAREHOUSE_API_TOKEN', 'ware…') },
      { file: 'src/shipping/legacy-shipping.client.ts', line: 7, column: 13, message: named('password', 'ware…') },
      { file: 'src/shipping/legacy-shipping.client.ts', line: 8, column: 11, message: named('apiKey', 'ship…') },
      { file: 'src/shipping/legacy-shipping.client.ts', line: 11, column: 35, message: named('WAREHOUSE_PASSWORD', 'orde…') },
      { file: 'src/shipping/legacy-shipping.client.ts', line: 14, column: 91, message: named('Authorization', 'ware…') },
      { file: 'src/shipping/legacy-shipping.client.ts', line: 18, column: 37, message: argument('signing secret', 'jwt.sign', 'host…') },
      { file: 'src/shipping/legacy-shipping.client.ts', line: 21, column: 65, message: fallback('MAIL_SIGNING_KEY', 'host…') },
      { file: 'src/webhooks/webhook-signer.ts', line: 5, column: 41, message: named('WEBHOOK_SIGNING_KEY', 'orde…') },
    ]);
  });

  it('flags secret-manager references where nothing resolves them: env and config fallbacks, secret arguments, a session secret, a header, a literal after the reference', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'secret-manager-references-used-as-keys');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/auth/tokens.ts', line: 7, column: 62, message: fallback('JWT_SECRET', 'vaul…') },
      { file: 'src/auth/tokens.ts', line: 11, column: 31, message: argument('HMAC key', 'createHmac', 'arn:…') },
      { file: 'src/auth/tokens.ts', line: 14, column: 61, message: fallback('WEBHOOK_SECRET', '…') },
      { file: 'src/auth/tokens.ts', line: 15, column: 27, message: named('KONG_TOKEN', '…') },
      // The const's named site holds a reference; jwt.sign uses it as the key.
      { file: 'src/auth/tokens.ts', line: 17, column: 30, message: argument('signing secret', 'jwt.sign', 'arn:…') },
      { file: 'src/auth/tokens.ts', line: 24, column: 11, message: named('secret', '…') },
      { file: 'src/config/settings.ts', line: 8, column: 17, message: named('dbPassword', 'arn:…') },
      { file: 'src/config/settings.ts', line: 9, column: 22, message: named('stripeSecretKey', '…') },
      { file: 'src/config/settings.ts', line: 11, column: 50, message: named('signingKey', 'arn:…') },
      { file: 'src/config/settings.ts', line: 13, column: 39, message: named('Authorization', 'arn:…') },
    ]);
  });

  it('carries CWE-798 in the JSON report', async () => {
    const report = await scan({ root: fixtureCase(RULE, 'invalid', 'env-fallbacks'), config: onlyRule(RULE) });
    expect(report.findings.map((f) => f.cwe)).toEqual(['CWE-798', 'CWE-798', 'CWE-798']);
  });

  it('counts secret-named settings read from the environment as checked sites (not values computed by a call)', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'env-reads'))).toBe(3);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
