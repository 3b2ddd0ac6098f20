// no-console-log: `console.log/info/warn/error/debug/trace` in server code. In production those
// lines are unlevelled, unstructured text without request context: nobody can filter, alert on
// or correlate them, and synchronous writes to a piped stdout can stall the event loop.
import { ts } from '../src/core/typescript.js';
import { defineFileRule } from '../src/core/rule.js';
import { consoleCall, CONSOLE_LOG_METHODS, isInsideLoggerImplementation, isLoggerAdapterCall, isLoggerCall, isLoggerModulePath } from '../src/core/matchers.js';

interface Options extends Record<string, unknown> {
  /** console methods that are allowed (like ESLint's no-console `allow`). */
  allow: string[];
}

export default defineFileRule<Options>({
  id: 'no-console-log',
  category: 'observability',
  severity: 'medium',
  recommended: true,
  defaultOptions: { allow: [] },
  optionsSchema: {
    type: 'object',
    properties: { allow: { description: 'console methods to allow, e.g. `["warn", "error"]` (like ESLint `no-console`)', type: 'array', items: { type: 'string', enum: [...CONSOLE_LOG_METHODS] }, uniqueItems: true } },
    additionalProperties: false,
  },
  messages: {
    console: '`console.{{method}}` in server code: log through the structured logger (pino, winston) so the line has a level and fields',
  },
  docs: {
    description: 'Disallow `console.log` and friends in server code; use a structured logger.',
    why:
      'In production, `console.*` writes unlevelled, unstructured text with no request context: it cannot be filtered by level, ' +
      'searched by field or correlated with a request, and writing to a piped stdout is synchronous, so a burst of logs ' +
      'stalls the event loop. A structured logger (pino, winston, bunyan) writes JSON lines with a level, a timestamp and fields. ' +
      'Not flagged: tests, CLI scripts, build configs, browser code, and the project\'s own logger, whose console calls are its output: ' +
      'a `logger`/`logging` module, a `log`/`info`/`warn`/… member whose body is the console call, or a class or object literal with ' +
      'public methods for two or more levels (`trace`, `debug`, `verbose`, `info`, `warn`, `error`, `fatal`, `silly`) that write through ' +
      'console or a logger: those methods and the members they call on `this`. ' +
      'A level must be a method\'s exact name: `handleError`, `logInfo`, a `log` helper, an `error` field or private `info`/`warn` ' +
      'helpers, a status `info()` or an `error(id)` that writes a row do not make a service class a logger, and its other methods ' +
      'are judged as usual.',
    fix: 'Import the project logger and log with a level and fields: `logger.info({ orderId }, \'order created\')`.',
    sites: 'log calls (console and logger)',
    examples: {
      invalid: [
        {
          filename: 'src/services/orders.service.ts',
          code: "export async function createOrder(input: { sku: string }) {\n  console.log('creating order', input.sku);\n}\n",
        },
      ],
      valid: [
        {
          filename: 'src/services/orders.service.ts',
          code:
            "import { logger } from '../lib/logger';\n\n" +
            "export async function createOrder(input: { sku: string }) {\n  logger.info({ sku: input.sku }, 'creating order');\n}\n",
        },
        { filename: 'scripts/seed.ts', code: "console.log('seeded 20 products');\n" },
        { filename: 'src/orders.test.ts', code: "console.log('debugging a test');\n" },
        {
          filename: 'src/utils/console-log.ts',
          code:
            "// The service's logger: modules log through `new ConsoleLog('orders')`, never console.\n" +
            'export default class ConsoleLog {\n  constructor(readonly prefix = \'\') {}\n\n' +
            '  plain = (...args: unknown[]) => {\n    console.log(this.prefix, ...args);\n  };\n\n' +
            "  info = (...args: unknown[]) => this.plain('info', ...args);\n\n" +
            "  fatal = (...args: unknown[]): never => {\n    console.error(this.prefix, 'fatal', ...args);\n    process.exit(1);\n  };\n}\n",
        },
      ],
    },
  },
  create(context) {
    const { roles, relPath } = context.file;
    // Only server code: tests, CLI scripts, build configs and browser code may print.
    if (!roles.has('server') || isLoggerModulePath(relPath)) return {};
    const allow = new Set(context.options.allow);
    return {
      CallExpression(call: ts.CallExpression) {
        const method = consoleCall(call, context.helpers);
        if (method !== undefined && CONSOLE_LOG_METHODS.has(method) && !isLoggerAdapterCall(call) && !isInsideLoggerImplementation(call)) {
          context.countSite(call);
          if (!allow.has(method)) context.report({ node: call, messageId: 'console', data: { method } });
        } else if (isLoggerCall(call)) {
          context.countSite(call);
        }
      },
    };
  },
});
