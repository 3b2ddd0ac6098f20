// No output ever quotes a detected secret: the example project fixtures/projects/leaky-billing-service
// commits secrets in source (a JWT secret, a database password, a Stripe key) and in files (an
// `.env` value, a private key); the CLI renders every format, and the baseline file, and each must
// show the secrets' masked prefixes (`sk_l…`) and never their values — neither in messages nor in
// the code frames of the pretty and HTML reports, which quote the lines around every finding.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { maskSecret } from '../../src/core/secrets.js';
import type { Report } from '../../src/core/types.js';
import { FIXTURES } from '../support/fixtures.js';

const PROJECT = join(FIXTURES, 'projects', 'leaky-billing-service');

/** Every secret committed in the project, and the file it is in. */
const SECRETS: Record<string, { value: string; file: string }> = {
  jwtSecret: { value: 'Zk7Qp2Lx9Vb4Nw6R', file: 'src/config.ts' },
  databasePassword: { value: 'Wq7pL2vX9sT4', file: 'src/config.ts' },
  stripeKey: { value: 'sk_live_OmxgJTeKdNnFRIBXuDL7Dxtp', file: 'src/config.ts' },
  envApiKey: { value: 'H3mR8tY6cV1zK9pQ', file: '.env' },
  privateKeyLine: { value: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDb7Kq2x9Vb4Nw6Rz', file: 'certs/billing.key' },
};
/** What the findings' messages show instead. */
const MASKED = ['Zk7Q…', 'Wq7…', 'sk_l…', 'H3mR…', '----…'];

async function cli(args: string[]): Promise<string> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: {},
  });
  if (code === 2) throw new Error(stderr);
  return stdout;
}

/** Any 8 consecutive characters of a secret past its shown prefix: a partial leak is a leak. */
function leaks(output: string): string[] {
  const found: string[] = [];
  for (const [name, { value: secret }] of Object.entries(SECRETS)) {
    const shown = maskSecret(secret).length - 1;
    for (let i = shown; i + 8 <= secret.length; i++) {
      if (output.includes(secret.slice(i, i + 8))) {
        found.push(`${name}: ${secret.slice(i, i + 8)}`);
        break;
      }
    }
  }
  return found;
}

describe('no report format contains a detected secret', () => {
  let json: Report;
  beforeAll(async () => {
    json = JSON.parse(await cli([PROJECT, '--format', 'json'])) as Report;
  });

  it('detects every secret of the example project (so the check below is not vacuous)', () => {
    const secretFindings = json.findings.filter((f) => f.ruleId === 'no-hardcoded-secret' || f.ruleId === 'no-committed-secrets');
    expect(secretFindings.map((f) => `${f.file}:${f.line}`)).toEqual(['.env:2', 'certs/billing.key:1', 'src/config.ts:4', 'src/config.ts:5', 'src/config.ts:8']);
    for (const { value, file } of Object.values(SECRETS)) expect(readFileSync(join(PROJECT, file), 'utf8')).toContain(value);
  });

  for (const format of ['json', 'pretty', 'markdown', 'sarif', 'github', 'html'] as const) {
    it(`--format ${format} shows masked prefixes only`, async () => {
      const output = await cli([PROJECT, '--format', format]);
      expect(leaks(output)).toEqual([]);
      for (const masked of MASKED) expect(output).toContain(masked);
    });
  }

  it('the pretty and HTML code frames show the secrets masked in place', async () => {
    const pretty = await cli([PROJECT, '--format', 'pretty']);
    expect(pretty).toContain("jwtSecret: 'Zk7Q************',");
    expect(pretty).toContain("'postgres://billing:Wq7*********@billing-db.acme-corp.com:5432/billing'");
    // The console.log finding's frame quotes the Stripe key's line below it: masked there too.
    expect(pretty).toContain("8 | export const stripeKey = 'sk_l****************************';");
    const html = await cli([PROJECT, '--format', 'html']);
    expect(html).toContain('Zk7Q************');
  });

  it('the baseline file records findings without their secrets', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'prodcheck-baseline-')), 'baseline.json');
    await cli(['baseline', PROJECT, '--output', out]);
    const baseline = readFileSync(out, 'utf8');
    expect(leaks(baseline)).toEqual([]);
    expect(baseline).toContain('sk_l…');
  });

  it('the JSON finding of a hard-coded secret carries CWE-798, a committed secret file CWE-540', () => {
    const byRule = (id: string) => json.findings.find((f) => f.ruleId === id);
    expect(byRule('no-hardcoded-secret')).toMatchObject({ file: 'src/config.ts', line: 4, column: 14, severity: 'critical', category: 'security', cwe: 'CWE-798' });
    expect(byRule('no-committed-secrets')).toMatchObject({ file: '.env', line: 2, severity: 'critical', cwe: 'CWE-540' });
  });
});
