// no-in-memory-rate-limit: rate limiters that count requests in the process's own memory —
// express-rate-limit (and express-slow-down) without a `store`, an explicit `MemoryStore`,
// rate-limiter-flexible's `RateLimiterMemory`, @fastify/rate-limit without `redis` or `store`,
// @nestjs/throttler without `storage`, koa-ratelimit on its `memory` driver. Behind a load
// balancer each of N instances keeps its own counters, so a client gets N times the limit (and a
// fresh allowance after every restart or deploy): the brute-force or abuse protection is not there.
import { ts } from '../src/core/typescript.js';
import type { Helpers, PropertyLookup } from '../src/core/helpers.js';
import { unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';

/** express-rate-limit and express-slow-down: the middleware factory's export names. */
const EXPRESS_LIMITERS: Record<string, readonly string[]> = {
  'express-rate-limit': ['rateLimit'],
  'express-slow-down': ['slowDown'],
};
const FASTIFY_LIMITERS = new Set(['@fastify/rate-limit', 'fastify-rate-limit']);
const FLEXIBLE = 'rate-limiter-flexible';
/** rate-limiter-flexible classes that are not a limiter with its own store. */
const FLEXIBLE_NOT_LIMITERS = new Set(['RateLimiterRes', 'RateLimiterQueue', 'RateLimiterUnion', 'RateLimiterAbstract', 'RateLimiterStoreAbstract', 'RateLimiterQueueError']);
const MISSING: PropertyLookup = { kind: 'missing' };

/** The module and export path a callee reads, with a leading `default` dropped (ESM/CJS interop). */
function packageExport(expr: ts.Expression, helpers: Helpers): { module: string; path: string[] } | undefined {
  const ref = helpers.referenceOf(expr);
  if (ref?.kind !== 'module' || ref.resolved) return undefined;
  return { module: ref.module, path: ref.path[0] === 'default' ? ref.path.slice(1) : ref.path };
}

/** `rateLimit` / `slowDown` under any local name: the package itself or its named export. */
function expressLimiterModule(expr: ts.Expression, helpers: Helpers): string | undefined {
  const hit = packageExport(expr, helpers);
  const names = hit && EXPRESS_LIMITERS[hit.module];
  if (!hit || !names) return undefined;
  return hit.path.length === 0 || (hit.path.length === 1 && names.includes(hit.path[0] ?? '')) ? hit.module : undefined;
}

/** The plugin given to `fastify.register(plugin, …)`: an import, `require('…')` or `import('…')`. */
function fastifyPluginModule(plugin: ts.Expression, helpers: Helpers): string | undefined {
  if (ts.isCallExpression(plugin) && plugin.expression.kind === ts.SyntaxKind.ImportKeyword) {
    const spec = helpers.staticString(plugin.arguments[0]);
    return spec && FASTIFY_LIMITERS.has(spec) ? spec : undefined;
  }
  const hit = packageExport(plugin, helpers);
  return hit && FASTIFY_LIMITERS.has(hit.module) && (hit.path.length === 0 || hit.path[0] === 'fastifyRateLimit') ? hit.module : undefined;
}

/** A rate-limiter-flexible limiter class name (`RateLimiterRedis`, `RateLimiterMemory`, …). */
function flexibleLimiterClass(node: ts.NewExpression, helpers: Helpers): string | undefined {
  const hit = packageExport(node.expression, helpers);
  if (!hit) return undefined;
  // `require('rate-limiter-flexible/lib/RateLimiterMemory')` is the class itself.
  const deep = hit.path.length === 0 && hit.module.startsWith(`${FLEXIBLE}/lib/`) ? hit.module.slice(FLEXIBLE.length + 5) : undefined;
  const name = deep ?? (hit.module === FLEXIBLE && hit.path.length === 1 ? hit.path[0] : undefined);
  return name && name.startsWith('RateLimiter') && !FLEXIBLE_NOT_LIMITERS.has(name) ? name : undefined;
}

const propertyOf = (options: ts.Expression | undefined, name: string, helpers: Helpers) => (options ? helpers.property(options, name) : MISSING);

/** `insuranceLimiter: new RateLimiterMemory(…)`, `insuranceLimiter: fallback` or `{ insuranceLimiter }`: an in-memory fallback for when the store is down. */
function insuranceTarget(node: ts.ObjectLiteralElementLike): ts.Expression | undefined {
  if (!node.name || !ts.isIdentifier(node.name) || node.name.text !== 'insuranceLimiter') return undefined;
  if (ts.isPropertyAssignment(node)) return unwrap(node.initializer);
  return ts.isShorthandPropertyAssignment(node) ? node.name : undefined;
}

export default defineFileRule({
  id: 'no-in-memory-rate-limit',
  category: 'scalability',
  severity: 'medium',
  recommended: true,
  defaultOptions: {},
  messages: {
    expressNoStore:
      '`{{callee}}(…)` from {{module}} has no `store`: hits are counted in this process\'s memory, so with N instances the limit is N times too loose — pass a shared store (rate-limit-redis, rate-limit-postgresql)',
    memoryStore: '`new MemoryStore()` counts hits in this process\'s memory: pass a shared store (rate-limit-redis, rate-limit-postgresql) instead',
    flexibleMemory:
      '`new RateLimiterMemory(…)` counts in this process\'s memory, so with N instances the limit is N times too loose — use RateLimiterRedis (or another store-backed limiter) and keep RateLimiterMemory as its `insuranceLimiter` only',
    fastifyNoStore:
      '{{module}} is registered without `redis` or `store`: hits are counted in this process\'s memory, so with N instances the limit is N times too loose — pass `redis: <ioredis client>` or a shared `store`',
    nestNoStorage:
      '`ThrottlerModule.forRoot(…)` has no `storage`: @nestjs/throttler counts in this process\'s memory, so with N instances the limit is N times too loose — pass a shared `storage` (e.g. a Redis throttler storage)',
    koaMemory: "koa-ratelimit with `driver: 'memory'` counts in this process's memory, so with N instances the limit is N times too loose — use `driver: 'redis'` with a shared client",
  },
  docs: {
    description: 'Disallow rate limiters that count requests in the process\'s own memory.',
    why:
      'express-rate-limit, express-slow-down, @fastify/rate-limit and @nestjs/throttler keep their counters in process memory ' +
      'unless given a store, and rate-limiter-flexible\'s `RateLimiterMemory` always does. Behind a load balancer every ' +
      'instance counts on its own, so a client gets N times the limit with N instances, and every restart or deploy hands ' +
      'out a fresh allowance: the login brute-force or API abuse protection the limiter was added for is not there. ' +
      'A service that will only ever run as one process can disable the rule.',
    fix:
      'Give the limiter a shared store: `rateLimit({ store: new RedisStore({ sendCommand }) , … })`, ' +
      '`new RateLimiterRedis({ storeClient: redis })`, `fastify.register(rateLimit, { redis })`, ' +
      '`ThrottlerModule.forRoot({ throttlers, storage })`.',
    sites: 'rate limiter set-ups',
    examples: {
      invalid: [
        {
          filename: 'src/middlewares/rate-limit.ts',
          code:
            "import rateLimit from 'express-rate-limit';\n\n" +
            'export const loginLimiter = rateLimit({ windowMs: 15 * 60 * 1000, limit: 20, standardHeaders: true });\n',
        },
      ],
      valid: [
        {
          filename: 'src/middlewares/rate-limit.ts',
          code:
            "import rateLimit from 'express-rate-limit';\nimport { RedisStore } from 'rate-limit-redis';\nimport { redis } from '../redis';\n\n" +
            'export const loginLimiter = rateLimit({\n  windowMs: 15 * 60 * 1000,\n  limit: 20,\n' +
            "  store: new RedisStore({ sendCommand: (...args: string[]) => redis.call(args[0]!, ...args.slice(1)) as never, prefix: 'rl:login:' }),\n});\n",
        },
      ],
    },
  },
  create(context) {
    const { helpers } = context;
    if (context.file.roles.has('test') || context.file.roles.has('browser')) return {};
    // Memory limiters are judged at the end of the file: a later `insuranceLimiter: name` makes one a fallback.
    const memoryLimiters: Array<{ node: ts.NewExpression; name: ts.Identifier | undefined }> = [];
    const insurance = new Set<ts.Node>();
    const insuranceNames = new Set<string>();

    /** express-rate-limit / express-slow-down: `rateLimit(options)` (or `new RateLimit(options)` in v5 and older). */
    const checkExpressLimiter = (node: ts.CallExpression | ts.NewExpression): boolean => {
      const module = expressLimiterModule(node.expression, helpers);
      if (!module) return false;
      context.countSite(node);
      if (propertyOf(node.arguments?.[0], 'store', helpers).kind === 'missing') {
        const callee = `${ts.isNewExpression(node) ? 'new ' : ''}${node.expression.getText(context.file.sourceFile)}`;
        context.report({ node, messageId: 'expressNoStore', data: { callee, module } });
      }
      return true;
    };

    const noteInsurance = (literal: ts.ObjectLiteralExpression) => {
      for (const property of literal.properties) {
        const target = insuranceTarget(property);
        if (target) insurance.add(target);
        if (target && ts.isIdentifier(target)) insuranceNames.add(target.text);
      }
    };

    return {
      CallExpression(call: ts.CallExpression) {
        if (checkExpressLimiter(call)) return;
        const callee = call.expression;
        // fastify.register(rateLimit, options)
        if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'register' && call.arguments[0]) {
          const module = fastifyPluginModule(call.arguments[0], helpers);
          if (!module) return;
          context.countSite(call);
          const options = call.arguments[1];
          const redis = propertyOf(options, 'redis', helpers);
          const store = propertyOf(options, 'store', helpers);
          if (redis.kind === 'missing' && store.kind === 'missing') context.report({ node: call, messageId: 'fastifyNoStore', data: { module } });
          return;
        }
        // ThrottlerModule.forRoot([{ ttl, limit }]) / forRoot({ throttlers, storage })
        const target = packageExport(callee, helpers);
        if (target?.module === '@nestjs/throttler' && target.path.join('.') === 'ThrottlerModule.forRoot') {
          context.countSite(call);
          const options = call.arguments[0] && helpers.valueOf(call.arguments[0]);
          const noStorage = !options || ts.isArrayLiteralExpression(options) || helpers.property(options, 'storage').kind === 'missing';
          if (noStorage) context.report({ node: call, messageId: 'nestNoStorage' });
          return;
        }
        // koa-ratelimit({ driver: 'memory', db: new Map() })
        if (target?.module === 'koa-ratelimit' && target.path.length === 0) {
          context.countSite(call);
          const driver = propertyOf(call.arguments[0], 'driver', helpers);
          if (driver.kind === 'found' && helpers.staticString(driver.value) === 'memory') context.report({ node: driver.property, messageId: 'koaMemory' });
        }
      },
      NewExpression(node: ts.NewExpression) {
        if (checkExpressLimiter(node)) return;
        const hit = packageExport(node.expression, helpers);
        if (hit && EXPRESS_LIMITERS[hit.module] && hit.path.length === 1 && hit.path[0] === 'MemoryStore') {
          context.report({ node, messageId: 'memoryStore' });
          return;
        }
        const limiter = flexibleLimiterClass(node, helpers);
        if (limiter === 'RateLimiterMemory') {
          const decl = node.parent;
          memoryLimiters.push({ node, name: ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) ? decl.name : undefined });
        } else if (limiter) {
          context.countSite(node);
        }
      },
      ObjectLiteralExpression: noteInsurance,
      'SourceFile:exit'() {
        for (const { node, name } of memoryLimiters) {
          if (insurance.has(node) || (name && insuranceNames.has(name.text))) continue;
          context.countSite(node);
          context.report({ node, messageId: 'flexibleMemory' });
        }
      },
    };
  },
});
