// require-structured-logger: a service that logs through `console` and has no structured logger
// at all (no pino, winston, bunyan, log4js, no Fastify built-in logger, no JSON ConsoleLogger or
// subclass of it that passes `json` to `super`).
// In production its output is free text without levels or fields: nobody can filter errors, alert
// on a field or follow one request across lines, and the fix is a dependency and a logger module,
// not a line edit, so it is judged once per service, at the entry point that starts it.
import { defineProjectRule } from '../src/core/rule.js';
import { isLoggerModulePath } from '../src/core/matchers.js';
import type { ProjectFacts } from '../src/project/facts.js';
import { packagesInUse, projectService, relativePath, type Service } from '../src/project/services.js';

/** Packages that write levelled, structured (JSON) log lines, and their framework bindings. */
const LOGGER_PACKAGES = [
  'pino', 'winston', 'bunyan', 'log4js', '@opentelemetry/api-logs', 'tslog', 'roarr', '@aws-lambda-powertools/logger',
  'nestjs-pino', 'pino-http', 'hapi-pino', 'koa-pino-logger', 'express-pino-logger', 'nest-winston', 'express-winston',
  '@logtape/logtape', 'loglayer',
];

/** An organisation's own logger package (`@acme/logger`, `@shop/logging`): it wraps one of the above. */
const SCOPED_LOGGER = /^@[^/]+\/(.*[-_.])?(logger|logging|loggers|logs?)([-_.].*)?$/;

function usesLoggerPackage(facts: ProjectFacts): boolean {
  for (const name of packagesInUse(facts)) if (LOGGER_PACKAGES.includes(name) || SCOPED_LOGGER.test(name)) return true;
  return false;
}

/** Files whose console calls are the service logging: loaded by a service, not tests, browser code or a logger module. */
function consoleCallsOf(facts: ProjectFacts, service: Service): number {
  let count = 0;
  for (const file of service.files) {
    const roles = facts.roles(file);
    if (roles.has('test') || roles.has('browser') || isLoggerModulePath(relativePath(facts, file))) continue;
    count += facts.modules.get(file)?.evidence.observability.consoleCalls ?? 0;
  }
  return count;
}

/** Fastify's built-in logger or NestJS's JSON ConsoleLogger is switched on somewhere outside the tests. */
function hasBuiltInLogger(facts: ProjectFacts): boolean {
  for (const [file, m] of facts.modules) if (m.evidence.observability.builtInLogger && !facts.roles(file).has('test')) return true;
  return false;
}

export default defineProjectRule({
  id: 'require-structured-logger',
  category: 'observability',
  severity: 'medium',
  recommended: true,
  defaultOptions: {},
  messages: {
    missing:
      'The service started in {{entry}} logs through `console` ({{calls}}) and has no structured logger: add pino or winston (or Fastify\'s `logger: true`) and log JSON lines with a level and fields',
  },
  docs: {
    description: 'Require a structured logger in a service that logs through `console`.',
    why:
      'A service that only has `console.log` writes free text: no level to filter errors by, no fields to search or alert on, ' +
      'no request id to follow one request across lines, and no way to turn debug output off in production. ' +
      'Log platforms (CloudWatch, Datadog, Loki, Elastic) index JSON lines; a structured logger such as pino or winston writes them, ' +
      'and Fastify ships one (`logger: true`), NestJS too (`new ConsoleLogger({ json: true })`, or a subclass whose constructor passes ' +
      '`json` to `super`). Libraries and CLIs are not judged: only packages that start a server.',
    fix:
      'Add a logger module (`export const logger = pino({ level: process.env.LOG_LEVEL ?? \'info\' })`) and log through it with fields: ' +
      '`logger.info({ orderId }, \'order created\')`. On Fastify, pass `logger: true` (or options) and use `request.log`/`app.log`.',
    sites: 'services (packages that start a server)',
    examples: {
      invalid: [
        {
          filename: 'src/server.ts',
          code:
            "import express from 'express';\nimport { ordersRouter } from './orders/orders.router';\n\n" +
            "const app = express();\napp.use('/orders', ordersRouter);\n\n" +
            "app.listen(3000, () => console.log('orders service listening on 3000'));\n",
        },
      ],
      valid: [
        {
          filename: 'src/server.ts',
          code:
            "import express from 'express';\nimport pino from 'pino';\n\nconst logger = pino();\nconst app = express();\n\n" +
            "app.listen(3000, () => logger.info({ port: 3000 }, 'orders service listening'));\n",
        },
        {
          filename: 'src/server.ts',
          code: "import Fastify from 'fastify';\n\nconst app = Fastify({ logger: true });\n\nawait app.listen({ port: 3000 });\nconsole.log('orders service started');\n",
        },
      ],
    },
  },
  check(ctx) {
    const { facts } = ctx;
    const service = projectService(facts);
    if (!service) return;
    ctx.countSite();
    if (usesLoggerPackage(facts) || hasBuiltInLogger(facts)) return;
    const count = consoleCallsOf(facts, service);
    if (count === 0) return;
    ctx.report({ file: service.relPath, line: service.line, column: service.column, messageId: 'missing', data: { entry: service.relPath, calls: count === 1 ? '1 call' : `${count} calls` } });
  },
});
