import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-sync-in-handler';
const at = (f: { file: string; line: number; column: number }) => `${f.file}:${f.line}:${f.column}`;

describe(RULE, () => {
  it('flags blocking calls in Express handlers and in the helpers they call', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'express-route-and-its-helper');
    const found = await findingsOf(RULE, dir);
    expect(found.map(at)).toEqual(['src/routes/reports.ts:8:10', 'src/routes/reports.ts:12:16', 'src/routes/reports.ts:17:7', 'src/routes/reports.ts:17:55']);
    expect(found[0]?.message).toBe(
      '`child_process.execSync` blocks the event loop while a request is handled, so every other request waits: use `exec` (promisified) or a job queue',
    );
    expect(found[1]?.message).toBe('`fs.readFileSync` blocks the event loop while a request is handled, so every other request waits: use `fs.promises.readFile`');
    expect(found[2]?.message).toMatch(/^`fs\.existsSync` blocks .* use `fs\.promises\.access` \(or `stat`\)$/);
  });

  it('counts each handler once, where it is registered', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'async-equivalents'))).toBe(2);
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'start-up-reads'))).toBe(1);
  });

  it('follows a NestJS controller into the service it calls in another file', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'nestjs-service-called-by-controller'));
    expect(found.map(at)).toEqual(['src/users/users.service.ts:8:26', 'src/users/users.service.ts:13:12']);
    expect(found[0]?.message).toMatch(/^`bcrypt\.hashSync` blocks .* use `await bcrypt\.hash\(…\)`$/);
    expect(found[1]?.message).toMatch(/^`crypto\.scryptSync` blocks .* use `crypto\.scrypt` \(promisified\)$/);
  });

  it('flags a Fastify plugin route in CommonJS', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'fastify-route-compresses'));
    expect(found.map(at)).toEqual(['src/exports.js:7:51']);
    expect(found[0]?.message).toMatch(/^`zlib\.gzipSync` blocks .* use `zlib\.gzip` \(promisified\) or a stream$/);
  });

  it('flags reads that a memo does not make once-only: reset, conditional or skipped writes, retries, keys from the request, methods of a memoised object', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'per-request-memo'));
    expect(found.map(at)).toEqual([
      'src/config/create-env.ts:4:21', // the exported memo is emptied by an admin route in another file
      'src/lib/disk.ts:4:10', // reached through the legal notice, read on every request beside the memoised footer
      'src/lib/store.ts:7:14', // the store is built once, its `read` runs on every request
      'src/lib/views.ts:10:16', // only the home page is kept
      'src/lib/views.ts:18:15', // a return between the guard and the write
      'src/lib/views.ts:27:50', // the flags are reset by an admin route
      'src/routes/pages.ts:13:25', // emptied at the end of every request
      'src/routes/pages.ts:22:42', // a failed parse is retried
      'src/routes/pages.ts:27:37', // a memo keyed by a request parameter
    ]);
  });

  it('flags reads in a memo that does not run once: a falsy value under a truthiness test, a throw before the write, a `let` memo object replaced', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'falsy-memo'));
    expect(found.map(at)).toEqual([
      'src/lib/status.ts:10:35', // `!maintenance` with existsSync: false is checked again on every call
      'src/lib/status.ts:16:21', // `||=` with a count: 0 is counted again
      'src/lib/status.ts:23:15', // a throw between the guard and the write
      'src/lib/status.ts:32:16', // `views = {}` resets every key of the memo
      'src/lib/status.ts:44:46', // `!betaEnabled` with a flag from a JSON file: false is read again
    ]);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
