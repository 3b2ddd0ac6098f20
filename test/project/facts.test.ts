import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSources } from '../../src/core/discover.js';
import { buildProjectFacts, type ProjectFacts } from '../../src/project/facts.js';
import { importClosure, serverFiles } from '../../src/project/graph.js';
import { handlerEffects } from '../../src/project/lifecycle.js';
import { minMajor } from '../../src/project/package-json.js';
import { fileRoles } from '../../src/project/roles.js';

function factsOf(files: Record<string, string>): { root: string; facts: ProjectFacts } {
  const root = mkdtempSync(join(tmpdir(), 'prodcheck-facts-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  const loaded = loadSources(root, []);
  return { root, facts: buildProjectFacts({ root, files: loaded.parsed }) };
}

describe('module resolution', () => {
  it('resolves relative paths, extensions, index files, .js → .ts and tsconfig paths', () => {
    const { root, facts } = factsOf({
      'tsconfig.json': '{ // comments are allowed\n "compilerOptions": { "baseUrl": ".", "paths": { "@app/*": ["src/*"], "@config": ["src/config/index.ts"] } } }',
      'src/server.ts': '',
      'src/lib/http.ts': '',
      'src/config/index.ts': '',
      'src/legacy/db.js': '',
    });
    const from = join(root, 'src/server.ts');
    expect(facts.resolveImport(from, './lib/http')).toBe(join(root, 'src/lib/http.ts'));
    expect(facts.resolveImport(from, './lib/http.js')).toBe(join(root, 'src/lib/http.ts'));
    expect(facts.resolveImport(from, './config')).toBe(join(root, 'src/config/index.ts'));
    expect(facts.resolveImport(from, './legacy/db')).toBe(join(root, 'src/legacy/db.js'));
    expect(facts.resolveImport(from, '@app/lib/http')).toBe(join(root, 'src/lib/http.ts'));
    expect(facts.resolveImport(from, '@config')).toBe(join(root, 'src/config/index.ts'));
    expect(facts.resolveImport(from, 'express')).toBeNull();
    expect(facts.resolveImport(from, './missing')).toBeNull();
  });
});

describe('exports and cross-file lookups', () => {
  const { root, facts } = factsOf({
    'package.json': JSON.stringify({ name: 'shop', dependencies: { express: '^4.21.0', axios: '1.7.0' }, devDependencies: { vitest: '4.0.0' } }),
    'src/lib/http.ts': "import axios from 'axios';\nexport const payments = axios.create({ baseURL: 'https://pay', timeout: 5000 });\nexport const search = axios.create({ baseURL: 'https://search' });\nconst internal = axios.create({ ...shared });\nexport { internal as inventory };\n",
    'src/lib/index.ts': "export * from './http';\nexport { sendReceipt as sendMail } from '../services/mailer';\n",
    'src/services/mailer.ts': "export async function sendReceipt(to: string) {}\nexport function render(): Promise<string> { return Promise.resolve('') }\nexport const plain = () => 1;\nexport class Mailer { async send() {} sync() {} retry = async () => {} }\nexport const mailer = new Mailer();\n",
    'src/services/legacy.js': "async function charge() {}\nmodule.exports = { charge, refund: async () => {}, version: 2 };\n",
    'src/config/http-defaults.ts': "import axios from 'axios';\nimport { search } from '../lib/http';\naxios.defaults.timeout = 8000;\nsearch.defaults.timeout = 3000;\n",
    'src/server.ts': "import { app } from './app';\napp.listen(3000);\n",
    'test/server.test.ts': "import { app } from '../src/app';\napp.listen(0);\n",
  });
  const file = (rel: string) => join(root, rel);

  it('reads package.json dependencies and majors', () => {
    expect(facts.hasDependency('vitest')).toBe(true);
    expect(facts.majorOf('express')).toBe(4);
    expect(facts.majorOf('axios')).toBe(1);
    expect(facts.majorOf('koa')).toBeNull();
    expect(minMajor('>=5.0.0-beta.1')).toBe(5);
    expect(minMajor('npm:express@^5.1.0')).toBe(5);
    expect(minMajor('workspace:*')).toBeNull();
  });

  it('knows exported async functions, async methods and HTTP client instances, through re-exports', () => {
    const mailer = file('src/services/mailer.ts');
    expect(facts.lookupExport(mailer, 'sendReceipt')?.info.async).toBe(true);
    expect(facts.lookupExport(mailer, 'render')?.info.async).toBe(true);
    expect(facts.lookupExport(mailer, 'plain')?.info.async).toBe(false);
    expect([...(facts.lookupExport(mailer, 'Mailer')?.info.asyncMethods ?? [])]).toEqual(['send', 'retry']);
    expect([...(facts.lookupExport(mailer, 'mailer')?.info.asyncMethods ?? [])]).toEqual(['send', 'retry']);
    const viaIndex = facts.lookupExport(file('src/lib/index.ts'), 'sendMail');
    expect(viaIndex?.file).toBe(mailer);
    expect(viaIndex?.info.async).toBe(true);
    expect(facts.lookupExport(file('src/lib/index.ts'), 'payments')?.info.httpClient).toEqual({ library: 'axios', timeout: 'set' });
    expect(facts.lookupExport(file('src/lib/http.ts'), 'search')?.info.httpClient).toEqual({ library: 'axios', timeout: 'missing' });
    expect(facts.lookupExport(file('src/lib/http.ts'), 'inventory')?.info.httpClient).toEqual({ library: 'axios', timeout: 'unknown' });
  });

  it('reads CommonJS exports', () => {
    const legacy = file('src/services/legacy.js');
    expect(facts.lookupExport(legacy, 'charge')?.info.async).toBe(true);
    expect(facts.lookupExport(legacy, 'refund')?.info.async).toBe(true);
    expect(facts.lookupExport(legacy, 'version')?.info.async).toBe(false);
  });

  it('records defaults.timeout set on axios and on an instance from another module', () => {
    expect(facts.axiosDefaultTimeout).toBe(true);
    expect(facts.hasDefaultsTimeout(file('src/lib/http.ts'), 'search')).toBe(true);
    expect(facts.hasDefaultsTimeout(file('src/lib/http.ts'), 'payments')).toBe(false);
  });

  it('finds entry points that listen, tests excluded', () => {
    expect(facts.entryPoints).toEqual([file('src/server.ts')]);
  });
});

describe('file roles', () => {
  const none = { shebang: false, browserSyntax: false, serverImports: false, readsArgv: false, listens: false };
  it('decides roles from the path and the evidence', () => {
    expect([...fileRoles('src/routes/orders.ts', none)]).toEqual(['server']);
    expect([...fileRoles('src/orders.spec.ts', none)]).toEqual(['test']);
    expect([...fileRoles('blog/test.js', none)]).toEqual(['test']);
    expect([...fileRoles('test/helpers/db.ts', none)]).toEqual(['test']);
    expect([...fileRoles('scripts/seed.ts', none)]).toEqual(['cli']);
    expect([...fileRoles('src/tool.ts', { ...none, shebang: true })]).toEqual(['cli']);
    expect([...fileRoles('jest.config.js', none)]).toEqual(['config']);
    expect([...fileRoles('apps/api/vitest-e2e.setup.ts', none)]).toEqual(['config']);
    expect([...fileRoles('jest.integration.setup.js', none)]).toEqual(['config']);
    expect([...fileRoles('src/database.setup.ts', none)]).toEqual(['server']);
    expect([...fileRoles('src/prisma/seed.ts', none)]).toEqual(['cli']);
    expect([...fileRoles('src/db/migrate.js', none)]).toEqual(['cli']);
    expect([...fileRoles('src/seed-data/products.ts', none)]).toEqual(['server']);
    expect([...fileRoles('commands/banner.ts', none)]).toEqual(['cli']);
    expect([...fileRoles('packages/api/src/commands/db/migrate-up.ts', none)]).toEqual(['cli']);
    expect([...fileRoles('integration-tests/setup.js', none)]).toEqual(['test']);
    expect([...fileRoles('src/test-setup.ts', none)]).toEqual(['test']);
    expect([...fileRoles('src/common/global-setup.ts', none)]).toEqual(['server']);
    expect([...fileRoles('src/setup.ts', none)]).toEqual(['server']);
    expect([...fileRoles('packages/api-test-utils/src/database.ts', none)]).toEqual(['test']);
    expect([...fileRoles('src/http/__fixtures__/routes/orders.ts', none)]).toEqual(['test']);
    expect([...fileRoles('src/releases/latest.ts', none)]).toEqual(['server']);
    expect([...fileRoles('src/hooks/use-orders.tsx', none)]).toEqual(['browser']);
    expect([...fileRoles('packages/dashboard/src/utils.ts', { ...none, frontendPackage: true })]).toEqual(['browser']);
    expect([...fileRoles('src/emails/receipt.tsx', { ...none, serverImports: true })]).toEqual(['server']);
    expect([...fileRoles('src/report.ts', { ...none, readsArgv: true })]).toEqual(['cli']);
    expect([...fileRoles('src/server.ts', { ...none, readsArgv: true, listens: true })]).toEqual(['server']);
    expect([...fileRoles('src/widgets/cart.tsx', { ...none, browserSyntax: true })]).toEqual(['browser']);
    expect([...fileRoles('src/email/render.tsx', { ...none, browserSyntax: true, serverImports: true })]).toEqual(['server']);
    expect([...fileRoles('public/js/app.js', none)]).toEqual(['browser']);
  });

  it('counts the data tests share as tests, and benchmarks, code generators and migrations as one-shot programs', () => {
    expect([...fileRoles('packages/connectors/connector-sms/src/mock.ts', none)]).toEqual(['test']);
    expect([...fileRoles('src/payments/mocks.js', none)]).toEqual(['test']);
    expect([...fileRoles('src/orders/orders.mock.ts', none)]).toEqual(['test']);
    expect([...fileRoles('src/users/users.fixtures.ts', none)]).toEqual(['test']);
    expect([...fileRoles('src/test-utils.ts', none)]).toEqual(['test']);
    expect([...fileRoles('src/mockingbird.ts', none)]).toEqual(['server']);
    expect([...fileRoles('src/orders/mock-payments-provider.ts', none)]).toEqual(['server']);
    expect([...fileRoles('packages/schemas/alterations/1.2.0-1700000002-seed-roles.ts', none)]).toEqual(['cli']);
    expect([...fileRoles('packages/base-formula/bench/formula-bench.ts', none)]).toEqual(['cli']);
    expect([...fileRoles('benchmarks/parse.js', none)]).toEqual(['cli']);
    expect([...fileRoles('src/codegen/openapi-types.ts', none)]).toEqual(['cli']);
    expect([...fileRoles('src/benchmarking/report.ts', none)]).toEqual(['server']);
  });
});

describe('import graph from the server entry points', () => {
  const { root, facts } = factsOf({
    'src/server.ts': "import { app } from './app';\nimport './process-handlers';\napp.listen(3000);\n",
    'src/app.ts': "import express from 'express';\nimport type { Order } from './types';\nimport { ordersRouter } from './routes/orders';\nexport const app = express();\napp.use('/orders', ordersRouter);\n",
    'src/routes/orders.ts': "import { Router } from 'express';\nexport const ordersRouter = Router();\n",
    'src/types.ts': 'export interface Order { id: string }\n',
    'src/process-handlers.ts': "process.on('unhandledRejection', () => process.exit(1));\n",
    'src/worker.ts': "import { ordersRouter } from './routes/orders';\nvoid ordersRouter;\n",
  });
  const file = (rel: string) => join(root, rel);

  it('follows value imports and leaves out type-only imports and other entry points', () => {
    const closure = [...importClosure(facts, file('src/server.ts'))].sort();
    expect(closure).toEqual(['src/app.ts', 'src/process-handlers.ts', 'src/routes/orders.ts', 'src/server.ts'].map(file));
    expect(serverFiles(facts).has(file('src/worker.ts'))).toBe(false);
    expect(serverFiles(facts).has(file('src/routes/orders.ts'))).toBe(true);
  });

  it('records where the entry point listens', () => {
    expect(facts.modules.get(file('src/server.ts'))?.listenAt).toEqual({ line: 3, column: 1 });
  });
});

describe('server entry points', () => {
  it('are files that listen on a port, socket path or options; event subscriptions and browser code are not', () => {
    const { root, facts } = factsOf({
      'package.json': JSON.stringify({ name: 'desk', dependencies: { express: '^4.21.0' } }),
      'src/server.ts': "import express from 'express';\nexpress().listen(Number(process.env.PORT ?? 3000));\n",
      'src/socket.ts': "import net from 'node:net';\nnet.createServer().listen('/tmp/desk.sock');\n",
      'src/ipc.ts': "import { bus } from './bus';\nbus.listen('file-saved', () => undefined);\nexport {};\n",
      'src/bus.ts': 'export const bus = { listen: (_event: string, _cb: () => void) => undefined };\n',
      'web/package.json': JSON.stringify({ name: 'desk-web', dependencies: { vue: '^3.5.0' } }),
      'web/src/io.ts': "import type { Kernel } from './kernel';\nexport const io = (k: Kernel) => ({ listen: (event: string, cb: () => void) => k.listen(event, cb) });\n",
      'web/src/kernel.ts': 'export interface Kernel { listen(event: string, cb: () => void): void }\n',
    });
    expect(facts.entryPoints.map((f) => f.slice(root.length + 1))).toEqual(['src/server.ts', 'src/socket.ts']);
  });
});

describe('modules with evidence', () => {
  it('maps, by path, in the modules\' order and in every package view, the modules whose evidence holds anything', () => {
    const { root, facts } = factsOf({
      'package.json': JSON.stringify({ name: 'shop', private: true, workspaces: ['services/*'] }),
      'services/orders/package.json': JSON.stringify({ name: '@shop/orders', dependencies: { express: '^4.19.2', 'express-mongo-sanitize': '^2.2.0' } }),
      'services/orders/src/app.ts': "import express from 'express';\n\nexport const app = express();\napp.set('query parser', 'simple');\n",
      'services/orders/src/security.ts': "import mongoSanitize from 'express-mongo-sanitize';\nimport { app } from './app';\n\napp.use(mongoSanitize());\n",
      'services/orders/src/health.ts': "export const health = () => ({ status: 'ok' });\n",
      // Names the setting in a comment only: its evidence is the collector's nothing-found default.
      'services/orders/src/docs.ts': "// app.set('query parser', …) is made in app.ts\nexport const docs = '/docs';\n",
      'services/billing/package.json': JSON.stringify({ name: '@shop/billing', dependencies: { express: '^4.19.2' } }),
      'services/billing/src/routes.js': "export function invoiceRoutes(router) {\n  router.get('/invoices', (_req, res) => res.json([]));\n}\n",
      'services/billing/src/server.ts': "import express from 'express';\nimport { invoiceRoutes } from './routes';\n\nconst router = express.Router();\ninvoiceRoutes(router);\nexpress().use(router).listen(3001);\n",
    });
    const paths = (found: ReadonlyMap<string, unknown>) => [...found.keys()].map((p) => p.slice(root.length + 1));
    const mongo = facts.repositoryModulesWith('mongoInput');
    expect(paths(mongo)).toEqual(['services/orders/src/app.ts', 'services/orders/src/security.ts']);
    expect([...mongo.values()].map((m) => m.evidence.mongoInput)).toEqual([
      { queryParser: 'simple', sanitizeMiddleware: false },
      { queryParser: null, sanitizeMiddleware: true },
    ]);
    // The billing server passes a Router to another file's function, which registers routes on it.
    expect(paths(facts.repositoryModulesWith('expressParams'))).toEqual(['services/billing/src/routes.js', 'services/billing/src/server.ts']);
    // Asked again, or from a package's view, the same answer (about the whole repository).
    expect(facts.repositoryModulesWith('mongoInput')).toBe(mongo);
    const billing = facts.packages.find((p) => p.name === '@shop/billing');
    expect(billing).toBeDefined();
    const view = facts.packageView(billing as (typeof facts.packages)[number]);
    expect(view).not.toBe(facts);
    expect(view.repositoryModulesWith('mongoInput')).toBe(mongo);
  });
});

describe('what exported functions do at a process\u2019s end', () => {
  it('is computed when asked for, from the file, with calls into other files resolved as the file\u2019s imports are', () => {
    const { root, facts } = factsOf({
      'src/server.ts': "import { shutdown } from './lifecycle';\nprocess.on('SIGTERM', shutdown);\n",
      'src/lifecycle.ts': "import { closePool } from './db';\nexport function shutdown(): void {\n  closePool();\n  process.exit(0);\n}\nexport const label = 'lifecycle';\n",
      'src/db.ts': 'export async function closePool(): Promise<void> {}\n',
    });
    const lifecycle = join(root, 'src/lifecycle.ts');
    // Not in the module facts: only the files a handler imports from are asked about.
    expect(Object.keys(facts.modules.get(lifecycle)?.evidence.processLifecycle ?? {})).toEqual(['handlers', 'shutdownHooks', 'errorReporters']);
    expect(facts.lifecycleExports(lifecycle)).toEqual({ shutdown: { exits: true, closes: true, opaque: false, calls: [`${join(root, 'src/db.ts')}#closePool`] } });
    expect(facts.lifecycleExports(lifecycle)).toBe(facts.lifecycleExports(lifecycle));
    expect(facts.lifecycleExports(join(root, 'src/missing.ts'))).toEqual({});
  });
});

describe('a process handler\u2019s effects in a monorepo', () => {
  it('follows an imported handler within its package\u2019s view, and takes one from another package as unknown', () => {
    const { root, facts } = factsOf({
      'package.json': JSON.stringify({ name: 'acme', private: true, workspaces: ['packages/*'] }),
      'packages/api/package.json': JSON.stringify({ name: '@acme/api', dependencies: { '@acme/lib': '*' } }),
      'packages/api/src/server.ts': "import { shutdown } from '@acme/lib';\nimport { drain } from './drain';\nprocess.on('SIGTERM', shutdown);\nprocess.on('SIGINT', drain);\n",
      'packages/api/src/drain.ts': 'export function drain(): void {\n  process.exit(0);\n}\n',
      'packages/lib/package.json': JSON.stringify({ name: '@acme/lib', main: 'src/index.ts' }),
      'packages/lib/src/index.ts': 'export function shutdown(): void {\n  process.exit(0);\n}\n',
    });
    const api = facts.packages.find((p) => p.path === 'packages/api');
    expect(api).toBeDefined();
    const view = facts.packageView(api!);
    const lib = join(root, 'packages/lib/src/index.ts');
    const exits = { exits: true, closes: false, opaque: false, calls: [] };
    expect(handlerEffects(view, { kind: 'import', file: join(root, 'packages/api/src/drain.ts'), name: 'drain' })).toEqual(exits);
    expect(handlerEffects(view, { kind: 'import', file: lib, name: 'shutdown' })).toBeNull();
    expect(handlerEffects(facts, { kind: 'import', file: lib, name: 'shutdown' })).toEqual(exits);
  });
});
