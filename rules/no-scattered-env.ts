// no-scattered-env: `process.env` read all over the code base instead of in one configuration
// module. Each module then parses (or forgets to parse) its own variables, so a missing
// `DATABASE_URL` or a `PORT` of "abc" surfaces as a crash on the first request that reaches that
// module, hours after a deploy that looked healthy, rather than as a refusal to start; and nobody
// can tell from one place which variables the service needs.
//
// Counted: modules that read `process.env` for something other than `NODE_ENV` (which frameworks
// and libraries check everywhere by convention). Left out: tests, command-line scripts (`bin/`,
// `scripts/`…), tool configs, browser code, and configuration modules — a file named or placed as
// one (`config.ts`, `env.ts`, `settings.js`, `secrets.ts`, `*.config.ts`, anything under `config/`),
// a module that hands the whole `process.env` to a parser, or one that imports an environment
// validator (envalid, env-schema, convict, env-var, @t3-oss/env-core).
import { relative, sep } from 'node:path';
import { defineProjectRule } from '../src/core/rule.js';
import type { ProjectFacts } from '../src/project/facts.js';

const CONFIG_NAME = /(^|[.\-_])(config|configuration|env|environment|environments|settings|secrets)$/;
const CONFIG_DIRS = new Set(['config', 'configs', 'configuration', 'env', 'settings']);
const ENV_VALIDATORS = new Set(['envalid', 'env-schema', 'convict', 'env-var', '@t3-oss/env-core', '@t3-oss/env-nextjs', 'dotenv-safe']);
const SHOWN = 5;

/** A module whose path says it holds configuration. */
export function isConfigModulePath(relPath: string): boolean {
  const segments = relPath.toLowerCase().split('/');
  const base = (segments.pop() ?? '').replace(/\.[cm]?[jt]sx?$/, '');
  return CONFIG_NAME.test(base) || segments.some((d) => CONFIG_DIRS.has(d));
}

function isConfigModule(facts: ProjectFacts, file: string, relPath: string): boolean {
  if (isConfigModulePath(relPath)) return true;
  const m = facts.modules.get(file);
  if (!m) return false;
  return m.evidence.env.parsesWholeEnv || m.imports.some((i) => !i.resolved && ENV_VALIDATORS.has(i.specifier));
}

export default defineProjectRule({
  id: 'no-scattered-env',
  category: 'architecture',
  severity: 'medium',
  recommended: true,
  defaultOptions: { maxModules: 3 },
  optionsSchema: {
    type: 'object',
    properties: { maxModules: { type: 'integer', minimum: 0 } },
    additionalProperties: false,
  },
  messages: {
    scattered:
      '`process.env` is read in {{count}} modules ({{modules}}) rather than in one configuration module: ' +
      'read and validate every variable once at start-up (envalid, zod, env-schema, @nestjs/config) and import the typed values',
  },
  docs: {
    description: 'Require environment variables to be read in one configuration module, not across the code base.',
    why:
      'When every module reads `process.env` itself, nothing checks at start-up that the variables exist and make sense: ' +
      'a missing `DATABASE_URL` or a `PORT` of "abc" becomes a crash or a silent `undefined` on the first request that ' +
      'reaches that module, long after the deploy looked healthy. Defaults and parsing (`Number(…)`, `=== "true"`) drift ' +
      'between copies, and nobody can list the variables the service needs. One configuration module that validates ' +
      'the environment makes a bad deploy fail immediately, with a message naming the variable.',
    fix:
      'Create one module (`src/config.ts`) that reads and validates every variable with a schema (envalid `cleanEnv`, zod ' +
      '`z.object(…).parse(process.env)`, env-schema, `@nestjs/config` with a `validationSchema`) and exports typed values; ' +
      'import those everywhere else.',
    sites: 'projects that read the environment',
    examples: {
      invalid: [
        {
          filename: 'src/orders/orders.service.ts',
          code:
            "const PAGE_SIZE = Number(process.env.ORDERS_PAGE_SIZE ?? 50);\n\n" +
            'export async function listOrders(page: number) {\n  return { page, size: PAGE_SIZE };\n}\n\n' +
            '// …and src/payments/stripe.ts, src/mail/mailer.ts and src/app.ts read process.env too\n',
        },
      ],
      valid: [
        {
          filename: 'src/config.ts',
          code:
            "import { cleanEnv, num, str, url } from 'envalid';\n\n" +
            'export const config = cleanEnv(process.env, {\n  PORT: num({ default: 3000 }),\n  DATABASE_URL: url(),\n  STRIPE_KEY: str(),\n});\n',
        },
      ],
    },
  },
  check(ctx) {
    const { facts } = ctx;
    const rel = (file: string) => relative(facts.root, file).split(sep).join('/');
    let readsEnv = false;
    const scattered: Array<{ relPath: string; line: number; column: number }> = [];
    for (const [file, m] of facts.modules) {
      const roles = facts.roles(file);
      if (roles.has('test') || roles.has('cli') || roles.has('config') || roles.has('browser')) continue;
      const reads = m.evidence.env.reads.filter((r) => r.name !== 'NODE_ENV');
      if (reads.length === 0) continue;
      readsEnv = true;
      const relPath = rel(file);
      if (isConfigModule(facts, file, relPath)) continue;
      scattered.push({ relPath, line: reads[0]!.line, column: reads[0]!.column });
    }
    if (!readsEnv) return;
    ctx.countSite();
    if (scattered.length <= ctx.options.maxModules) return;
    scattered.sort((a, b) => (a.relPath < b.relPath ? -1 : 1));
    const first = scattered[0]!;
    const shown = scattered.slice(0, SHOWN).map((s) => s.relPath).join(', ');
    const more = scattered.length > SHOWN ? ` and ${scattered.length - SHOWN} more` : '';
    ctx.report({ file: first.relPath, line: first.line, column: first.column, messageId: 'scattered', data: { count: scattered.length, modules: shown + more } });
  },
});
