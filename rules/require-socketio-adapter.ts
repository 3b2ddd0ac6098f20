// require-socketio-adapter: a socket.io server left on its default in-memory adapter. That
// adapter only knows the sockets connected to this process: once a second instance runs behind
// the load balancer, `io.emit`, `io.to(room).emit` and room membership silently stop reaching the
// clients connected to the other instances (users miss notifications and chat messages at random).
//
// A server counts as adapted when it is created with an `adapter` option (or options this pass
// cannot read), when `.adapter(x)` is called on it in its file, when another file calls
// `.adapter(x)` on the imported server, or when the project calls `.adapter(x)` on a receiver
// this pass cannot tie to a server (a parameter, `getIo()`): precision first. Servers created in
// tests and browser code are skipped; no server entry point is needed (`new Server(3000)` listens
// by itself).
import { defineProjectRule } from '../src/core/rule.js';
import { relativePath } from '../src/project/services.js';

export default defineProjectRule({
  id: 'require-socketio-adapter',
  category: 'scalability',
  severity: 'medium',
  recommended: true,
  defaultOptions: {},
  messages: {
    noAdapter:
      'This socket.io server uses the default in-memory adapter: with more than one instance, broadcasts and rooms only reach the clients of the instance that emits — set a shared adapter (`io.adapter(createAdapter(pubClient, subClient))` from @socket.io/redis-adapter, or the cluster, Postgres or MongoDB adapter)',
  },
  docs: {
    description: 'Require socket.io servers to use a shared adapter (Redis, cluster, Postgres, MongoDB).',
    why:
      'socket.io keeps rooms and sockets in an in-memory adapter by default, which only knows the clients connected to the ' +
      'current process. As soon as the service runs two instances (or a Node cluster), `io.emit()` and `io.to(room).emit()` ' +
      'reach only the clients of the instance that emits: notifications, chat messages and live updates go missing for the ' +
      'others, without any error. A shared adapter relays every broadcast to all instances.',
    fix:
      "Create the server with a shared adapter: `io.adapter(createAdapter(pubClient, subClient))` with @socket.io/redis-adapter (or @socket.io/cluster-adapter, @socket.io/postgres-adapter, @socket.io/mongo-adapter), or pass `{ adapter: createAdapter(…) }` to `new Server(…)`.",
    sites: 'socket.io servers',
    examples: {
      invalid: [
        {
          filename: 'src/realtime/io.ts',
          code:
            "import type { Server as HttpServer } from 'node:http';\nimport { Server } from 'socket.io';\n\n" +
            "export function attachRealtime(httpServer: HttpServer) {\n  const io = new Server(httpServer, { cors: { origin: process.env.WEB_ORIGIN } });\n" +
            "  io.on('connection', (socket) => socket.join(`user:${socket.handshake.auth.userId}`));\n  return io;\n}\n",
        },
      ],
      valid: [
        {
          filename: 'src/realtime/io.ts',
          code:
            "import type { Server as HttpServer } from 'node:http';\nimport { Server } from 'socket.io';\nimport { createAdapter } from '@socket.io/redis-adapter';\nimport { Redis } from 'ioredis';\n\n" +
            "export function attachRealtime(httpServer: HttpServer) {\n  const pubClient = new Redis(process.env.REDIS_URL!);\n  const subClient = pubClient.duplicate();\n" +
            "  const io = new Server(httpServer, { cors: { origin: process.env.WEB_ORIGIN } });\n  io.adapter(createAdapter(pubClient, subClient));\n  return io;\n}\n",
        },
      ],
    },
  },
  check(ctx) {
    const { facts } = ctx;
    const adaptedFiles = new Set<string>();
    let unbound = 0;
    for (const m of facts.modules.values()) {
      const socket = m.evidence.socketIo;
      unbound += socket.unboundAdapterCalls;
      for (const call of socket.importedAdapterCalls) {
        adaptedFiles.add(call.file);
        const hit = facts.lookupExport(call.file, call.name);
        if (hit) adaptedFiles.add(hit.file);
      }
    }
    for (const m of [...facts.modules.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
      const roles = facts.roles(m.path);
      if (roles.has('test') || roles.has('browser')) continue;
      for (const server of m.evidence.socketIo.servers) {
        ctx.countSite();
        if (server.adapterOption || server.adapterCall || adaptedFiles.has(m.path) || unbound > 0) continue;
        ctx.report({ file: relativePath(facts, m.path), line: server.line, column: server.column, messageId: 'noAdapter' });
      }
    }
  },
});
