import { describe, expect, it } from 'vitest';
import { stronglyConnected } from '../../src/project/cycles.js';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-circular-import';
const advice = ' — whichever of these loads first sees the others half-initialised; move what they share into a module both import, or make one import lazy or type-only';

describe(RULE, () => {
  it('reports two services that import each other once, at the import in the first file', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'two-services-import-each-other');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/notifications/notifications.service.ts',
        line: 1,
        column: 1,
        message: `Import cycle: src/notifications/notifications.service.ts → src/orders/orders.service.ts → src/notifications/notifications.service.ts${advice}`,
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(3);
  });

  it('follows a CommonJS loop through five modules', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'commonjs-three-module-loop');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/app.js',
        line: 2,
        column: 25,
        message: `Import cycle: src/app.js → src/users/users.router.js → src/users/users.controller.js → src/users/users.repository.js → src/db.js → src/app.js${advice}`,
      },
    ]);
  });

  it('reports a component once, with the shortest cycle through its first file and the size of the rest', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'tangle-larger-than-its-shortest-cycle'))).toEqual([
      {
        file: 'src/billing/invoice.ts',
        line: 1,
        column: 1,
        message: `Import cycle: src/billing/invoice.ts → src/billing/tax.ts → src/billing/invoice.ts (and 1 more module in the same tangle)${advice}`,
      },
    ]);
  });

  it('counts a class type injected into a decorated constructor as a value (decorator metadata emits it)', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'injected-class-type-is-a-value'))).toEqual([
      {
        file: 'src/audit/audit.service.ts',
        line: 2,
        column: 1,
        message: `Import cycle: src/audit/audit.service.ts → src/users/users.service.ts → src/audit/audit.service.ts${advice}`,
      },
    ]);
  });

  it('is not applicable to a project whose modules import no other project module', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'cycle-between-test-helpers'))).toBe(0);
  });

  it('finds components without recursion, on a ring of 50,000 modules and beside it', () => {
    const n = 50_000;
    const ring = Array.from({ length: n }, (_, i) => [(i + 1) % n]);
    ring.push([0], [n + 2], [n + 1]); // n → ring (not in it); n+1 ⇄ n+2
    const components = stronglyConnected(ring).map((c) => c.length).sort((a, b) => a - b);
    expect(components).toEqual([1, 2, n]);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
