import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'docker-non-root';
const noUser = (image: string, user: string) =>
  `The final stage (\`FROM ${image}\`) never switches to a non-root user, so the service runs as root in the container: add \`USER ${user}\` after the steps that need root, before CMD`;

describe(RULE, () => {
  it('flags a final stage without USER, at its FROM line', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'no-user-instruction');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'Dockerfile', line: 1, column: 1, message: noUser('node:22-alpine', 'node') }]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('names the user the image creates but never switches to (resolved through its ARG default)', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'user-created-but-never-used'))).toEqual([
      {
        file: 'Dockerfile',
        line: 1,
        column: 1,
        message:
          'The final stage (`FROM node:22-bookworm-slim`) creates the user `orders` but never switches to it, so the service runs as root in the container: add `USER orders` after the steps that need root, before CMD',
      },
    ]);
  });

  it('flags a final `USER root`, at that line', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'switches-back-to-root'))).toEqual([
      {
        file: 'Dockerfile',
        line: 7,
        column: 1,
        message: '`USER root` is the last user of the final stage, so the service runs as root in the container: switch to an unprivileged user (`USER node`) after the steps that need root',
      },
    ]);
  });

  it('judges the final stage: a USER in the build stage does not carry over to a fresh FROM', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'user-only-in-build-stage'))).toEqual([{ file: 'Dockerfile', line: 7, column: 1, message: noUser('node:22-alpine', 'node') }]);
  });

  it('judges a service in an `integration-service/` directory: `integration` marks a test image only in the Dockerfile\'s own name', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'integration-service-directory'))).toEqual([
      { file: 'integration-service/Dockerfile', line: 8, column: 1, message: noUser('node:22-alpine', 'node') },
    ]);
  });

  it('judges a Dockerfile with "integration" as only a word of its name (integration-worker.Dockerfile)', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'integration-worker-image'))).toEqual([
      { file: 'docker/integration-worker.Dockerfile', line: 2, column: 1, message: noUser('node:22-alpine', 'node') },
    ]);
  });

  it('does not judge `Dockerfile.integration`, only the production Dockerfile next to it', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'integration-test-dockerfile'))).toBe(1);
  });

  it('is not applicable without a production Node Dockerfile that declares a command, or when the base image\'s user cannot be known', async () => {
    for (const name of ['no-dockerfile', 'development-dockerfile', 'frontend-served-by-nginx', 'dockerfile-in-test-directory', 'base-image-without-command', 'tool-image-without-project-files', 'company-base-image-with-its-own-user']) {
      expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', name)), name).toBe(0);
    }
  });

  it('accepts USER inherited through `FROM <stage>`, distroless :nonroot, a privilege-dropping entrypoint and a user from a build argument', async () => {
    for (const name of ['user-inherited-from-base-stage', 'distroless-nonroot-image', 'entrypoint-drops-privileges', 'user-from-build-argument']) {
      expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', name)), name).toBe(1);
    }
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
