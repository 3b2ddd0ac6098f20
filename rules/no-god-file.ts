// no-god-file: the monolithic `app.js` — one file that registers a whole API's routes, or a long
// file that registers routes and queries the database itself. Every change to any endpoint
// touches it, so reviews cover unrelated code, merge conflicts pile up, and a mistake in one
// route's set-up (an error handler registered too early, a middleware applied to everything)
// takes the whole service down. Nothing in it can be tested without the rest.
//
// Route registrations are counted by the request-handler model (Express, Fastify, Koa, Hono,
// node:http, NestJS and routing-controllers route decorators): more than `maxRoutes` (25) is one
// finding; more than `maxLines` (600) lines with both route registrations and database calls (see
// ../src/core/db.ts) is the other. A finding about the whole file points at line 1.
import { isDbCall } from '../src/core/db.js';
import { handlerModelOf } from '../src/core/handlers.js';
import { defineFileRule } from '../src/core/rule.js';

export default defineFileRule({
  id: 'no-god-file',
  category: 'architecture',
  severity: 'medium',
  recommended: true,
  defaultOptions: { maxRoutes: 25, maxLines: 600 },
  optionsSchema: {
    type: 'object',
    properties: { maxRoutes: { type: 'integer', minimum: 1 }, maxLines: { type: 'integer', minimum: 1 } },
    additionalProperties: false,
  },
  messages: {
    tooManyRoutes:
      'This file registers {{routes}} routes (more than {{max}}): split them into one router or controller per resource ' +
      'and mount those from a small app module',
    mixed:
      'This file is {{lines}} lines long (more than {{max}}) and both registers routes ({{routes}}) and queries the database ' +
      '(first at line {{dbLine}}): move the queries into repository or service modules and the routes into per-resource routers',
  },
  docs: {
    description: 'Disallow files that register a whole API, or that mix route registration with database access at length.',
    why:
      'A single file holding every route (the monolithic `app.js`) or hundreds of lines of routes interleaved with queries ' +
      'is touched by every change: reviews cover unrelated code, merge conflicts pile up, and one mistake in its set-up ' +
      '(an error handler registered too early, a middleware applied to every route) takes the whole service down. Nothing ' +
      'in it can be tested on its own, so it is usually the least tested and most changed file of the service.',
    fix:
      'Give each resource its own router or controller (`orders.router.ts`, `users.router.ts`) and mount them from a small ' +
      'app module; move queries into repository or service modules that the handlers call.',
    sites: 'files that register routes',
    examples: {
      invalid: [
        {
          filename: 'src/app.ts',
          code:
            "import express from 'express';\n\nexport const app = express();\n\n" +
            Array.from({ length: 26 }, (_, i) => `app.get('/api/reports/${i + 1}', (_req, res) => res.json({ report: ${i + 1} }));\n`).join(''),
        },
      ],
      valid: [
        {
          filename: 'src/app.ts',
          code:
            "import express from 'express';\nimport { ordersRouter } from './orders/orders.router';\nimport { usersRouter } from './users/users.router';\n\n" +
            "export const app = express();\napp.use(express.json());\napp.use('/orders', ordersRouter);\napp.use('/users', usersRouter);\n",
        },
      ],
    },
  },
  create(context) {
    const roles = context.file.roles;
    if (roles.has('test') || roles.has('cli') || roles.has('browser')) return {};
    const { helpers } = context;
    const text = context.file.text;
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    let routes = 0;
    let dbLine = 0;
    const long = lines > context.options.maxLines;
    return {
      SourceFile(sf) {
        routes = handlerModelOf(context).routes.length;
        if (routes === 0) return;
        context.countSite(sf);
        if (routes > context.options.maxRoutes) context.report({ range: { start: 0, end: 0 }, messageId: 'tooManyRoutes', data: { routes, max: context.options.maxRoutes } });
      },
      CallExpression(call) {
        if (!long || routes === 0 || routes > context.options.maxRoutes || dbLine > 0 || !isDbCall(call, helpers)) return;
        dbLine = call.getSourceFile().getLineAndCharacterOfPosition(call.getStart()).line + 1;
        context.report({ range: { start: 0, end: 0 }, messageId: 'mixed', data: { lines, max: context.options.maxLines, routes, dbLine } });
      },
    };
  },
});
