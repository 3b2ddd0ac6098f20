import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'docker-pinned-base';
const latest = (image: string) =>
  `\`FROM ${image}\` follows \`latest\`, so each build pulls whatever it is that day: pin a version (\`node:22-alpine\`) or a digest so that rebuilds and rollbacks run the same runtime`;

describe(RULE, () => {
  it('flags an image without a tag, at the image', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'node-without-tag');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'Dockerfile',
        line: 1,
        column: 6,
        message: '`FROM node` has no tag, so each build pulls whatever `latest` is that day: pin a version (`node:22-alpine`) or a digest so that rebuilds and rollbacks run the same runtime',
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags `latest` in a build stage, not the pinned final stage', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'latest-in-build-stage');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'Dockerfile', line: 1, column: 6, message: latest('node:latest') }]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('expands a build argument whose default is latest', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'latest-through-build-argument'))).toEqual([{ file: 'Dockerfile', line: 2, column: 6, message: latest('node:latest') }]);
  });

  it('counts every external base image, not `FROM <stage>`', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'version-tags'))).toBe(3);
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'no-dockerfile'))).toBe(0);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
