// End to end on the bundled example project (the README's first command): every rule finds the
// problems the example has and nothing else, and the terminal report is the golden file
// test/golden/orders-service.txt (review it as a whole when it changes).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { Report } from '../src/core/types.js';
import { FIXTURES } from './support/fixtures.js';

const EXAMPLE = join(FIXTURES, 'projects', 'orders-service');

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {} });
  return { code, stdout, stderr };
}

describe('the example project fixtures/projects/orders-service', () => {
  it('gets exactly the planted findings', async () => {
    const { code, stdout } = await cli([EXAMPLE, '--format', 'json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report.errors).toEqual([]);
    expect(report.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId} ${f.severity}`)).toEqual([
      'package.json:1:1 require-ci medium',
      'package.json:1:1 require-engines low',
      'package.json:1:1 require-lockfile high',
      'src/app.ts:29:11 no-in-memory-session high',
      'src/app.ts:29:11 secure-cookie medium',
      'src/jobs/reconcile-payments.job.ts:13:17 no-in-process-scheduler low',
      'src/jobs/reconcile-payments.job.ts:13:29 no-floating-promise high',
      'src/repositories/orders.repository.ts:20:3 no-module-state-in-handler medium',
      'src/routes/orders.routes.ts:9:27 async-handler-errors critical',
      'src/server.ts:8:16 require-process-error-handlers high',
      'src/server.ts:8:16 require-security-headers medium',
      'src/server.ts:8:16 require-telemetry low',
      'src/server.ts:9:3 no-console-log medium',
      'src/services/inventory.service.ts:14:26 require-http-timeout high',
      'src/services/notification.service.ts:15:26 require-http-timeout high',
      'src/services/orders.service.ts:31:5 no-console-log medium',
      'src/services/orders.service.ts:38:3 no-floating-promise high',
    ]);
  });

  it('fails the gate on the critical finding', async () => {
    expect((await cli([EXAMPLE, '--fail-on', 'critical', '--quiet'])).code).toBe(1);
  });

  it('prints the golden terminal report', async () => {
    const { stdout } = await cli([EXAMPLE, '--no-color']);
    await expect(stdout.replace(/v\d+\.\d+\.\d+/, 'vX.Y.Z')).toMatchFileSnapshot('golden/orders-service.txt');
  });
});
