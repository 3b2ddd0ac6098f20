import { describe, expect, it } from 'vitest';
import rule from '../../rules/no-tls-bypass.js';
import { lintText } from '../../src/core/engine.js';
import type { FileRule } from '../../src/core/types.js';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-tls-bypass';
const DISABLED = (option: string) =>
  `\`${option}: false\` turns off TLS certificate verification: anyone on the network path can impersonate the server — remove it, and pass \`ca\` if the server uses a private CA`;
const ENV =
  '`NODE_TLS_REJECT_UNAUTHORIZED=0` turns off certificate verification for every TLS connection of the process: remove it, and set `NODE_EXTRA_CA_CERTS` for a private CA';
const ANY_HOST = "`checkServerIdentity` accepts every certificate's host name: return the result of `tls.checkServerIdentity(host, cert)` instead";

describe(RULE, () => {
  it('flags rejectUnauthorized: false in pg ssl options', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'pg-ssl-without-verification');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/db/pool.ts', line: 5, column: 10, message: DISABLED('rejectUnauthorized') }]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags an https.Agent for axios without verification', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'axios-https-agent'))).toEqual([
      { file: 'src/clients/inventory.client.js', line: 6, column: 3, message: DISABLED('rejectUnauthorized') },
    ]);
  });

  it('flags NODE_TLS_REJECT_UNAUTHORIZED set to 0 in code', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'env-variable-set-in-code'))).toEqual([
      { file: 'src/legacy-sync.js', line: 1, column: 1, message: ENV },
      { file: 'src/server.ts', line: 3, column: 1, message: ENV },
    ]);
  });

  it('flags strictSSL: false and a checkServerIdentity that accepts any host', async () => {
    const file = 'src/integrations/legacy-crm.js';
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'request-and-tls-options'))).toEqual([
      { file, line: 5, column: 39, message: DISABLED('strictSSL') },
      { file, line: 12, column: 5, message: ANY_HOST },
    ]);
  });

  it('flags the variable in a command line and in a child process env', async () => {
    const file = 'src/jobs/export.ts';
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'env-in-child-process'))).toEqual([
      { file, line: 4, column: 12, message: ENV },
      { file, line: 5, column: 69, message: ENV },
    ]);
  });

  it('flags a production default that skips verification for remote databases', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'production-default-for-remote-databases'))).toEqual([
      { file: 'src/config/database.ts', line: 2, column: 46, message: DISABLED('rejectUnauthorized') },
    ]);
  });

  it('suggests turning verification back on', () => {
    const code = "import https from 'node:https';\nexport const agent = new https.Agent({ rejectUnauthorized: false });\n";
    const [finding] = lintText({ text: code, filename: 'src/agent.ts', rules: [rule as FileRule<Record<string, unknown>>] });
    expect(finding?.suggest?.[0]?.message).toBe('Verify certificates (`rejectUnauthorized: true`)');
    const edit = finding?.suggest?.[0]?.edits[0];
    expect(edit && code.slice(0, edit.start) + edit.text + code.slice(edit.end)).toBe(
      "import https from 'node:https';\nexport const agent = new https.Agent({ rejectUnauthorized: true });\n",
    );
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
