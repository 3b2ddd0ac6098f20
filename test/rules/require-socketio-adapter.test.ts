import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'require-socketio-adapter';

describe(RULE, () => {
  it('invalid/adapter-set-on-another-server', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'adapter-set-on-another-server');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/sockets.ts',
        line: 10,
        column: 24,
        message: 'This socket.io server uses the default in-memory adapter: with more than one instance, broadcasts and rooms only reach the clients of the instance that emits — set a shared adapter (`io.adapter(createAdapter(pubClient, subClient))` from @socket.io/redis-adapter, or the cluster, Postgres or MongoDB adapter)',
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('invalid/commonjs-require-call', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'commonjs-require-call');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/index.js',
        line: 6,
        column: 12,
        message: 'This socket.io server uses the default in-memory adapter: with more than one instance, broadcasts and rooms only reach the clients of the instance that emits — set a shared adapter (`io.adapter(createAdapter(pubClient, subClient))` from @socket.io/redis-adapter, or the cluster, Postgres or MongoDB adapter)',
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('invalid/namespace-import-server', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'namespace-import-server');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/presence.ts',
        line: 3,
        column: 12,
        message: 'This socket.io server uses the default in-memory adapter: with more than one instance, broadcasts and rooms only reach the clients of the instance that emits — set a shared adapter (`io.adapter(createAdapter(pubClient, subClient))` from @socket.io/redis-adapter, or the cluster, Postgres or MongoDB adapter)',
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('invalid/server-without-adapter', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'server-without-adapter');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/realtime/io.ts',
        line: 5,
        column: 14,
        message: 'This socket.io server uses the default in-memory adapter: with more than one instance, broadcasts and rooms only reach the clients of the instance that emits — set a shared adapter (`io.adapter(createAdapter(pubClient, subClient))` from @socket.io/redis-adapter, or the cluster, Postgres or MongoDB adapter)',
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
