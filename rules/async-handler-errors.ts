// async-handler-errors: an `async` route handler or middleware registered on an Express 4 app or
// Router whose rejection nothing catches. Express 4 ignores the promise a handler returns, so a
// failed query or a thrown error never reaches `next(err)` and the error middleware: the client
// waits until its own timeout, and on Node 15+ the unhandled rejection crashes the process,
// dropping every other request in flight. Express 5, `express-async-errors`, a wrapper call
// (`asyncHandler(fn)`) or a try/catch around the whole body are what make such a handler safe.
// The Express major comes from package.json; with no package.json or no `express` entry the rule
// still applies, because it only ever sees receivers created from an `express` import: Express 4,
// the common case, is assumed.
import { ts } from '../src/core/typescript.js';
import { expressMajor, expressRegistration, holdsItsInitializer, type ExpressRegistration } from '../src/core/express.js';
import { hasAsyncKeyword, memberFunction, rejectionGap, type FunctionNode, type RejectionGap } from '../src/core/promises.js';
import type { Helpers } from '../src/core/helpers.js';
import { unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';
import type { Reference, RuleContext } from '../src/core/types.js';
import type { ProjectFacts, ResolvedExport } from '../src/project/facts.js';

/** What a handler argument is: a function in this file, an export of another project file, or a wrapper call. */
type Handler =
  | { kind: 'local'; fn: FunctionNode }
  | { kind: 'imported'; async: boolean; catches: boolean }
  | { kind: 'wrapped'; call: ts.CallExpression };

const MAX_DEPTH = 4;

/** An export of another project file: a function (`path` [name]) or a method of an exported object or class. */
function importedHandler(ref: Reference, method: string | undefined, helpers: Helpers, project: ProjectFacts): Handler | null {
  if (ref.kind !== 'module' || !ref.resolved) return null;
  const path = method === undefined ? ref.path : [...ref.path, method];
  if (path.length > 2) return null;
  const hit: ResolvedExport | undefined = path.length === 0 ? project.lookupExport(ref.resolved, 'default') : helpers.exportOf({ ...ref, path });
  if (!hit) return null;
  const { info } = hit;
  const member = path[1];
  if (member === undefined) return { kind: 'imported', async: info.async, catches: info.catchesAll };
  return { kind: 'imported', async: info.asyncMethods.has(member), catches: info.catchingMethods.has(member) };
}

/** The method `name` of the object or instance a declaration holds (`const c = { async list() {} }`, `new C()`). */
function methodOfValue(decl: ts.Node, name: string, helpers: Helpers, project: ProjectFacts): Handler | null {
  if (ts.isClassDeclaration(decl)) {
    const fn = memberFunction(decl, name);
    return fn ? { kind: 'local', fn } : null;
  }
  if (!ts.isVariableDeclaration(decl) || !decl.initializer) return null;
  const init = unwrap(decl.initializer);
  if (ts.isObjectLiteralExpression(init)) {
    const fn = memberFunction(init, name);
    return fn ? { kind: 'local', fn } : null;
  }
  if (ts.isNewExpression(init) && ts.isIdentifier(init.expression)) {
    const cls = helpers.declarationOf(init.expression);
    if (cls && ts.isClassDeclaration(cls)) return methodOfValue(cls, name, helpers, project);
    const ref = helpers.referenceOf(init.expression);
    return ref ? importedHandler(ref, name, helpers, project) : null;
  }
  return null;
}

function resolveHandler(arg: ts.Expression, helpers: Helpers, project: ProjectFacts, depth = 0): Handler | null {
  const e = unwrap(arg);
  if (depth > MAX_DEPTH) return null;
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return { kind: 'local', fn: e };
  if (ts.isCallExpression(e)) {
    // `controller.list.bind(controller)` is the method itself; any other call wraps the handler.
    const callee = unwrap(e.expression);
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'bind') return resolveHandler(callee.expression, helpers, project, depth + 1);
    return { kind: 'wrapped', call: e };
  }
  if (ts.isIdentifier(e)) {
    const decl = helpers.declarationOf(e);
    if (!decl) return null;
    if (ts.isFunctionDeclaration(decl)) return { kind: 'local', fn: decl };
    if (ts.isVariableDeclaration(decl)) return decl.initializer && holdsItsInitializer(decl, helpers) ? resolveHandler(decl.initializer, helpers, project, depth + 1) : null;
    const ref = helpers.referenceOf(e);
    return ref ? importedHandler(ref, undefined, helpers, project) : null;
  }
  if (ts.isPropertyAccessExpression(e)) {
    if (e.expression.kind === ts.SyntaxKind.ThisKeyword) {
      let cls: ts.Node | undefined = e.parent;
      while (cls && !ts.isClassLike(cls)) cls = cls.parent;
      const fn = cls && ts.isClassLike(cls) ? memberFunction(cls, e.name.text) : undefined;
      return fn ? { kind: 'local', fn } : null;
    }
    const ref = helpers.referenceOf(e);
    if (ref?.kind === 'module') return importedHandler(ref, undefined, helpers, project);
    if (ref?.kind === 'local' && ref.path.length === 1 && ref.path[0] !== undefined) return methodOfValue(ref.declaration, ref.path[0], helpers, project);
  }
  return null;
}

function isAsyncHandler(handler: Handler | null): boolean {
  if (handler?.kind === 'local') return hasAsyncKeyword(handler.fn);
  return handler?.kind === 'imported' && handler.async;
}

