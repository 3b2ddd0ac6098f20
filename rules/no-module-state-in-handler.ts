// no-module-state-in-handler: a module-level mutable container (a `Map`, `Set`, array or object
// literal, or a `let`) — or the same container held by a singleton service — that request handling
// writes to. That is the in-memory user store, session table or job list: it lives in one process,
// so it is lost on every restart and deploy, and with two instances behind a load balancer each
// answers from its own copy. Containers only written at start-up, read-through caches named as
// such, `WeakMap`s and objects that are not containers (metrics registries, LRU caches) are fine, and
// so is a lazily built singleton: a `let`, or a constant-named property of a module-level memo object
// (`_cache.redis`), set on first use from nothing the request brings and nothing random (the shapes
// are in src/core/lazy-init.ts: `if (!x) x = …`, `x ??= …`, `if (x) return x; … x = …`).
import { ts } from '../src/core/typescript.js';
import { handlerModelOf, hasDecorator } from '../src/core/handlers.js';
import type { Helpers } from '../src/core/helpers.js';
import { isLazyInitWrite } from '../src/core/lazy-init.js';
import { unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';

type ContainerKind = 'Map' | 'Set' | 'array' | 'object' | 'let';

interface Container {
  name: string;
  kind: ContainerKind;
  declaration: ts.Node;
  line: number;
}

const MUTATORS = new Map<string, ReadonlySet<ContainerKind>>([
  ['set', new Set(['Map'])],
  ['add', new Set(['Set'])],
  ['delete', new Set(['Map', 'Set'])],
  ['clear', new Set(['Map', 'Set'])],
  ['push', new Set(['array'])],
  ['unshift', new Set(['array'])],
  ['splice', new Set(['array'])],
  ['pop', new Set(['array'])],
  ['shift', new Set(['array'])],
]);
const CACHE_NAME = /cache|memo/i;
const READS = new Set(['get', 'has']);

/** The container an initializer creates, if it is one. */
function containerKind(init: ts.Expression | undefined, helpers: Helpers): ContainerKind | undefined {
  if (!init) return undefined;
  const e = unwrap(init);
  if (ts.isArrayLiteralExpression(e)) return 'array';
  if (ts.isObjectLiteralExpression(e)) return 'object';
  if (ts.isNewExpression(e)) {
    const ref = helpers.referenceOf(e.expression);
    if (ref?.kind === 'global' && ref.path.length === 0 && (ref.name === 'Map' || ref.name === 'Set')) return ref.name;
  }
  return undefined;
}

/** A class whose one instance serves every request: a NestJS provider, or one `new`ed at module level. */
function isSingletonClass(cls: ts.ClassDeclaration, helpers: Helpers, instantiated: ReadonlySet<string>): boolean {
  if (cls.name && instantiated.has(cls.name.text)) return true;
  return hasDecorator(cls, helpers, '@nestjs/common', 'Injectable');
}

export default defineFileRule({
  id: 'no-module-state-in-handler',
  category: 'scalability',
  severity: 'medium',
  recommended: false,
  defaultOptions: {},
  messages: {
    written:
      '`{{name}}` ({{what}}, line {{line}}) is written during request handling: that state lives in one process\'s memory, is lost on restart and differs between instances — keep it in Redis or the database',
  },
  docs: {
    description: 'Disallow request handlers writing to module-level or singleton in-memory state.',
    why:
      'A `Map` of users, an array of orders or a `let` counter at module level lives in one Node process. Every restart and ' +
      'deploy empties it, and once a second instance runs behind the load balancer, each request sees whichever copy its ' +
      'instance holds: a user created on one instance is missing on the other. The same holds for a field of a NestJS ' +
      'provider, which is one object per process. A lazily built singleton is not flagged: a module-level `let`, or a ' +
      'property of a module-level memo object (`_cache.redis`), written only while it is unset (`if (!encryptor) encryptor = ' +
      'new Encryptor(config)`, `client ??= createClient(options)`, `if (_cache.redis) return _cache.redis;` before ' +
      '`_cache.redis = createRedis()`, also with the unset test as one operand of `&&`), from nothing the request brings. It ' +
      'stays flagged when the value reads a parameter, `this` or the request context (the first request\'s data kept for ' +
      'everyone), when it is random (`nanoid()`, `randomBytes`: each instance makes its own secret), and when the memo is ' +
      'keyed (`cache[userId]`), when the code that builds it reads the request (an interceptor set up beside the write), ' +
      'and when an empty container created lazily (`new Map()`, `[]`, `{}`) is handed out (returned from the getter, aliased ' +
      'to a local): whoever gets it may fill it per request (`sessions().set(req.body.sid, …)`).',
    fix:
      'Keep shared state in a store every instance reaches: Redis for sessions, counters and short-lived data, the database ' +
      'for records. A cache of data derived from the database is fine when it is named as a cache and read through.',
    sites: 'module-level mutable containers',
    examples: {
      invalid: [
        {
          filename: 'src/routes/carts.ts',
          code:
            "import { Router } from 'express';\n\nconst carts = new Map<string, string[]>();\nexport const cartsRouter = Router();\n\n" +
            "cartsRouter.post('/:userId/items', (req, res) => {\n  const items = carts.get(req.params.userId) ?? [];\n  items.push(req.body.sku);\n  carts.set(req.params.userId, items);\n  res.status(201).json(items);\n});\n",
        },
      ],
      valid: [
        {
          filename: 'src/routes/carts.ts',
          code:
            "import { Router } from 'express';\nimport { redis } from '../redis';\n\nexport const cartsRouter = Router();\n\n" +
            "cartsRouter.post('/:userId/items', async (req, res) => {\n  await redis.rpush(`cart:${req.params.userId}`, req.body.sku);\n  res.status(201).end();\n});\n",
        },
        {
          filename: 'src/routes/articles.ts',
          code:
            "import { Router } from 'express';\nimport { Redis } from 'ioredis';\n\n// Built by the first request, then shared: a lazily built client, not per-request state.\n" +
            "const _cache: { redis: Redis | undefined } = { redis: undefined };\n\n" +
            "export const useRedis = () => {\n  if (_cache.redis) return _cache.redis;\n  _cache.redis = new Redis(process.env.REDIS_URL ?? 'redis://localhost:6379');\n  return _cache.redis;\n};\n\n" +
            "export const articlesRouter = Router();\n\narticlesRouter.post('/:id/views', async (req, res) => {\n  res.json({ views: await useRedis().incr(`views:${req.params.id}`) });\n});\n",
        },
      ],
    },
  },
  create(context) {
    const { helpers } = context;
    const { roles } = context.file;
    if (roles.has('test') || roles.has('cli') || roles.has('browser')) return {};
    const model = () => handlerModelOf(context);
    /** A module `let` reassigned only outside request context (a start-up setter) is configuration, not request data. */
    const inRequest = (n: ts.Node) => !!model().requestContext(n);
    const sf = context.file.sourceFile;
    const line = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
    /** Module-level containers by declaration; singleton fields by `Class.field`. */
    const containers = new Map<ts.Node, Container>();
    const fields = new Map<string, Container>();
    const reported = new Set<Container>();

    const report = (container: Container | undefined, at: ts.Node, via?: string) => {
      if (!container || reported.has(container)) return;
      const ctx = model().requestContext(at);
      if (!ctx) return;
      // A read-through cache: named as a cache, and read in the same function before it is filled.
      if (CACHE_NAME.test(container.name) && via !== undefined && readsInFunction(ctx.fn, container)) return;
      reported.add(container);
      const what = container.kind === 'let' ? 'a module-level `let`' : container.declaration.kind === ts.SyntaxKind.PropertyDeclaration ? `${article(label(container.kind))} field of a singleton` : `a module-level ${label(container.kind)}`;
      context.report({ node: at, messageId: 'written', data: { name: container.name, what, line: container.line } });
    };

    /** The container an expression names: `orders`, `this.orders`. */
    const containerOf = (expr: ts.Expression): Container | undefined => {
      const e = unwrap(expr);
      if (ts.isIdentifier(e)) {
        const decl = helpers.declarationOf(e);
        return decl ? containers.get(decl) : undefined;
      }
      if (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword) {
        const cls = enclosingClassName(e);
        return cls ? fields.get(`${cls}.${e.name.text}`) : undefined;
      }
      return undefined;
    };

    /** `orders.get(id)` / `cache.has(k)` in the same function, for the read-through exemption. */
    const readsInFunction = (fn: ts.Node, container: Container): boolean => {
      let reads = false;
      const visit = (n: ts.Node): void => {
        if (reads) return;
        if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && READS.has(n.expression.name.text) && containerOf(n.expression.expression) === container) reads = true;
        else ts.forEachChild(n, visit);
      };
      visit(fn);
      return reads;
    };

    const assignmentTarget = (left: ts.Expression, at: ts.Node) => {
      const l = unwrap(left);
      // orders[id] = order; settings.mode = 'x'
      if (ts.isElementAccessExpression(l) || ts.isPropertyAccessExpression(l)) {
        const c = containerOf(l.expression);
        // _cache.redis = createRedis() after `if (_cache.redis) return _cache.redis;`: a memo filled once
        if (c && c.kind !== 'let' && !(ts.isBinaryExpression(at) && isLazyInitWrite(at, helpers, inRequest))) report(c, at, 'assign');
        return;
      }
      // requestCount = requestCount + 1 (a module-level let)
      if (ts.isIdentifier(l)) {
        const c = containerOf(l);
        if (c?.kind === 'let' && !(ts.isBinaryExpression(at) && isLazyInitWrite(at, helpers, inRequest))) report(c, at);
      }
    };

    return {
      SourceFile(node: ts.SourceFile) {
        const instantiated = moduleLevelInstances(node);
        for (const s of node.statements) {
          if (ts.isVariableStatement(s)) {
            const isLet = (s.declarationList.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) !== ts.NodeFlags.Const;
            for (const d of s.declarationList.declarations) {
              if (!ts.isIdentifier(d.name)) continue;
              const kind = containerKind(d.initializer, helpers) ?? (isLet ? 'let' : undefined);
              if (!kind) continue;
              const c: Container = { name: d.name.text, kind, declaration: d, line: line(d) };
              containers.set(d, c);
              context.countSite(d);
            }
          } else if (ts.isClassDeclaration(s) && s.name && isSingletonClass(s, helpers, instantiated)) {
            for (const m of s.members) {
              if (!ts.isPropertyDeclaration(m) || !ts.isIdentifier(m.name) || ts.getModifiers(m)?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword)) continue;
              const kind = containerKind(m.initializer, helpers);
              if (!kind) continue;
              const c: Container = { name: `this.${m.name.text}`, kind, declaration: m, line: line(m) };
              fields.set(`${s.name.text}.${m.name.text}`, c);
              context.countSite(m);
            }
          }
        }
      },
      CallExpression(call: ts.CallExpression) {
        const callee = unwrap(call.expression);
        if (!ts.isPropertyAccessExpression(callee)) return;
        const kinds = MUTATORS.get(callee.name.text);
        if (!kinds) return;
        const c = containerOf(callee.expression);
        if (c && kinds.has(c.kind)) report(c, call, callee.name.text);
      },
      BinaryExpression(node: ts.BinaryExpression) {
        const op = node.operatorToken.kind;
        if (op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment) assignmentTarget(node.left, node);
      },
      PrefixUnaryExpression(node: ts.PrefixUnaryExpression) {
        if (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken) assignmentTarget(node.operand, node);
      },
      PostfixUnaryExpression(node: ts.PostfixUnaryExpression) {
        assignmentTarget(node.operand, node);
      },
      DeleteExpression(node: ts.DeleteExpression) {
        assignmentTarget(node.expression, node);
      },
    };
  },
});

/** Classes `new`ed at module level: `export const ordersService = new OrdersService()`, `module.exports = new Cache()`. */
function moduleLevelInstances(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const note = (e: ts.Expression | undefined) => {
    const v = e && unwrap(e);
    if (v && ts.isNewExpression(v) && ts.isIdentifier(v.expression)) names.add(v.expression.text);
  };
  for (const s of sf.statements) {
    if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) note(d.initializer);
    else if (ts.isExportAssignment(s)) note(s.expression);
    else if (ts.isExpressionStatement(s) && ts.isBinaryExpression(s.expression) && s.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) note(s.expression.right);
  }
  return names;
}

function article(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

function label(kind: ContainerKind): string {
  return kind === 'array' ? 'array' : kind === 'object' ? 'object literal' : kind;
}

function enclosingClassName(node: ts.Node): string | undefined {
  for (let n = node.parent; n; n = n.parent) if (ts.isClassDeclaration(n)) return n.name?.text;
  return undefined;
}
