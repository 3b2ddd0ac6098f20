// require-graceful-shutdown: a server that starts listening but whose process never handles
// SIGTERM by closing the server (and its pools). Docker, Kubernetes, ECS and most PaaS stop a
// container with SIGTERM; with no handler Node dies at once, cutting every in-flight request and
// leaving database connections to time out on the other side. Each deploy and scale-down then
// shows up as a burst of 502s and aborted transactions.
//
// Counts as handled, anywhere in the files the server's process loads (see
// require-process-error-handlers for that set): a `process.on|once('SIGTERM', …)` handler that
// closes something — directly or through the local functions it calls: `.close()`, `.end()`,
// `.stop()`, `.quit()`, `.disconnect()`, `.destroy()`, or a call named like shutdown/close/cleanup
// (a handler this pass cannot see into counts too); NestJS `app.enableShutdownHooks()`; and the
// shutdown libraries `@godaddy/terminus`, `http-terminator`, `lightship`, `stoppable`,
// `close-with-grace`, `fastify-graceful-shutdown`, `http-graceful-shutdown`, and the exit-hook
// libraries that run callbacks on SIGTERM (`exit-hook`, `async-exit-hook`, `node-cleanup`,
// `death`). A handler that only calls `process.exit()` is what Node does anyway: it is flagged.
// SIGINT alone is flagged too: it is Ctrl-C, not what a platform sends.
import { defineProjectRule } from '../src/core/rule.js';
import { packageName } from '../src/project/facts.js';
import { processFiles } from '../src/project/graph.js';
import { handlerEffects, processHandlersOf, serverEntries } from '../src/project/lifecycle.js';
import { relativePath } from '../src/project/services.js';

/** Libraries that close the server on signals, or run exit hooks on SIGTERM and SIGINT. */
const SHUTDOWN_LIBRARIES = new Set([
  '@godaddy/terminus',
  'http-terminator',
  'lightship',
  'stoppable',
  'close-with-grace',
  'fastify-graceful-shutdown',
  'http-graceful-shutdown',
  'exit-hook',
  'async-exit-hook',
  'node-cleanup',
  'death',
]);

export default defineProjectRule({
  id: 'require-graceful-shutdown',
  category: 'resilience',
  severity: 'high',
  recommended: true,
  defaultOptions: {},
  messages: {
    missing:
      'This server never handles SIGTERM: every deploy or scale-down kills the requests in flight and drops open connections — on SIGTERM and SIGINT call `server.close()`, close the pools, then exit (or use `close-with-grace`, `@godaddy/terminus`, NestJS `app.enableShutdownHooks()`)',
    sigintOnly:
      'This server handles SIGINT but not SIGTERM, the signal Docker, Kubernetes and most platforms stop a process with: deploys kill its in-flight requests — handle SIGTERM with the same shutdown (`process.on(\'SIGTERM\', shutdown)`)',
    exitsWithoutClosing:
      'The SIGTERM handler at {{where}} does not close the server or its pools: the process still dies with requests in flight (by `process.exit` or the platform\'s SIGKILL) — call `server.close()` and wait for it, close the pools, then exit',
  },
  docs: {
    description: 'Require a server to close itself and its pools on SIGTERM.',
    why:
      'Containers are stopped with SIGTERM, followed some seconds later by SIGKILL. A Node server without a SIGTERM handler ' +
      'dies immediately: requests in flight get a reset connection, transactions are aborted half-way, and pool connections ' +
      'are left for the database to time out. Every deploy, autoscaler scale-down and node drain turns into a burst of errors. ' +
      'Closing the server stops new connections and lets the current requests finish; closing the pools afterwards releases ' +
      'the database cleanly.',
    fix:
      "Handle SIGTERM and SIGINT: `process.on('SIGTERM', shutdown)` where `shutdown` calls `server.close()`, awaits it, closes the pools, then exits; or use `close-with-grace`, `@godaddy/terminus`, `http-terminator`, or NestJS `app.enableShutdownHooks()`.",
    sites: 'server entry points',
    examples: {
      invalid: [
        {
          filename: 'src/server.ts',
          code:
            "import express from 'express';\nimport { pool } from './db';\n\nconst app = express();\n" +
            "app.get('/orders', async (_req, res) => res.json((await pool.query('select * from orders')).rows));\n\n" +
            "app.listen(Number(process.env.PORT ?? 3000));\n",
        },
      ],
      valid: [
        {
          filename: 'src/server.ts',
          code:
            "import express from 'express';\nimport { pool } from './db';\n\nconst app = express();\nconst server = app.listen(Number(process.env.PORT ?? 3000));\n\n" +
            "async function shutdown(signal: string) {\n  console.info(`${signal} received, closing`);\n" +
            "  await new Promise<void>((resolve) => server.close(() => resolve()));\n  await pool.end();\n  process.exit(0);\n}\n\n" +
            "process.once('SIGTERM', shutdown);\nprocess.once('SIGINT', shutdown);\n",
        },
      ],
    },
  },
  check(ctx) {
    const { facts } = ctx;
    for (const entry of serverEntries(facts)) {
      ctx.countSite();
      const files = processFiles(facts, entry.file);
      const usesLibrary = [...files].some((f) => {
        const m = facts.modules.get(f);
        return !!m && (m.evidence.processLifecycle.shutdownHooks.length > 0 || m.imports.some((i) => !i.resolved && SHUTDOWN_LIBRARIES.has(packageName(i.specifier))));
      });
      if (usesLibrary) continue;
      const handlers = processHandlersOf(facts, entry.file);
      const sigterm = handlers.filter((h) => h.event === 'SIGTERM' || h.event === '*');
      // A handler this pass cannot see into, or that hands over to code it cannot judge (`shutdownSignal.emit()`), is trusted.
      if (sigterm.some((h) => {
        const effects = handlerEffects(facts, h.handler);
        return !effects || effects.closes || effects.opaque;
      })) continue;
      const at = { file: entry.rel, line: entry.line, column: entry.column };
      const [first] = sigterm;
      if (first) ctx.report({ ...at, messageId: 'exitsWithoutClosing', data: { where: `${relativePath(facts, first.file)}:${first.line}` } });
      else if (handlers.some((h) => h.event === 'SIGINT')) ctx.report({ ...at, messageId: 'sigintOnly' });
      else ctx.report({ ...at, messageId: 'missing' });
    }
  },
});
