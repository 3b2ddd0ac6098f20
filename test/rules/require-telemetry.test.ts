import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'require-telemetry';
const message = (entry: string) =>
  `The service started in ${entry} has no metrics or tracing: instrument it with OpenTelemetry (\`@opentelemetry/sdk-node\` and the auto-instrumentations), prom-client or an APM agent so its latency and error rate can be graphed and alerted on`;

describe(RULE, () => {
  it('flags a service with neither metrics nor tracing, at the listen call of its entry point', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'express-service-without-telemetry');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/server.ts', line: 9, column: 1, message: message('src/server.ts') }]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it("does not count a browser Sentry SDK as the service's telemetry", async () => {
    const dir = fixtureCase(RULE, 'invalid', 'browser-sentry-sdk-only');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/server.ts', line: 5, column: 1, message: message('src/server.ts') }]);
  });

  it('looks one level into the workspace packages a service uses, at what they ship (not their dev dependencies)', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'workspace-packages-without-telemetry');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'packages/api/src/main.ts', line: 8, column: 1, message: message('src/main.ts') }]);
  });

  it('is not applicable to a package that starts no server', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'library-without-entry-point'))).toBe(0);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
