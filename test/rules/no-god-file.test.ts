import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-god-file';

describe(RULE, () => {
  it('flags a file that registers more than 25 routes, at line 1', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'app-registers-every-route');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/app.js',
        line: 1,
        column: 1,
        message: 'This file registers 26 routes (more than 25): split them into one router or controller per resource and mount those from a small app module',
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags a file of more than 600 lines that registers routes and queries the database', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'long-server-mixing-routes-and-queries'))).toEqual([
      {
        file: 'src/server.js',
        line: 1,
        column: 1,
        message:
          'This file is 613 lines long (more than 600) and both registers routes (18) and queries the database (first at line 101): ' +
          'move the queries into repository or service modules and the routes into per-resource routers',
      },
    ]);
  });

  it('takes both thresholds as options', async () => {
    const dir = fixtureCase(RULE, 'valid', 'twenty-five-routes-at-the-threshold');
    expect((await findingsOf(RULE, dir, { maxRoutes: 24 })).map((f) => f.message.slice(0, 32))).toEqual(['This file registers 25 routes (m']);
    const long = fixtureCase(RULE, 'invalid', 'long-server-mixing-routes-and-queries');
    expect(await findingsOf(RULE, long, { maxLines: 700 })).toEqual([]);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