/** `GET /orders/:id` for a route, `router.use('/admin')` for middleware. */
function describeRegistration(reg: ExpressRegistration, helpers: Helpers): { messageId: string; data: Record<string, string> } {
  const sf = reg.call.getSourceFile();
  const staticPath = helpers.staticString(reg.path && helpers.valueOf(reg.path));
  const raw = reg.path?.getText(sf);
  const code = raw !== undefined && raw.length <= 40 && !raw.includes('\n') ? raw : undefined;
  if (reg.method === 'use') {
    const mount = staticPath !== undefined ? `'${staticPath}', ` : code !== undefined ? `${code}, ` : '';
    return { messageId: 'middleware', data: { registration: `${reg.receiverName}.use(${mount}…)` } };
  }
  const path = staticPath ?? code;
  return { messageId: 'route', data: { route: path === undefined ? reg.method.toUpperCase() : `${reg.method.toUpperCase()} ${path}` } };
}

const GAPS: Record<RejectionGap | 'imported', string> = {
  'no-try': 'has no try/catch',
  'outside-try': 'awaits or throws outside its try/catch',
  rethrows: 'rethrows from its catch',
  imported: 'does not catch its rejections',
};
const AFTERMATH = 'on Express 4 {{gap}}: a rejection never reaches `next`, the request hangs and the process can crash — wrap it (`asyncHandler(fn)`), catch and call `next(err)`, or upgrade to Express 5';

export default defineFileRule({
  id: 'async-handler-errors',
  category: 'resilience',
  severity: 'critical',
  recommended: true,
  defaultOptions: {},
  messages: {
    route: `async route handler for \`{{route}}\` ${AFTERMATH}`,
    middleware: `async middleware in \`{{registration}}\` ${AFTERMATH}`,
  },
  docs: {
    description: 'Disallow async Express 4 route handlers and middleware whose rejections nothing passes to `next`.',
    why:
      'Express 4 calls a handler and ignores the promise it returns. When an `async` handler rejects — a failed query, a ' +
      'thrown `NotFoundError`, a bug — the error never reaches `next(err)` or the error middleware: no response is sent, ' +
      'the client waits until its own timeout, and on Node 15+ the unhandled rejection terminates the process, taking ' +
      'every other in-flight request with it. Express 5 forwards rejections itself; on Express 4 each async handler ' +
      'must do it.',
    fix:
      'Wrap the handler (`asyncHandler(async (req, res) => …)`, express-async-handler, a `catchAsync` helper), put the ' +
      'whole body in `try { … } catch (err) { next(err) }`, load `express-async-errors` once at start-up, or upgrade to Express 5.',
    sites: 'async handlers registered on Express apps and routers',
    examples: {
      invalid: [
        {
          filename: 'src/routes/orders.routes.ts',
          code:
            "import { Router } from 'express';\nimport { findOrder } from '../services/orders.service';\n\n" +
            'export const ordersRouter = Router();\n\n' +
            "ordersRouter.get('/orders/:id', async (req, res) => {\n  const order = await findOrder(req.params.id);\n  res.json(order);\n});\n",
        },
      ],
      valid: [
        {
          filename: 'src/routes/orders.routes.ts',
          code:
            "import { Router } from 'express';\nimport { asyncHandler } from '../lib/async-handler';\nimport { cancelOrder, findOrder } from '../services/orders.service';\n\n" +
            'export const ordersRouter = Router();\n\n' +
            "ordersRouter.get(\n  '/orders/:id',\n  asyncHandler(async (req, res) => {\n    res.json(await findOrder(req.params.id));\n  }),\n);\n\n" +
            "ordersRouter.delete('/orders/:id', async (req, res, next) => {\n  try {\n    await cancelOrder(req.params.id);\n    res.status(204).end();\n  } catch (err) {\n    next(err);\n  }\n});\n",
        },
      ],
    },
  },
  create(context: RuleContext<Record<string, unknown>>) {
    const { helpers, project } = context;
    if (context.file.roles.has('test') || context.file.roles.has('browser')) return {};
    if (expressMajor(project) >= 5) return {};
    if (project.hasDependency('express-async-errors') || project.importsPackage('express-async-errors')) return {};
    const reported = new Set<ts.Node>();

    const check = (arg: ts.Expression, reg: ExpressRegistration) => {
      const handler = resolveHandler(arg, helpers, project);
      if (!handler) return;
      if (handler.kind === 'wrapped') {
        // A wrapped async handler is a checked place that passes.
        if (handler.call.arguments.some((a) => isAsyncHandler(resolveHandler(a, helpers, project)))) context.countSite(arg);
        return;
      }
      const { messageId, data } = describeRegistration(reg, helpers);
      if (handler.kind === 'imported') {
        if (!handler.async) return;
        context.countSite(arg);
        if (!handler.catches) context.report({ node: arg, messageId, data: { ...data, gap: GAPS.imported } });
        return;
      }
      if (!hasAsyncKeyword(handler.fn)) return;
      context.countSite(arg);
      const gap = rejectionGap(handler.fn);
      if (gap === null || reported.has(handler.fn)) return;
      reported.add(handler.fn);
      context.report({ node: handler.fn, messageId, data: { ...data, gap: GAPS[gap] } });
    };

    return {
      CallExpression(call: ts.CallExpression) {
        const reg = expressRegistration(call, helpers, project);
        if (reg) for (const h of reg.handlers) check(h, reg);
      },
    };
  },
});
