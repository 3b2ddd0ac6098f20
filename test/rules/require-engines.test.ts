import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'require-engines';
const missing =
  'package.json does not say which Node version the service runs on: add `"engines": { "node": ">=22" }` (or an `.nvmrc`) so that CI, developers and the deploy target use the same major';

describe(RULE, () => {
  it('flags package.json without engines, at line 1', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'no-engines');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'package.json', line: 1, column: 1, message: missing }]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags `engines` without `node`, at the key', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'engines-without-node'))).toEqual([
      { file: 'package.json', line: 10, column: 3, message: '`engines` does not name a Node version: add `"node": ">=22"` so that CI, developers and the deploy target use the same major' },
    ]);
  });

  it('does not take a .tool-versions without nodejs for a Node version', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'tool-versions-without-node'))).toEqual([{ file: 'package.json', line: 1, column: 1, message: missing }]);
  });

  it('takes a workspace root without a version only when every workspace package that runs a service declares one', async () => {
    // billing-api runs a service and declares no Node version; orders-api does, the library @shop/money need not.
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'workspace-service-without-node'))).toEqual([{ file: 'package.json', line: 1, column: 1, message: missing }]);
    expect(await findingsOf(RULE, fixtureCase(RULE, 'valid', 'workspace-services-declare-node'))).toEqual([]);
  });

  it('judges the root as before when it runs a service itself, and counts a workspace worker with a start script', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'workspace-root-runs-a-service'))).toEqual([{ file: 'package.json', line: 1, column: 1, message: missing }]);
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'workspace-worker-without-node'))).toEqual([{ file: 'package.json', line: 1, column: 1, message: missing }]);
  });

  it('is not applicable without package.json', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'no-package-json'))).toBe(0);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
