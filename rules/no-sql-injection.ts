// no-sql-injection: request input that becomes part of SQL text — a template with `${req.query.x}`,
// a concatenation, a variable holding either — passed to pg or mysql2 `query`/`execute`, knex
// `raw`/`whereRaw`/`orderByRaw`…, Sequelize `query`/`literal`, TypeORM `query` and query-builder
// strings, Prisma `$queryRawUnsafe`/`$executeRawUnsafe`, better-sqlite3/sqlite3 `exec`/`prepare`/
// `all`/`get`/`run`; in the handler, a function of the same file, or a repository in another file.
// A client that writes part of the SQL reads or changes any table (`' OR 1=1 --`, `UNION SELECT`).
// Flows come from the taint engine (src/core/taint.ts); the sinks are src/core/sinks/sql.ts. Bind
// parameters, parameterising tagged templates, file constants, numbers, schema-parsed and
// allow-listed values, and escaping functions (`pg-format`, `mysql.escape`/`escapeId`) are not flagged.
import { sqlSinks } from '../src/core/sinks/sql.js';
import { defineFileRule } from '../src/core/rule.js';
import { flowMessages, injectionListeners } from '../src/core/taint.js';

const ADVICE = 'the client can rewrite the query — pass the value as a bind parameter (`$1`/`?` placeholders with a values array, a `sql` tagged template) or check it against an allow list';

export default defineFileRule({
  id: 'no-sql-injection',
  category: 'security',
  severity: 'critical',
  recommended: true,
  cwe: [89],
  defaultOptions: {},
  messages: flowMessages(ADVICE, ' as SQL text'),
  docs: {
    description: 'Disallow request input in SQL text (`pool.query`, `knex.raw`, `sequelize.query`, `$queryRawUnsafe`, `db.exec`).',
    why:
      'A request value pasted into SQL is SQL: `?status=x\' OR \'1\'=\'1` returns every row, `UNION SELECT` reads other tables ' +
      '(password hashes, tokens), and a stacked statement can update or drop them. Quoting by hand misses a case sooner or later ' +
      '(backslashes, multi-byte characters, numbers without quotes). The rule follows the value from the request (`req.query`, ' +
      '`req.body`, route params, headers, Koa `ctx`, NestJS `@Query()`/`@Param()`/`@Body()`) through variables, string building, ' +
      'functions of the same file and repositories in other files, to the call that sends the text to the database.',
    fix:
      'Keep the SQL text constant and send the value separately: `pool.query(\'SELECT … WHERE id = $1\', [id])`, ' +
      '`connection.execute(\'… WHERE id = ?\', [id])`, `knex.raw(\'… = ?\', [id])`, Sequelize `replacements`, TypeORM ' +
      'parameters, Prisma `$queryRaw` with a tagged template, better-sqlite3 `prepare(\'… = ?\').get(id)`. For a column or sort ' +
      'direction, pick it from an allow list (or escape the identifier with `pg-format` / `escapeId`).',
    sites: 'SQL text calls',
    examples: {
      invalid: [
        {
          filename: 'src/routes/invoices.ts',
          code:
            "import { Router } from 'express';\nimport pg from 'pg';\n\nconst pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });\nexport const invoices = Router();\n\n" +
            "invoices.get('/invoices', async (req, res) => {\n  const { rows } = await pool.query(`SELECT id, total_cents FROM invoices WHERE status = '${req.query.status}'`);\n  res.json(rows);\n});\n",
        },
      ],
      valid: [
        {
          filename: 'src/routes/invoices.ts',
          code:
            "import { Router } from 'express';\nimport pg from 'pg';\n\nconst pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });\nexport const invoices = Router();\n\n" +
            "invoices.get('/invoices', async (req, res) => {\n  const { rows } = await pool.query('SELECT id, total_cents FROM invoices WHERE status = $1', [req.query.status]);\n  res.json(rows);\n});\n",
        },
      ],
    },
  },
  create(context) {
    return injectionListeners(context, sqlSinks);
  },
});
