// require-telemetry: a service with neither metrics nor tracing — no OpenTelemetry, prom-client,
// APM agent (dd-trace, newrelic, elastic-apm-node) or Sentry SDK in its dependencies, imports or
// preload flags. Such a service is watched only through its logs: no latency or error-rate
// graph, no alert before users notice, and no trace to tell which downstream call is slow.
// Judged once per service, at the entry point that starts it; libraries and CLIs are not judged.
// A workspace package the service uses counts with what it depends on (a telemetry wrapper package).
import { defineProjectRule } from '../src/core/rule.js';
import type { ProjectFacts } from '../src/project/facts.js';
import { packageName } from '../src/project/facts.js';
import { packagesInUse, projectService } from '../src/project/services.js';

/** Metrics, tracing and APM packages (an integration package implies its client). */
const TELEMETRY_PACKAGES = new Set([
  'prom-client', 'express-prom-bundle', 'prometheus-api-metrics', '@willsoto/nestjs-prometheus', 'fastify-metrics', 'swagger-stats',
  'dd-trace', 'newrelic', 'elastic-apm-node', 'applicationinsights', '@instana/collector', '@dynatrace/oneagent', '@appsignal/nodejs',
  'aws-xray-sdk', 'aws-xray-sdk-core', '@aws-lambda-powertools/metrics', '@aws-lambda-powertools/tracer', '@google-cloud/trace-agent',
  'hot-shots', 'node-statsd', 'statsd-client', 'lynx', 'jaeger-client', 'zipkin', '@vercel/otel', '@autotelic/fastify-opentelemetry',
  '@fastify/otel', '@splunk/otel', '@highlight-run/node',
]);
const TELEMETRY_SCOPES = ['@opentelemetry/', '@honeycombio/', '@sentry/'];
/** Integrations named for what they export (`koa-prometheus`, `@hono/otel`), and an organisation's own telemetry package (`@acme/observability`). */
const TELEMETRY_NAME = /prometheus|opentelemetry|statsd|datadog|(^|[-/])apm([-/]|$)|(^|[-/])metrics([-/]|$)/;
const SCOPED_TELEMETRY = /^@[^/]+\/(.*[-_.])?(otel|telemetry|tracing|tracer|observability|instrumentation|monitoring)([-_.].*)?$/;
/** Sentry SDKs that run in the browser: they report a front end's errors, not the service's. */
const BROWSER_SENTRY = new Set(['@sentry/browser', '@sentry/react', '@sentry/vue', '@sentry/angular', '@sentry/svelte', '@sentry/react-native', '@sentry/ember', '@sentry/solid', '@sentry/gatsby']);
/** `node -r dd-trace/init`, `--require @opentelemetry/auto-instrumentations-node/register`, `--import newrelic`. */
const PRELOAD = /(?:^|[\s"'=])(?:-r|--require|--import|--loader)[\s=]+['"]?([@\w./-]+)/g;

function isTelemetryPackage(name: string): boolean {
  if (TELEMETRY_PACKAGES.has(name) || TELEMETRY_NAME.test(name) || SCOPED_TELEMETRY.test(name)) return true;
  return TELEMETRY_SCOPES.some((s) => name.startsWith(s)) && !BROWSER_SENTRY.has(name);
}

/** Packages preloaded by a package.json script (`NODE_OPTIONS` or `node -r`): agents started without an import. */
function preloadedPackages(facts: ProjectFacts): string[] {
  const names: string[] = [];
  for (const script of Object.values(facts.packageJson?.scripts ?? {})) {
    for (const m of script.matchAll(PRELOAD)) if (m[1] && !m[1].startsWith('.')) names.push(packageName(m[1]));
  }
  return names;
}

/**
 * What the workspace packages the service uses ship with (`@acme/app-insights` wrapping
 * applicationinsights): an organisation's telemetry set-up kept in a package of its own. One level.
 */
function workspaceDependencies(facts: ProjectFacts, used: ReadonlySet<string>): string[] {
  const names: string[] = [];
  for (const pkg of facts.packages) {
    const info = pkg.packageJson;
    if (info?.name && used.has(info.name)) names.push(...Object.keys(info.runtimeDependencies));
  }
  return names;
}

export default defineProjectRule({
  id: 'require-telemetry',
  category: 'observability',
  severity: 'low',
  recommended: false,
  defaultOptions: {},
  messages: {
    missing:
      'The service started in {{entry}} has no metrics or tracing: instrument it with OpenTelemetry (`@opentelemetry/sdk-node` and the auto-instrumentations), prom-client or an APM agent so its latency and error rate can be graphed and alerted on',
  },
  docs: {
    description: 'Require metrics or tracing (OpenTelemetry, prom-client, an APM agent) in a service.',
    why:
      'Logs tell what happened to one request; metrics and traces tell how the service is doing. Without them there is no ' +
      'latency or error-rate graph, no alert that fires before users complain, no saturation signal for autoscaling, and ' +
      'no trace showing which database query or downstream call made a request slow. Adding instrumentation after an incident ' +
      'is too late for that incident. Libraries and CLIs start no server and are not judged. A workspace package the service uses ' +
      'counts with the dependencies it ships (an organisation\'s own wrapper around applicationinsights or the OpenTelemetry SDK).',
    fix:
      'Start the OpenTelemetry Node SDK with the auto-instrumentations before the app loads (`node --import ./instrumentation.js`), ' +
      'or expose Prometheus metrics with prom-client (`express-prom-bundle`, `fastify-metrics`, `@willsoto/nestjs-prometheus`), ' +
      'or load your APM vendor\'s agent (dd-trace, newrelic, elastic-apm-node).',
    sites: 'services (packages that start a server)',
    examples: {
      invalid: [
        {
          filename: 'src/server.ts',
          code:
            "import express from 'express';\nimport { ordersRouter } from './orders/orders.router';\n\n" +
            "const app = express();\napp.use('/orders', ordersRouter);\napp.listen(3000);\n",
        },
      ],
      valid: [
        {
          filename: 'src/server.ts',
          code:
            "import express from 'express';\nimport promBundle from 'express-prom-bundle';\nimport { ordersRouter } from './orders/orders.router';\n\n" +
            "const app = express();\napp.use(promBundle({ includeMethod: true, includePath: true }));\napp.use('/orders', ordersRouter);\napp.listen(3000);\n",
        },
      ],
    },
  },
  check(ctx) {
    const { facts } = ctx;
    const service = projectService(facts);
    if (!service) return;
    ctx.countSite();
    const used = packagesInUse(facts);
    if ([...used, ...preloadedPackages(facts), ...workspaceDependencies(facts, used)].some(isTelemetryPackage)) return;
    ctx.report({ file: service.relPath, line: service.line, column: service.column, messageId: 'missing', data: { entry: service.relPath } });
  },
});
