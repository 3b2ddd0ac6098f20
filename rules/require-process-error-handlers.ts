// require-process-error-handlers: a server whose process installs no `unhandledRejection` and/or
// `uncaughtException` handler, or whose `uncaughtException` handler neither exits nor rethrows.
// Without the handlers a stray rejection or throw kills the process with a bare stack trace on
// stderr, outside the logger, the error tracker and any shutdown; a handler that only logs is
// worse: the process keeps serving requests in a state nobody reasoned about (half-open
// transactions, a poisoned pool, a listener that stopped), which Node's docs call unsafe.
//
// Where handlers count: any file the server's process loads — the entry point's import closure,
// and the closures of the files that import the entry point (`index.ts` installs the handlers,
// then imports `server.ts`, which listens). A handler "exits" when, directly or through the local
// functions it calls, it calls `process.exit`/`abort`/`kill`, rethrows (any `throw`), calls a
// function named like exit/shutdown/terminate/kill/crash, or sets `process.exitCode` and closes
// something (the loop then empties). A handler this pass cannot see into (a parameter,
// `handler.bind(this)`, a package's function) counts as exiting: precision first. Error reporters
// that install both handlers when started count anywhere in the project (`Sentry.init()` from
// @sentry/node, `Bugsnag.start()`, elastic-apm-node's `start()`), and importing
// `make-promises-safe`, `hard-rejection` or `loud-rejection` counts as an `unhandledRejection` handler.
// Not a server entry point: a file whose only `.listen()` takes no arguments and is called on a
// project value (`lifecycleService.listen()` subscribing to an event bus in a service factory), or
// is given a constructed object (ShareDB's `backend.listen(new WebSocketJSONStream(socket))`).
import { defineProjectRule } from '../src/core/rule.js';
import { packageName, type ProjectFacts } from '../src/project/facts.js';
import { processFiles } from '../src/project/graph.js';
import { handlerEffects, processHandlersOf, serverEntries } from '../src/project/lifecycle.js';
import { relativePath } from '../src/project/services.js';

const REJECTION = 'unhandledRejection';
const EXCEPTION = 'uncaughtException';
/** Packages that install an `unhandledRejection` handler when loaded or called. */
const REJECTION_PACKAGES = new Set(['make-promises-safe', 'hard-rejection', 'loud-rejection']);

/**
 * An error reporter started anywhere in the project (`Sentry.init()` often lives in an
 * `instrument.ts` loaded with `node --import`, outside the import graph) installs both handlers.
 */
function startsErrorReporter(facts: ProjectFacts): boolean {
  for (const m of facts.modules.values()) {
    if (m.evidence.processLifecycle.errorReporters.length > 0 && !facts.roles(m.path).has('test')) return true;
  }
  return false;
}

function loadsRejectionPackage(facts: ProjectFacts, entry: string): boolean {
  return [...processFiles(facts, entry)].some((f) => facts.modules.get(f)?.imports.some((i) => !i.resolved && REJECTION_PACKAGES.has(packageName(i.specifier))));
}

export default defineProjectRule({
  id: 'require-process-error-handlers',
  category: 'resilience',
  severity: 'high',
  recommended: true,
  defaultOptions: {},
  messages: {
    missingBoth:
      "This server's process has no `unhandledRejection` or `uncaughtException` handler: a stray rejection or throw kills it outside your logger and error tracker — install both with `process.on(…)`, log the error, close the server and exit",
    missingRejection:
      "This server's process has no `unhandledRejection` handler: a promise rejected without a `.catch` kills it outside your logger and error tracker — install `process.on('unhandledRejection', …)` that logs the error and exits",
    missingException:
      "This server's process has no `uncaughtException` handler: a stray throw in a callback kills it outside your logger and error tracker — install `process.on('uncaughtException', …)` that logs the error and exits",
    continues:
      'The `uncaughtException` handler at {{where}} neither exits nor rethrows: after a stray throw this server keeps serving in an unknown state — log the error, close the server and call `process.exit(1)`',
    missingRejectionAndContinues:
      "This server's process has no `unhandledRejection` handler, and the `uncaughtException` handler at {{where}} neither exits nor rethrows — add the first, and make the second log the error, close the server and call `process.exit(1)`",
  },
  docs: {
    description: 'Require a server process to handle `unhandledRejection` and `uncaughtException`, and to exit after an uncaught exception.',
    why:
      'Since Node 15 an unhandled promise rejection terminates the process, like an uncaught exception: without handlers the ' +
      'crash leaves a bare stack trace on stderr, never reaches the logger or the error tracker, and skips any shutdown. ' +
      'An `uncaughtException` handler that only logs is worse: Node\'s documentation warns that resuming after one is unsafe, ' +
      'and the server goes on answering requests with half-finished state (open transactions, a broken pool, a timer that died). ' +
      'Log the error, stop accepting connections, and exit so the orchestrator starts a clean instance.',
    fix:
      "In the entry point (or a module it imports), add `process.on('unhandledRejection', …)` and `process.on('uncaughtException', …)` handlers that log the error with the logger, close the server and call `process.exit(1)`.",
    sites: 'server entry points',
    examples: {
      invalid: [
        {
          filename: 'src/server.ts',
          code:
            "import express from 'express';\nimport { logger } from './logger';\n\nconst app = express();\n\n" +
            "process.on('uncaughtException', (err) => {\n  logger.error({ err }, 'uncaught exception');\n});\n\n" +
            "app.listen(3000, () => logger.info('listening on 3000'));\n",
        },
      ],
      valid: [
        {
          filename: 'src/server.ts',
          code:
            "import express from 'express';\nimport { logger } from './logger';\n\nconst app = express();\nconst server = app.listen(3000);\n\n" +
            "function crash(err: unknown, origin: string) {\n  logger.fatal({ err, origin }, 'process crashed');\n  server.close(() => process.exit(1));\n  setTimeout(() => process.exit(1), 10_000).unref();\n}\n\n" +
            "process.on('unhandledRejection', (reason) => crash(reason, 'unhandledRejection'));\nprocess.on('uncaughtException', (err) => crash(err, 'uncaughtException'));\n",
        },
      ],
    },
  },
  check(ctx) {
    const { facts } = ctx;
    const reporter = startsErrorReporter(facts);
    for (const entry of serverEntries(facts)) {
      ctx.countSite();
      if (reporter) continue;
      const handlers = processHandlersOf(facts, entry.file);
      const on = (event: string) => handlers.filter((h) => h.event === event || h.event === '*');
      const hasRejection = on(REJECTION).length > 0 || loadsRejectionPackage(facts, entry.file);
      const exceptionHandlers = on(EXCEPTION);
      // Every uncaughtException handler is seen, and none of them ends the process.
      const continuing = exceptionHandlers.length > 0 && exceptionHandlers.every((h) => handlerEffects(facts, h.handler)?.exits === false) ? exceptionHandlers[0] : undefined;
      const where = continuing ? `${relativePath(facts, continuing.file)}:${continuing.line}` : '';
      const report = (messageId: string) => ctx.report({ file: entry.rel, line: entry.line, column: entry.column, messageId, data: { where } });
      if (!hasRejection && exceptionHandlers.length === 0) report('missingBoth');
      else if (!hasRejection && continuing) report('missingRejectionAndContinues');
      else if (!hasRejection) report('missingRejection');
      else if (exceptionHandlers.length === 0) report('missingException');
      else if (continuing) report('continues');
    }
  },
});

