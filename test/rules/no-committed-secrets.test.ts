import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-committed-secrets';
const envFile = (key: string, masked: string, more = '') =>
  `Committed env file sets \`${key}\` (\`${masked}\`)${more}: remove the file from the repository, list it in .gitignore, rotate the values, and commit a \`.env.example\` without them`;
const privateKey = 'Committed private key (`----…`): remove the file, list it in .gitignore and replace the key pair — git history keeps the old key';

describe(RULE, () => {
  it('flags a committed .env at its first credential, counting the others', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'env-file-with-credentials');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: '.env', line: 4, column: 36, message: envFile('DATABASE_URL', 'Wq…', ' and 2 more secrets') }]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags an .env.production that .gitignore does not cover (it ignores only .env)', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'env-production-file'))).toEqual([
      { file: '.env.production', line: 2, column: 23, message: envFile('SESSION_SECRET', '9f8c…') },
    ]);
  });

  it('flags remote credentials in committed development defaults (a well-known password too), but not their local database', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'env-development-with-remote-credentials');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'apps/web/.env.development',
        line: 4,
        column: 47,
        message:
          'Committed development defaults set `ANALYTICS_DATABASE_URL` (`Vb8…`) and 1 more secret: the file is shared with everyone who clones the repository, so keep only local values in it — move this one to the ignored `.env.development.local` and rotate it',
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('valid/nextjs-development-defaults: credentials of a database on 127.0.0.1 or a compose service are defaults', async () => {
    const dir = fixtureCase(RULE, 'valid', 'nextjs-development-defaults');
    expect(await findingsOf(RULE, dir)).toEqual([]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags a private key file but not the certificate beside it', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'private-key-file');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'certs/server.key', line: 1, column: 1, message: privateKey }]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('flags an SSH deploy key', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'ssh-deploy-key'))).toEqual([{ file: 'deploy/id_ed25519', line: 1, column: 1, message: privateKey }]);
  });

  it('flags a PKCS#12 key store, which is binary', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'key-store'))).toEqual([
      {
        file: 'certs/client.p12',
        line: 1,
        column: 1,
        message: 'Committed key store `client.p12` (PKCS#12 files hold private keys): remove it, list it in .gitignore and replace the keys it holds',
      },
    ]);
  });

  it('flags an .npmrc with a literal _authToken', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'npmrc-auth-token'))).toEqual([
      {
        file: '.npmrc',
        line: 3,
        column: 34,
        message: '`.npmrc` commits a registry credential (`_authToken` = `ghp_…`): write `${NPM_TOKEN}` instead and revoke the token',
      },
    ]);
  });

  it('flags service-account JSON at its private_key', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'service-account-json'))).toEqual([
      {
        file: 'config/gcp-service-account.json',
        line: 5,
        column: 3,
        message:
          'Committed service-account credentials (`private_key` = `----…`): delete the key in the cloud console, remove the file, and load credentials from a secret store',
      },
    ]);
  });

  it('flags a real env file beside a prefix-form template (docker/example.env), and the copy made from it', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'env-beside-prefix-form-template'))).toEqual([
      { file: 'docker/.env', line: 2, column: 13, message: envFile('DB_PASSWORD', 'Hn4…') },
      { file: 'docker/production.env', line: 2, column: 13, message: envFile('DB_PASSWORD', 'Vb8…') },
    ]);
  });

  it('flags literal secrets beside secret-manager references: a token, a URL password around an op:// reference, reference look-alikes', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'env-references-beside-literal-secrets');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: '.npmrc',
        line: 2,
        column: 32,
        message: '`.npmrc` commits a registry credential (`_password` = `ref+…`): write `${NPM_TOKEN}` instead and revoke the token',
      },
      { file: 'deployment/.env', line: 4, column: 27, message: envFile('SENTRY_AUTH_TOKEN', 'f3N8…') },
      { file: 'deployment/kong/kong.env', line: 2, column: 18, message: envFile('KONG_PG_PASSWORD', '…') },
      { file: 'deployment/production.env', line: 2, column: 37, message: envFile('DATABASE_URL', 'Wq…', ' and 3 more secrets') },
      // Every line of staging.env: a reference with text, a query, a version tail or a fragment riding along.
      { file: 'deployment/staging.env', line: 2, column: 13, message: envFile('DB_PASSWORD', 'op:/…', ' and 6 more secrets') },
      // vals: an AppRole secret_id in the query, ref+envsubst:// returning its own text.
      { file: 'deployment/vals/orders.env', line: 3, column: 19, message: envFile('DATABASE_PASSWORD', 'ref+…', ' and 1 more secret') },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(6);
  });

  it('counts env files of secret-manager references (1Password, AWS Secrets Manager and SSM ARNs, Azure Key Vault) as checked, not flagged', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'env-secret-manager-references'))).toBe(4);
  });

  it('counts an unignored .env without credentials and an .npmrc with a reference as checked, not flagged', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'env-without-credentials'))).toBe(1);
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'npmrc-with-env-reference'))).toBe(1);
  });

  it('is not applicable when every secret file is ignored or a template', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'env-ignored-by-gitignore'))).toBe(0);
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'env-templates'))).toBe(0);
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'compose-env-templates-prefix-form'))).toBe(0);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
