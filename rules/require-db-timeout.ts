// require-db-timeout: database clients whose defaults wait forever — a `pg` Pool or Client built
// with neither a connection timeout (`connectionTimeoutMillis`, 0 = none) nor a statement/query
// timeout, and a mysql2 pool or connection whose 10 s connect default was switched off with
// `connectTimeout: 0` (plus, as an opt-in, ioredis clients without `commandTimeout`). When the
// database stops answering (failover, a full connection limit, a lock held by a stuck
// transaction) every request waits on it; the pool fills, requests pile up behind it and the
// service stops answering instead of failing fast.
import { ts } from '../src/core/typescript.js';
import { addPropertyEdit } from '../src/core/edits.js';
import type { Helpers } from '../src/core/helpers.js';
import { unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';
import type { ReportDescriptor, RuleContext } from '../src/core/types.js';

type Options = { redis: boolean };
/** `set`: a timeout is configured; `missing`: none (or `0`); `unknown`: the config cannot be seen. */
type TimeoutState = 'set' | 'missing' | 'unknown';

const PG_TIMEOUTS = ['connectionTimeoutMillis', 'statement_timeout', 'query_timeout'];
/** Connection-string parameters that bound a connect or a statement. */
const URL_TIMEOUT = /[?&](connect_timeout|statement_timeout)=\s*[1-9]/;
const SUGGESTED = 'connectionTimeoutMillis: 5000';

/** `Pool`/`Client` of pg (`new Pool`, `new pg.Pool`, `new (require('pg').Client)`), or pg-pool's default export. */
function pgClass(node: ts.NewExpression, helpers: Helpers): string | undefined {
  const ref = helpers.calleeOf(node);
  if (ref?.kind !== 'module' || ref.resolved) return undefined;
  const path = ref.path[0] === 'default' ? ref.path.slice(1) : ref.path;
  if (ref.module === 'pg' && path.length === 1 && (path[0] === 'Pool' || path[0] === 'Client')) return path[0];
  if (ref.module === 'pg-pool' && path.length === 0) return 'Pool';
  return undefined;
}

function isIoredis(node: ts.NewExpression, helpers: Helpers): boolean {
  const ref = helpers.calleeOf(node);
  if (ref?.kind !== 'module' || ref.resolved || ref.module !== 'ioredis') return false;
  const path = ref.path[0] === 'default' ? ref.path.slice(1) : ref.path;
  return path.length === 0 || (path.length === 1 && path[0] === 'Redis');
}

/** `mysql.createPool(…)`/`createConnection(…)` of mysql2 or mysql2/promise. */
function isMysql2Factory(call: ts.CallExpression, helpers: Helpers): boolean {
  const ref = helpers.calleeOf(call);
  if (ref?.kind !== 'module' || ref.resolved || (ref.module !== 'mysql2' && ref.module !== 'mysql2/promise')) return false;
  const path = ref.path[0] === 'default' ? ref.path.slice(1) : ref.path;
  return path.length === 1 && (path[0] === 'createPool' || path[0] === 'createConnection');
}

/** An explicit `0`, which every one of these libraries reads as "no timeout". */
function isZero(expr: ts.Expression | undefined): boolean {
  const e = expr && unwrap(expr);
  return !!e && ts.isNumericLiteral(e) && Number(e.text) === 0;
}

/** A connection string's timeout parameters: `set`, `missing`, or `unknown` when part of it is computed. */
function connectionStringState(expr: ts.Expression, helpers: Helpers): TimeoutState | undefined {
  const e = helpers.valueOf(expr);
  const text = helpers.staticString(e);
  if (text !== undefined) return URL_TIMEOUT.test(text) ? 'set' : 'missing';
  if (ts.isTemplateExpression(e)) {
    const literal = [e.head.text, ...e.templateSpans.map((s) => s.literal.text)].join('\u0000');
    return URL_TIMEOUT.test(literal) ? 'set' : 'unknown';
  }
  return undefined;
}

/** What a pg config (an options object or a connection string) says about timeouts. */
function pgTimeoutState(config: ts.Expression | undefined, helpers: Helpers): TimeoutState {
  if (!config) return 'missing';
  const asString = connectionStringState(config, helpers);
  if (asString) return asString;
  let state: TimeoutState = 'missing';
  for (const key of PG_TIMEOUTS) {
    const p = helpers.property(config, key);
    if (p.kind === 'unknown') return 'unknown';
    if (p.kind === 'found' && !isZero(p.value)) return 'set';
  }
  const url = helpers.property(config, 'connectionString');
  if (url.kind === 'found' && url.value && connectionStringState(url.value, helpers) === 'set') state = 'set';
  return state;
}

/** The options argument of `new Redis(…)` (`(port, host, options)`, `(url, options)`, `(options)`), judged for `commandTimeout`. */
function redisTimeoutState(node: ts.NewExpression, helpers: Helpers): TimeoutState {
  const last = node.arguments?.[node.arguments.length - 1];
  if (!last) return 'missing';
  const value = helpers.valueOf(last);
  if (ts.isObjectLiteralExpression(value)) {
    // `maxRetriesPerRequest: null` is BullMQ's required setting for connections that run blocking commands.
    const retries = helpers.property(value, 'maxRetriesPerRequest');
    if (retries.kind === 'found' && retries.value?.kind === ts.SyntaxKind.NullKeyword) return 'unknown';
    const p = helpers.property(value, 'commandTimeout');
    return p.kind === 'found' ? (isZero(p.value) ? 'missing' : 'set') : p.kind;
  }
  // A port or URL alone carries no options.
  return ts.isNumericLiteral(value) || ts.isStringLiteralLike(value) || ts.isTemplateExpression(value) ? 'missing' : 'unknown';
}

/** Adds `connectionTimeoutMillis: 5000` to the pg options literal, or passes one to `new Pool()`. */
function pgSuggestion(node: ts.NewExpression, helpers: Helpers): ReportDescriptor['suggest'] {
  const arg = node.arguments?.[0];
  if (!node.arguments) return undefined;
  if (!arg) {
    const at = node.arguments.pos;
    return [{ messageId: 'addConnectionTimeout', edits: [{ start: at, end: at, text: `{ ${SUGGESTED} }` }] }];
  }
  const literal = helpers.valueOf(arg);
  if (!ts.isObjectLiteralExpression(literal) || helpers.property(literal, 'connectionTimeoutMillis').kind !== 'missing') return undefined;
  return [{ messageId: 'addConnectionTimeout', edits: [addPropertyEdit(literal, SUGGESTED)] }];
}

/** `pg.defaults.statement_timeout = n` or a `SET statement_timeout` somewhere in the project's non-test code. */
function projectSetsPgTimeout(context: RuleContext<Options>): boolean {
  for (const [file, facts] of context.project.modules) {
    if (facts.evidence.pgTimeoutSet && !context.project.roles(file).has('test')) return true;
  }
  return false;
}

export default defineFileRule<Options>({
  id: 'require-db-timeout',
  category: 'resilience',
  severity: 'medium',
  recommended: true,
  hasSuggestions: true,
  defaultOptions: { redis: false },
  optionsSchema: {
    type: 'object',
    properties: {
      redis: {
        description: 'also flag ioredis clients (`new Redis(…)`) without `commandTimeout` (a low-severity check in the catalog, off by default)',
        type: 'boolean',
      },
    },
    additionalProperties: false,
  },
  messages: {
    pg: '`new {{name}}(…)` from pg has no timeout: a dead or saturated database makes every query wait forever — set `connectionTimeoutMillis` (and `statement_timeout` or `query_timeout`)',
    pgZero: '`new {{name}}(…)` from pg sets `{{property}}: 0`, which means no timeout: use a positive number of milliseconds',
    mysqlZero: '`connectTimeout: 0` turns off mysql2\'s 10 s connect timeout in `{{callee}}(…)`: remove it or use a positive number of milliseconds',
    redis: '`new Redis(…)` has no `commandTimeout`: a command to a stalled Redis waits forever — set `commandTimeout` (not on connections used for blocking commands)',
    addConnectionTimeout: 'Give up connecting after 5 s: add `connectionTimeoutMillis: 5000`',
  },
  docs: {
    description: 'Require a connection or query timeout on database clients whose defaults wait forever.',
    why:
      'node-postgres (`pg`) waits forever by default: `connectionTimeoutMillis`, `statement_timeout` and `query_timeout` ' +
      'are all "no timeout" unless set, and a Pool\'s `connectionTimeoutMillis` also bounds the wait for a free client. When ' +
      'the database fails over, hits its connection limit or a query waits on a lock, every request that needs it waits ' +
      'too; the pool fills, requests queue behind it, health checks pass and the service stops answering instead of failing ' +
      'fast. mysql2 has a 10 s connect timeout, so only an explicit `connectTimeout: 0` is flagged. knex is not flagged: its ' +
      '`acquireConnectionTimeout` defaults to 60 000 ms. ioredis has no `commandTimeout` by default; that check is off unless ' +
      'the `redis` option is on, because blocking commands (BullMQ workers, `BRPOP`) must not get a short command timeout.',
    fix:
      'Set `connectionTimeoutMillis` (e.g. 5000) and a `statement_timeout` or `query_timeout` on the pg Pool/Client options, ' +
      'or `connect_timeout`/`statement_timeout` in a connection string written in the code; never set a timeout to 0.',
    sites: 'database client and pool constructions',
    examples: {
      invalid: [
        {
          filename: 'src/db/pool.ts',
          code:
            "import { Pool } from 'pg';\n\n" +
            'export const pool = new Pool({\n  connectionString: process.env.DATABASE_URL,\n  max: 20,\n});\n',
        },
      ],
      valid: [
        {
          filename: 'src/db/pool.ts',
          code:
            "import { Pool } from 'pg';\n\n" +
            'export const pool = new Pool({\n  connectionString: process.env.DATABASE_URL,\n  max: 20,\n' +
            '  connectionTimeoutMillis: 5000,\n  statement_timeout: 10_000,\n});\n',
        },
        {
          filename: 'src/db/pool.ts',
          code: "import { Pool } from 'pg';\nimport { dbConfig } from '../config';\n\nexport const pool = new Pool(dbConfig);\n",
        },
      ],
    },
  },
  create(context) {
    const { helpers, options } = context;
    if (context.file.roles.has('test') || context.file.roles.has('browser')) return {};
    let pgTimeoutElsewhere: boolean | undefined;
    return {
      NewExpression(node: ts.NewExpression) {
        const name = pgClass(node, helpers);
        if (name) {
          context.countSite(node);
          const config = node.arguments?.[0];
          const zero = config ? PG_TIMEOUTS.map((key) => helpers.property(config, key)).find((p) => p.kind === 'found' && isZero(p.value)) : undefined;
          if (pgTimeoutState(config, helpers) !== 'missing') return;
          pgTimeoutElsewhere ??= projectSetsPgTimeout(context);
          if (pgTimeoutElsewhere) return;
          if (zero?.kind === 'found') {
            const property = zero.property.name && ts.isIdentifier(zero.property.name) ? zero.property.name.text : 'connectionTimeoutMillis';
            context.report({ node: zero.property, messageId: 'pgZero', data: { name, property } });
          } else {
            context.report({ node, messageId: 'pg', data: { name }, suggest: pgSuggestion(node, helpers) });
          }
          return;
        }
        if (options.redis && isIoredis(node, helpers)) {
          context.countSite(node);
          if (redisTimeoutState(node, helpers) === 'missing') context.report({ node, messageId: 'redis' });
        }
      },
      CallExpression(call: ts.CallExpression) {
        if (!isMysql2Factory(call, helpers)) return;
        context.countSite(call);
        const config = call.arguments[0];
        const timeout = config ? helpers.property(config, 'connectTimeout') : undefined;
        if (timeout?.kind === 'found' && isZero(timeout.value)) {
          const callee = call.expression.getText(context.file.sourceFile);
          context.report({ node: timeout.property, messageId: 'mysqlZero', data: { callee } });
        }
      },
    };
  },
});
