import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-in-memory-session';
const at = (f: { file: string; line: number; column: number }) => `${f.file}:${f.line}:${f.column}`;

describe(RULE, () => {
  it('flags express-session without a store', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'express-session-without-store');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/app.ts',
        line: 9,
        column: 3,
        message: "`session(…)` from express-session has no `store`: sessions live in this process's memory — pass a shared store (connect-redis, connect-pg-simple)",
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags an explicit MemoryStore even when passed as the store', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'explicit-memory-store'));
    expect(found.map(at)).toEqual(['src/session.ts:4:29']);
    expect(found[0]?.message).toMatch(/^`new MemoryStore\(\)` keeps sessions/);
  });

  it('flags a MemoryStore given through a variable when no assignment of it is another store', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'memory-store-through-variable');
    const found = await findingsOf(RULE, dir);
    expect(found.map(at)).toEqual(['src/middleware/session.ts:13:13', 'src/middleware/session.ts:19:35']);
    expect(found[0]?.message).toBe("`new MemoryStore()` keeps sessions in this process's memory: use a shared store (connect-redis, connect-pg-simple)");
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('does not flag a MemoryStore that is the fallback branch of a shared store (if/else assignments of the variable, `?:`)', async () => {
    const dir = fixtureCase(RULE, 'valid', 'memory-store-fallback-branch');
    expect(await findingsOf(RULE, dir)).toEqual([]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('flags @fastify/session registered without a store', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'fastify-session-without-store'));
    expect(found.map(at)).toEqual(['src/server.ts:8:9']);
    expect(found[0]?.message).toMatch(/^@fastify\/session is registered without a `store`/);
  });

  it('follows require, renames and destructured MemoryStore in CommonJS', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'commonjs-session-without-store'));
    expect(found.map(at)).toEqual(['src/app.js:9:9', 'src/app.js:13:10']);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
