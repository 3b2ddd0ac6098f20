import { describe, expect, it } from 'vitest';
import rule from '../../rules/require-db-timeout.js';
import { lintText } from '../../src/core/engine.js';
import type { FileRule, RawFinding } from '../../src/core/types.js';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'require-db-timeout';
const at = (f: { file: string; line: number; column: number }) => `${f.file}:${f.line}:${f.column}`;
const PG = (name: string) =>
  `\`new ${name}(…)\` from pg has no timeout: a dead or saturated database makes every query wait forever — set \`connectionTimeoutMillis\` (and \`statement_timeout\` or \`query_timeout\`)`;
const REDIS = '`new Redis(…)` has no `commandTimeout`: a command to a stalled Redis waits forever — set `commandTimeout` (not on connections used for blocking commands)';

function lint(code: string, filename = 'src/db/pool.ts'): RawFinding[] {
  return lintText({ text: code, filename, rules: [rule as FileRule<Record<string, unknown>>] });
}

/** The file text after applying a finding's first suggestion. */
function applySuggestion(code: string, finding: RawFinding | undefined): string {
  const edits = [...(finding?.suggest?.[0]?.edits ?? [])].sort((a, b) => b.start - a.start);
  return edits.reduce((text, e) => text.slice(0, e.start) + e.text + text.slice(e.end), code);
}

describe(RULE, () => {
  it('flags a pg Pool whose options set no connection or query timeout (idleTimeoutMillis does not count)', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'pg-pool-without-timeout');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/db/pool.ts', line: 5, column: 21, message: PG('Pool') }]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('follows require, `pg.Client` and a pool built from the PG* environment alone', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'commonjs-pg-client');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/database.js', line: 6, column: 18, message: PG('Client') },
      { file: 'src/database.js', line: 13, column: 14, message: PG('Pool') },
    ]);
  });

  it('follows the default import and a class destructured from it', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'default-import-and-destructured-class'));
    expect(found.map(at)).toEqual(['src/db/connections.ts:5:30', 'src/db/connections.ts:12:18']);
    expect(found.map((f) => f.message)).toEqual([PG('Pool'), PG('Client')]);
  });

  it('flags `connectionTimeoutMillis: 0` at the property', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'timeout-set-to-zero'))).toEqual([
      {
        file: 'src/db/pool.ts',
        line: 5,
        column: 3,
        message: '`new Pool(…)` from pg sets `connectionTimeoutMillis: 0`, which means no timeout: use a positive number of milliseconds',
      },
    ]);
  });

  it('reads a connection string written in the code', async () => {
    expect((await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'connection-string-without-timeout'))).map(at)).toEqual(['src/catalog-db.ts:5:28']);
  });

  it('flags mysql2 `connectTimeout: 0` and counts mysql2 pools as sites', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'mysql2-connect-timeout-zero');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/db/mysql.ts',
        line: 8,
        column: 3,
        message: "`connectTimeout: 0` turns off mysql2's 10 s connect timeout in `mysql.createPool(…)`: remove it or use a positive number of milliseconds",
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'mysql2-and-knex-defaults'))).toBe(2);
  });

  it('checks ioredis only with the `redis` option on, and leaves BullMQ-style blocking connections alone', async () => {
    const dir = fixtureCase(RULE, 'valid', 'ioredis-check-off-by-default');
    expect(await findingsOf(RULE, dir)).toEqual([]);
    expect(await findingsOf(RULE, dir, { redis: true })).toEqual([{ file: 'src/cache/redis.ts', line: 3, column: 22, message: REDIS }]);
    expect(await findingsOf(RULE, fixtureCase(RULE, 'valid', 'ioredis-blocking-connection'), { redis: true })).toEqual([]);
  });

  describe('suggestion', () => {
    it('adds connectionTimeoutMillis on its own line to a multi-line options object', () => {
      const code = "import { Pool } from 'pg';\nexport const pool = new Pool({\n  connectionString: process.env.DATABASE_URL,\n  max: 20,\n});\n";
      const [finding] = lint(code);
      expect(finding?.suggest?.[0]?.message).toBe('Give up connecting after 5 s: add `connectionTimeoutMillis: 5000`');
      expect(applySuggestion(code, finding)).toBe(
        "import { Pool } from 'pg';\nexport const pool = new Pool({\n  connectionString: process.env.DATABASE_URL,\n  max: 20,\n  connectionTimeoutMillis: 5000,\n});\n",
      );
    });

    it('passes an options object to `new Pool()`', () => {
      const code = "import { Pool } from 'pg';\nexport const pool = new Pool();\n";
      expect(applySuggestion(code, lint(code)[0])).toBe("import { Pool } from 'pg';\nexport const pool = new Pool({ connectionTimeoutMillis: 5000 });\n");
    });

    it('offers none for a connection string or an explicit 0', () => {
      expect(lint("import { Client } from 'pg';\nnew Client('postgres://db.internal/orders');\n")[0]?.suggest).toBeUndefined();
      expect(lint("import { Pool } from 'pg';\nnew Pool({ connectionTimeoutMillis: 0 });\n")[0]?.suggest).toBeUndefined();
    });
  });

  it('does not flag a spread or computed config, nor a statement timeout next to a zero connect timeout', () => {
    expect(lint("import { Pool } from 'pg';\nimport { base } from './config';\nnew Pool({ ...base });\nnew Pool({ [key]: 1 });\n")).toEqual([]);
    expect(lint("import { Pool } from 'pg';\nnew Pool({ connectionTimeoutMillis: 0, statement_timeout: 5000 });\n")).toEqual([]);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
