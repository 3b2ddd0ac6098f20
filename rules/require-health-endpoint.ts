// require-health-endpoint: a service with no liveness or readiness route (`/health`, `/healthz`,
// `/ready`, `/livez`, `/status`, `/ping`, NestJS terminus, @godaddy/terminus, lightship). Without
// one, Kubernetes, ECS or a load balancer can only probe the TCP port: a process whose event loop
// is stuck or whose database is gone keeps receiving traffic, and a rolling deploy sends requests
// to instances that are not ready yet. Judged once per service, at the entry point that starts it;
// a package that starts no server (a library, a CLI, a Lambda handler) is not applicable.
import { defineProjectRule } from '../src/core/rule.js';
import type { ProjectFacts } from '../src/project/facts.js';
import { packagesInUse, projectService, relativePath } from '../src/project/services.js';

/** Packages that serve health or readiness probes. */
const HEALTH_PACKAGES = [
  '@nestjs/terminus', '@godaddy/terminus', 'lightship', 'express-healthcheck', 'express-actuator', 'fastify-healthcheck',
  '@cloudnative/health-connect', 'express-status-monitor',
];

/**
 * A file or folder named for a probe (`health.controller.ts`, `routes/healthz/index.js`,
 * `app/api/health/route.ts`): file-system routing (fastify-autoload, Next.js, Medusa) serves its
 * route under that name, with no path in the code.
 */
const HEALTH_FILE = /^(health|healthz|healthcheck|health-check|health_check|healthchecks|readiness|liveness|probes?|heartbeat)$/;

function isHealthFile(relPath: string): boolean {
  const segments = relPath.toLowerCase().split('/');
  const base = segments.pop()?.split('.')[0] ?? '';
  return HEALTH_FILE.test(base) || segments.some((d) => HEALTH_FILE.test(d));
}

/** Some file of the project, or one the service loads from another workspace package, that is not a test registers a health route or is named for one. */
function hasHealthRoute(facts: ProjectFacts, loaded: ReadonlySet<string>): boolean {
  for (const file of new Set([...facts.modules.keys(), ...loaded])) {
    const m = facts.repositoryModules.get(file);
    if (!m || facts.roles(file).has('test')) continue;
    if (m.evidence.observability.healthRoute || isHealthFile(relativePath(facts, file))) return true;
  }
  return false;
}

export default defineProjectRule({
  id: 'require-health-endpoint',
  category: 'observability',
  severity: 'medium',
  recommended: true,
  defaultOptions: {},
  messages: {
    missing:
      'The service started in {{entry}} has no health or readiness route: serve `GET /health` (the process is alive) and `GET /ready` (its dependencies answer) for the orchestrator and load balancer to probe',
  },
  docs: {
    description: 'Require a liveness or readiness route in a service.',
    why:
      'Orchestrators and load balancers decide from a probe whether an instance gets traffic and whether to restart it. ' +
      'Without a health route they can only check that the port accepts connections: an instance whose event loop is blocked ' +
      'or whose database connection is gone keeps receiving requests, and during a rolling deploy new instances get traffic ' +
      'before they have connected to anything. Libraries, CLIs and Lambda handlers start no server and are not judged.',
    fix:
      'Register `GET /health` returning 200 while the process runs, and `GET /ready` that checks the database or queue the service ' +
      'needs (`@nestjs/terminus` on NestJS, `@godaddy/terminus` or lightship elsewhere), and point the liveness and readiness probes at them.',
    sites: 'services (packages that start a server)',
    examples: {
      invalid: [
        {
          filename: 'src/server.ts',
          code:
            "import express from 'express';\nimport { ordersRouter } from './orders/orders.router';\n\n" +
            "const app = express();\napp.use('/orders', ordersRouter);\napp.listen(Number(process.env.PORT ?? 3000));\n",
        },
      ],
      valid: [
        {
          filename: 'src/server.ts',
          code:
            "import express from 'express';\nimport { db } from './db';\nimport { ordersRouter } from './orders/orders.router';\n\n" +
            "const app = express();\napp.get('/health', (_req, res) => res.send('ok'));\n" +
            "app.get('/ready', async (_req, res) => {\n  await db.raw('select 1');\n  res.send('ready');\n});\n" +
            "app.use('/orders', ordersRouter);\napp.listen(Number(process.env.PORT ?? 3000));\n",
        },
        {
          filename: 'src/index.ts',
          code: "// A library: it exports a client and starts no server.\nexport { OrdersClient } from './orders-client';\n",
        },
      ],
    },
  },
  check(ctx) {
    const { facts } = ctx;
    const service = projectService(facts);
    if (!service) return;
    ctx.countSite();
    const packages = packagesInUse(facts);
    if (HEALTH_PACKAGES.some((p) => packages.has(p)) || hasHealthRoute(facts, service.files)) return;
    ctx.report({ file: service.relPath, line: service.line, column: service.column, messageId: 'missing', data: { entry: service.relPath } });
  },
});
