// no-db-in-handler: a route handler that queries the database itself (a Prisma client, a Mongoose
// or Sequelize model, a TypeORM repository or manager, knex, a pg/mysql2 pool) instead of calling
// a service or repository. Queries in handlers get copied from route to route, so a fix to one
// (a tenant filter, a soft-delete condition, a transaction) misses the others, and the logic can
// only be tested through HTTP. In a service that has grown past a handful of routes, that is how
// data leaks between tenants and writes half-happen.
//
// Applies to packages with at least `minRouteHandlers` route registrations (10 by default; see
// `ProjectFacts.routeCount`): a small service without layers is fine. A route handler is the last
// handler of a registration, a Fastify `handler`, a decorated controller method, or a function of
// another file registered as one (`router.get('/', orders.list)`); middlewares before it (an auth
// check that loads the user) are not judged. One finding per handler, at its first database call.
import { ts } from '../src/core/typescript.js';
import { isDbCall } from '../src/core/db.js';
import { handlerModelOf, seededFunctions } from '../src/core/handlers.js';
import { functionName } from '../src/core/names.js';
import type { FunctionNode } from '../src/core/promises.js';
import { unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';

/** `prisma.user.findMany`, `User.findById`, `this.orders.save`, `db`: the callee as written, shortened. */
function calleeText(call: ts.CallExpression): string {
  const text = unwrap(call.expression).getText().replace(/\s+/g, '');
  return text.length > 48 ? `…${text.slice(-47)}` : text;
}

export default defineFileRule({
  id: 'no-db-in-handler',
  category: 'architecture',
  severity: 'low',
  recommended: false,
  defaultOptions: { minRouteHandlers: 10 },
  optionsSchema: {
    type: 'object',
    properties: { minRouteHandlers: { type: 'integer', minimum: 0 } },
    additionalProperties: false,
  },
  messages: {
    direct:
      'Route handler {{handler}} queries the database itself (`{{call}}`): move the query into a service or repository function ' +
      'and call that, so every route shares one tested version of it',
  },
  docs: {
    description: 'Disallow database queries written directly in route handlers of services with ten or more routes.',
    why:
      'A query written inside a route handler is copied to the next route that needs the same data, and each copy drifts: ' +
      'one gets the tenant filter, the soft-delete condition or the transaction and the others do not, which is how data ' +
      'leaks between customers and writes half-happen. The rule only applies once a service has enough routes (ten by ' +
      'default) for that to happen; a small service without layers is fine.',
    fix:
      'Move the query into a service or repository module (`ordersRepository.findByCustomer(id)`) and call it from the ' +
      'handler; the handler keeps the HTTP concerns (parsing, status codes), the service the data access.',
    sites: 'route handlers',
    examples: {
      invalid: [
        {
          filename: 'src/orders/orders.router.ts',
          code:
            "import { Router } from 'express';\nimport { PrismaClient } from '@prisma/client';\n\nconst prisma = new PrismaClient();\nexport const router = Router();\n\n" +
            "router.get('/orders', async (req, res) => {\n  res.json(await prisma.order.findMany({ where: { customerId: req.query.customer as string } }));\n});\n" +
            ['/carts', '/customers', '/invoices', '/payments', '/products', '/refunds', '/shipments', '/stock', '/vouchers']
              .map((p) => `router.get('${p}', (_req, res) => res.json([]));\n`)
              .join(''),
        },
      ],
      valid: [
        {
          filename: 'src/orders/orders.router.ts',
          code:
            "import { Router } from 'express';\nimport { ordersService } from './orders.service';\n\nexport const router = Router();\n\n" +
            "router.get('/orders', async (req, res) => {\n  res.json(await ordersService.listForCustomer(req.query.customer as string));\n});\n" +
            ['/carts', '/customers', '/invoices', '/payments', '/products', '/refunds', '/shipments', '/stock', '/vouchers']
              .map((p) => `router.get('${p}', (_req, res) => res.json([]));\n`)
              .join(''),
        },
      ],
    },
  },
  create(context) {
    const roles = context.file.roles;
    if (roles.has('test') || roles.has('cli') || roles.has('browser')) return {};
    const { project, helpers } = context;
    if (project.routeCount(context.file.path) < context.options.minRouteHandlers) return {};
    const routeHandlers = new Set<FunctionNode>();
    const reported = new Set<FunctionNode>();
    return {
      SourceFile(sf) {
        const model = handlerModelOf(context);
        for (const h of model.handlers) if (model.isRouteHandler(h.fn)) routeHandlers.add(h.fn);
        for (const fn of seededFunctions(sf, project.routeHandlerExports(context.file.path), helpers)) routeHandlers.add(fn);
        for (const fn of routeHandlers) context.countSite(fn);
      },
      CallExpression(call) {
        if (routeHandlers.size === 0) return;
        const inside = handlerModelOf(context).requestContext(call);
        if (!inside || !routeHandlers.has(inside.fn) || reported.has(inside.fn) || !isDbCall(call, helpers)) return;
        reported.add(inside.fn);
        const name = functionName(inside.fn);
        context.report({ node: call, messageId: 'direct', data: { handler: name ? `\`${name}\`` : 'this', call: calleeText(call) } });
      },
    };
  },
});
