// no-module-state-in-handler: a module-level mutable container (a `Map`, `Set`, array or object
// literal, or a `let`) — or the same container held by a singleton service — that request handling
// writes to. That is the in-memory user store, session table or job list: it lives in one process,
// so it is lost on every restart and deploy, and with two instances behind a load balancer each
// answers from its own copy. Containers only written at start-up, read-through caches named as
// such, `WeakMap`s and objects that are not containers (metrics registries, LRU caches) are fine, and
// so is a `let` set once on first use from nothing the request brings (`if (!encryptor) encryptor =
// new Encryptor(config)`, `client ??= createClient(options)`): a lazily built singleton.
import { ts } from '../src/core/typescript.js';
import { handlerModelOf, hasDecorator } from '../src/core/handlers.js';
import type { Helpers } from '../src/core/helpers.js';
import { isNullishLiteral, unwrap } from '../src/core/references.js';
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
      'provider, which is one object per process. A `let` set once on first use from nothing the request brings ' +
      '(`if (!encryptor) encryptor = new Encryptor(config)`, `client ??= createClient(options)`) is a lazily built singleton ' +
      'and is not flagged.',
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
      ],
    },
  },
  create(context) {
    const { helpers } = context;
    const { roles } = context.file;
    if (roles.has('test') || roles.has('cli') || roles.has('browser')) return {};
    const model = () => handlerModelOf(context);
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

    /** `x` tested for being unset: `!x`, `x == null`, `x === undefined`, `typeof x === 'undefined'`. */
    const testsUnset = (cond: ts.Expression, decl: ts.Node): boolean => {
      const c = unwrap(cond);
      const isIt = (e: ts.Expression) => {
        const v = unwrap(e);
        return ts.isIdentifier(v) && helpers.declarationOf(v) === decl;
      };
      if (ts.isPrefixUnaryExpression(c) && c.operator === ts.SyntaxKind.ExclamationToken) return isIt(c.operand);
      if (!ts.isBinaryExpression(c) || ![ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.EqualsEqualsEqualsToken].includes(c.operatorToken.kind)) return false;
      const unset = (e: ts.Expression) => {
        const v = unwrap(e);
        return isNullishLiteral(v) || (ts.isStringLiteral(v) && v.text === 'undefined');
      };
      const typeOf = (e: ts.Expression) => {
        const v = unwrap(e);
        return ts.isTypeOfExpression(v) && isIt(v.expression);
      };
      return (isIt(c.left) && unset(c.right)) || (isIt(c.right) && unset(c.left)) || (typeOf(c.left) && unset(c.right)) || (typeOf(c.right) && unset(c.left));
    };
    /**
     * The value reads what a request may bring: a parameter (destructured too) of a function around
     * `at`, or a local of one whose initializer does (`const u = req.user`), or a local without one.
     * Module-level names and the value's own nested functions' names do not count.
     */
    const readsParameters = (value: ts.Expression, at: ts.Node): boolean => {
      const around: ts.Node[] = [];
      for (let n = at.parent; n; n = n.parent) if (ts.isFunctionLike(n)) around.push(n);
      const seen = new Set<ts.Node>();
      const reads = (expr: ts.Node): boolean => {
        let found = false;
        const visit = (n: ts.Node): void => {
          if (found) return;
          if (ts.isIdentifier(n)) {
            const d = helpers.declarationOf(n);
            const own = d && d.pos >= expr.pos && d.end <= expr.end;
            if (d && !own && !seen.has(d) && around.some((f) => d.pos >= f.pos && d.end <= f.end)) {
              seen.add(d);
              // A local set from what the function computes: follow its initializer.
              found = ts.isVariableDeclaration(d) && d.initializer && ts.isIdentifier(d.name) ? reads(d.initializer) : true;
            }
          }
          ts.forEachChild(n, visit);
        };
        visit(expr);
        return found;
      };
      return reads(value);
    };
    /**
     * A lazily built singleton: `x ??= value` / `x ||= value`, or `x = value` in the then-branch of an
     * `if` that tests `x` unset; and the value reads no parameter of the functions around it (a
     * `currentUser = req.user` on first use keeps the first request's user: still flagged).
     */
    const lazyInit = (assignment: ts.BinaryExpression, target: ts.Identifier): boolean => {
      const decl = helpers.declarationOf(target);
      if (!decl || readsParameters(assignment.right, assignment)) return false;
      const op = assignment.operatorToken.kind;
      if (op === ts.SyntaxKind.QuestionQuestionEqualsToken || op === ts.SyntaxKind.BarBarEqualsToken) return true;
      if (op !== ts.SyntaxKind.EqualsToken) return false;
      for (let child: ts.Node = assignment, n = assignment.parent; n && !ts.isFunctionLike(n); child = n, n = n.parent) {
        if (ts.isIfStatement(n)) return child === n.thenStatement && testsUnset(n.expression, decl);
      }
      return false;
    };

    const assignmentTarget = (left: ts.Expression, at: ts.Node) => {
      const l = unwrap(left);
      // orders[id] = order; settings.mode = 'x'
      if (ts.isElementAccessExpression(l) || ts.isPropertyAccessExpression(l)) {
        const c = containerOf(l.expression);
        if (c && c.kind !== 'let') report(c, at, 'assign');
        return;
      }
      // requestCount = requestCount + 1 (a module-level let)
      if (ts.isIdentifier(l)) {
        const c = containerOf(l);
        if (c?.kind === 'let' && !(ts.isBinaryExpression(at) && lazyInit(at, l))) report(c, at);
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
