import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'require-structured-logger';
const message = (entry: string, calls: string) =>
  `The service started in ${entry} logs through \`console\` (${calls}) and has no structured logger: add pino or winston (or Fastify's \`logger: true\`) and log JSON lines with a level and fields`;

describe(RULE, () => {
  it('flags an Express service whose modules log through console, at its listen call', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'express-service-logging-through-console');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/server.ts', line: 9, column: 1, message: message('src/server.ts', '3 calls') }]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags a Fastify service that turns the built-in logger off', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'fastify-logger-turned-off');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/server.js', line: 7, column: 1, message: message('src/server.js', '1 call') }]);
  });

  it("flags a NestJS service on the default (text) Logger that also logs through console", async () => {
    const dir = fixtureCase(RULE, 'invalid', 'nestjs-plain-logger-and-console');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/main.ts', line: 7, column: 9, message: message('src/main.ts', '1 call') }]);
  });

  it('flags a NestJS service whose ConsoleLogger subclasses pass no `json` (or `json: false`) to super, and a class extending a project ConsoleLogger', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'nestjs-console-logger-subclass-without-json');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/main.ts', line: 7, column: 9, message: message('src/main.ts', '1 call') }]);
  });

  it('is not applicable to a package that starts no server', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'library-without-entry-point'))).toBe(0);
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'library-with-example-server'))).toBe(0);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
