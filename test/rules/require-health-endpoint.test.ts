import { describe, expect, it } from 'vitest';
import { isHealthPath } from '../../src/project/evidence/observability.js';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'require-health-endpoint';
const message = (entry: string) =>
  `The service started in ${entry} has no health or readiness route: serve \`GET /health\` (the process is alive) and \`GET /ready\` (its dependencies answer) for the orchestrator and load balancer to probe`;

describe(RULE, () => {
  it('flags an Express service without a probe route, at the listen call of its entry point', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'express-service-without-health-route');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/server.ts', line: 4, column: 16, message: message('src/server.ts') }]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags a NestJS service whose controllers serve no probe', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'nestjs-service-without-health-controller');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/main.ts', line: 6, column: 9, message: message('src/main.ts') }]);
  });

  it('does not take a resource status route (`/shipments/:id/status`) for a probe', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'order-status-route-is-not-a-probe');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/server.js', line: 12, column: 1, message: message('src/server.js') }]);
  });

  it('does not count a health route that only a test server registers', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'health-route-only-in-a-test');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/main.ts', line: 5, column: 1, message: message('src/main.ts') }]);
  });

  it('is not applicable to a library, even one with an example server', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'library-without-entry-point'))).toBe(0);
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'library-with-example-server'))).toBe(0);
  });

  it('recognises probe paths, with or without a leading slash where routes allow it', () => {
    for (const path of ['/health', '/healthz', '/api/v1/health', '/_ping', '/readyz', '/health/:probe', '${}/livez', '/status']) expect(isHealthPath(path, true)).toBe(true);
    for (const path of ['/orders/:id/status', '/orders', 'status', '/healthy-recipes-x', '/shipments/{id}/ping']) expect(isHealthPath(path, true)).toBe(false);
    expect(isHealthPath('health', false)).toBe(true);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
