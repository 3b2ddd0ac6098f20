// no-in-memory-session: session middleware left on its in-memory store (express-session or
// @fastify/session without `store`, or an explicit `MemoryStore`). That store leaks memory by
// design, loses every session on restart, and gives each instance behind a load balancer its own
// sessions, so users are logged out at random once a second instance starts. Not flagged: a
// MemoryStore that is the fallback branch of a shared store (another assignment of its variable, `?:`).
import { ts } from '../src/core/typescript.js';
import type { Helpers } from '../src/core/helpers.js';
import { isNullishLiteral, unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';

const EXPRESS_SESSION = 'express-session';
const FASTIFY_SESSIONS = new Set(['@fastify/session', 'fastify-session']);

/** `session` (the express-session middleware factory) under any local name. */
function isExpressSessionFactory(expr: ts.Expression, helpers: Helpers): boolean {
  const ref = helpers.referenceOf(expr);
  return ref?.kind === 'module' && !ref.resolved && ref.module === EXPRESS_SESSION && (ref.path.length === 0 || (ref.path.length === 1 && ref.path[0] === 'session'));
}

function isMemoryStoreClass(expr: ts.Expression, helpers: Helpers): boolean {
  const ref = helpers.referenceOf(expr);
  return ref?.kind === 'module' && !ref.resolved && ref.module === EXPRESS_SESSION && ref.path.length === 1 && ref.path[0] === 'MemoryStore';
}

const isAssignment = (n: ts.Node): n is ts.BinaryExpression => ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken;

/** The values an expression can take, through parentheses, casts and both sides of `?:`. */
function alternatives(expr: ts.Expression): ts.Expression[] {
  const e = unwrap(expr);
  return ts.isConditionalExpression(e) ? [...alternatives(e.whenTrue), ...alternatives(e.whenFalse)] : [e];
}

/** Where a `new MemoryStore()` goes: the values beside it (`?:`), the expression they form, and the variable it is stored in. */
function storeChoice(node: ts.NewExpression, helpers: Helpers): { top: ts.Expression; values: ts.Expression[]; decl: ts.VariableDeclaration | undefined } {
  let top: ts.Expression = node;
  for (let p = top.parent; ; p = top.parent) {
    if (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isSatisfiesExpression(p) || ts.isNonNullExpression(p)) top = p;
    else if (ts.isConditionalExpression(p) && p.condition !== top) top = p;
    else break;
  }
  const values = alternatives(top);
  const parent = top.parent;
  const target = ts.isVariableDeclaration(parent) && parent.initializer === top ? parent.name : isAssignment(parent) && parent.right === top ? unwrap(parent.left) : undefined;
  const decl = target && ts.isIdentifier(target) ? helpers.declarationOf(target) : undefined;
  if (decl && ts.isVariableDeclaration(decl) && decl.initializer && decl.initializer !== top) values.push(...alternatives(decl.initializer));
  return { top, values, decl: decl && ts.isVariableDeclaration(decl) ? decl : undefined };
}

/**
 * The `new MemoryStore()` is one choice among others of which one is another store: the other side
 * of a `?:`, or another assignment of the variable it is stored in (`let store; if (db) store = new
 * KnexStore(…); else store = new session.MemoryStore();`). That is a fallback (tests, no database),
 * not the only store that can reach the middleware. `undefined` and `null` are not another store.
 */
function isAnotherStore(v: ts.Expression, helpers: Helpers): boolean {
  return !(ts.isNewExpression(v) && isMemoryStoreClass(v.expression, helpers)) && !isNullishLiteral(v);
}

export default defineFileRule({
  id: 'no-in-memory-session',
  category: 'scalability',
  severity: 'high',
  recommended: true,
  defaultOptions: {},
  messages: {
    expressNoStore: '`session(…)` from express-session has no `store`: sessions live in this process\'s memory — pass a shared store (connect-redis, connect-pg-simple)',
    fastifyNoStore: '@fastify/session is registered without a `store`: sessions live in this process\'s memory — pass a shared store (Redis, a database)',
    memoryStore: '`new MemoryStore()` keeps sessions in this process\'s memory: use a shared store (connect-redis, connect-pg-simple)',
  },
  docs: {
    description: 'Disallow session middleware on its default in-memory store.',
    why:
      'express-session and @fastify/session keep sessions in a per-process `MemoryStore` unless given a `store`. ' +
      'express-session\'s own docs say that store leaks memory and is not meant for production. Every restart or deploy ' +
      'logs every user out, and with two instances behind a load balancer each has its own sessions, so users are ' +
      'logged out whenever a request lands on the other instance. A `MemoryStore` that is only the fallback of a shared store ' +
      '(the other assignment of the same variable, as in `if (db) store = new KnexStore(…) else store = new MemoryStore()`, ' +
      'or the other side of a `?:`) is not flagged.',
    fix: 'Pass a shared store: `session({ store: new RedisStore({ client: redis }), … })`, or move to stateless cookie sessions (`cookie-session`).',
    sites: 'session middleware set-ups',
    examples: {
      invalid: [
        {
          filename: 'src/app.ts',
          code:
            "import express from 'express';\nimport session from 'express-session';\n\n" +
            "export const app = express();\napp.use(session({ secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: false }));\n",
        },
      ],
      valid: [
        {
          filename: 'src/app.ts',
          code:
            "import express from 'express';\nimport session from 'express-session';\nimport { RedisStore } from 'connect-redis';\nimport { redis } from './redis';\n\n" +
            "export const app = express();\napp.use(session({ store: new RedisStore({ client: redis }), secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: false }));\n",
        },
      ],
    },
  },
  create(context) {
    const { helpers } = context;
    if (context.file.roles.has('test') || context.file.roles.has('browser')) return {};
    /** Every `=` assignment of a variable in this file, by its declaration. */
    const assigned = new Map<ts.VariableDeclaration, ts.Expression[]>();
    const memoryStores: Array<{ node: ts.NewExpression } & ReturnType<typeof storeChoice>> = [];
    return {
      CallExpression(call: ts.CallExpression) {
        // express-session: session(options)
        if (isExpressSessionFactory(call.expression, helpers)) {
          context.countSite(call);
          const options = call.arguments[0];
          const store = options ? helpers.property(options, 'store') : ({ kind: 'missing' } as const);
          if (store.kind === 'missing') context.report({ node: call, messageId: 'expressNoStore' });
          return;
        }
        // @fastify/session: fastify.register(fastifySession, options)
        const callee = call.expression;
        if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'register' && call.arguments[0]) {
          const plugin = helpers.referenceOf(call.arguments[0]);
          if (plugin?.kind === 'module' && !plugin.resolved && FASTIFY_SESSIONS.has(plugin.module) && (plugin.path.length === 0 || plugin.path[0] === 'default' || plugin.path[0] === 'fastifySession')) {
            context.countSite(call);
            const options = call.arguments[1];
            const store = options ? helpers.property(options, 'store') : ({ kind: 'missing' } as const);
            if (store.kind === 'missing') context.report({ node: call, messageId: 'fastifyNoStore' });
          }
        }
      },
      NewExpression(node: ts.NewExpression) {
        // new session.MemoryStore() / new MemoryStore() from express-session: judged at the end of
        // the file, once every assignment of the variable it goes into is known.
        if (isMemoryStoreClass(node.expression, helpers)) memoryStores.push({ node, ...storeChoice(node, helpers) });
      },
      BinaryExpression(node: ts.BinaryExpression) {
        if (!isAssignment(node)) return;
        const left = unwrap(node.left);
        const decl = ts.isIdentifier(left) ? helpers.declarationOf(left) : undefined;
        if (!decl || !ts.isVariableDeclaration(decl)) return;
        const list = assigned.get(decl);
        if (list) list.push(node.right);
        else assigned.set(decl, [node.right]);
      },
      'SourceFile:exit'() {
        for (const { node, top, values, decl } of memoryStores) {
          const others = decl ? (assigned.get(decl) ?? []).filter((right) => right !== top).flatMap(alternatives) : [];
          if (![...values, ...others].some((v) => isAnotherStore(v, helpers))) context.report({ node, messageId: 'memoryStore' });
        }
      },
    };
  },
});
