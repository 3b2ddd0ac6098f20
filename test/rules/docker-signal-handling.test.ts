import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'docker-signal-handling';
const throughManager = (command: string, manager: string, suggestion: string) =>
  `\`${command}\` starts the service through ${manager}, which does not pass SIGTERM on to node reliably, so graceful shutdown may never run: start node directly (${suggestion})`;
const shellForm = (keyword: string, command: string, exec: string) =>
  `\`${keyword} ${command}\` is in shell form: \`/bin/sh\` runs as PID 1 and does not pass SIGTERM on to node, so graceful shutdown never runs and the container is killed after the grace period; write the exec form \`${keyword} ${exec}\``;

describe(RULE, () => {
  it('flags `npm start` in exec form and suggests what the start script runs', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'npm-start-in-exec-form');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'Dockerfile', line: 7, column: 1, message: throughManager('npm start', 'npm', '`CMD ["node", "src/server.js"]`, what the `start` script runs') },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags `npm run` even under dumb-init', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'npm-run-under-dumb-init'))).toEqual([
      { file: 'Dockerfile', line: 9, column: 1, message: throughManager('dumb-init -- npm run start:prod', 'npm', '`CMD ["node", "dist/main.js"]`, what the `start:prod` script runs') },
    ]);
  });

  it('judges an image whose command only passes `debug` as an option value (not a development image)', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'npm-run-with-debug-log-level'))).toEqual([
      {
        file: 'Dockerfile',
        line: 7,
        column: 1,
        message: throughManager('npm run serve -- --log-level debug', 'npm', '`CMD ["node", "<entry file>"]` with what the `serve` script runs'),
      },
    ]);
  });

  it('flags yarn started through `sh -c`', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'yarn-start-through-sh'))).toEqual([
      { file: 'Dockerfile', line: 7, column: 1, message: throughManager('sh -c yarn start', 'yarn', '`CMD ["node", "src/server.js"]`, what the `start` script runs') },
    ]);
  });

  it('flags shell-form CMD and ENTRYPOINT and writes the exec form', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'shell-form-cmd'))).toEqual([
      { file: 'Dockerfile', line: 7, column: 1, message: shellForm('CMD', 'node --enable-source-maps src/server.js', '["node", "--enable-source-maps", "src/server.js"]') },
    ]);
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'shell-form-entrypoint'))).toEqual([
      { file: 'Dockerfile', line: 7, column: 1, message: shellForm('ENTRYPOINT', 'node src/server.js', '["node", "src/server.js"]') },
    ]);
  });

  it('is not applicable without a command, a Dockerfile, or in a development image', async () => {
    for (const name of ['no-command', 'no-dockerfile', 'development-image-runs-npm-run-dev']) expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', name)), name).toBe(0);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
