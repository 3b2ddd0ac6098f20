import { describe, expect, it } from 'vitest';
import { ts } from 'ts-morph';
import { expressMajor, expressRegistration } from '../../src/core/express.js';
import { rejectionGap } from '../../src/core/promises.js';
import { createHelpers } from '../../src/core/helpers.js';
import { parseText } from '../../src/core/parse.js';
import { buildProjectFacts, type ProjectFacts } from '../../src/project/facts.js';
import { minMajor } from '../../src/project/package-json.js';

/** Every registration in the last file, as `receiver method path → handler texts`. */
function registrations(files: Record<string, string>): string[] {
  const entries = Object.entries(files).map(([rel, code]) => ({ path: `/p/${rel}`, relPath: rel, sourceFile: parseText(`/p/${rel}`, code).sourceFile }));
  const project = buildProjectFacts({ root: '/p', files: entries, readDisk: false });
  const last = entries[entries.length - 1];
  if (!last) return [];
  const helpers = createHelpers(last.path, project);
  const sf = last.sourceFile;
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node)) {
      const reg = expressRegistration(node, helpers, project);
      if (reg) out.push(`${reg.receiver}(${reg.receiverName}) ${reg.method} ${reg.path?.getText(sf) ?? '-'} → ${reg.handlers.map((h) => h.getText(sf).replace(/\s+/g, ' ')).join(' | ')}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function fakeProject(dependencies: Record<string, string>): ProjectFacts {
  return { dependencyRange: (n: string) => dependencies[n], majorOf: (n: string) => minMajor(dependencies[n]) } as unknown as ProjectFacts;
}

function gapOf(code: string): string | null {
  const sf = parseText('/p/h.ts', code).sourceFile;
  const fn = sf.statements.find(ts.isFunctionDeclaration);
  if (!fn) throw new Error('no function');
  return rejectionGap(fn);
}

describe('expressRegistration', () => {
  it('recognises apps and routers from express(), express.Router(), Router() and require', () => {
    expect(
      registrations({
        'src/app.ts':
          "import express, { Router } from 'express';\nconst app = express();\nconst api = express.Router();\nconst admin = Router({ mergeParams: true });\n" +
          "app.get('/health', health);\napi.post('/orders', auth, [audit, createOrder]);\nadmin.use(requireAdmin);\napp.use('/api', api);\n",
      }),
    ).toEqual([
      "app(app) get '/health' → health",
      "router(api) post '/orders' → auth | audit | createOrder",
      'router(admin) use - → requireAdmin',
      "app(app) use '/api' → api",
    ]);
    expect(registrations({ 'src/server.js': "const express = require('express');\nvar app = express();\nvar router = express.Router();\nrouter.delete('/x/:id', remove);\napp.all('*', notFound);\n" })).toEqual([
      "router(router) delete '/x/:id' → remove",
      "app(app) all '*' → notFound",
    ]);
  });

  it('follows route() chains, chained registrations and Router().use(…) chains', () => {
    expect(
      registrations({
        'src/app.ts':
          "import express, { Router } from 'express';\nconst app = express();\napp.route('/a').get(h1).post(h2, h3);\n" +
          "const b = app.route('/b');\nb.put(h4);\napp.get('/c', h5).get('/d', h6);\nexport default Router().use(m1).use('/e', m2);\n",
      }),
    ).toEqual([
      "app(app) post '/a' → h2 | h3",
      "app(app) get '/a' → h1",
      "app(app) put '/b' → h4",
      "app(app) get '/d' → h6",
      "app(app) get '/c' → h5",
      "router(router) use '/e' → m2",
      'router(router) use - → m1',
    ]);
  });

  it('recognises parameters and properties typed with express types, type-only imports included', () => {
    expect(
      registrations({
        'src/routes.ts':
          "import type { Router as ExpressRouter, Application } from 'express';\nimport type * as ex from 'express';\nimport { Router } from 'express';\n" +
          "export function a(r: ExpressRouter) { r.get('/a', h); }\nexport function b(app: Application) { app.use(m); }\nexport function c(app: ex.Express) { app.post('/c', h); }\n" +
          "class Routes {\n  router = Router();\n  constructor(private readonly app: Application) {\n    this.router.get('/d', h);\n    this.app.use(this.router);\n  }\n}\n",
      }),
    ).toEqual(["router(r) get '/a' → h", 'app(app) use - → m', "app(app) post '/c' → h", "router(router) get '/d' → h", 'app(app) use - → this.router']);
  });

  it('ignores settings reads, param hooks, and other frameworks with the same method names', () => {
    expect(
      registrations({
        'src/other.ts':
          "import express from 'express';\nimport Fastify from 'fastify';\nimport Router from '@koa/router';\nimport { Hono } from 'hono';\n" +
          "const app = express();\napp.get('port');\napp.param('id', load);\nconst f = Fastify();\nf.get('/a', h);\nconst k = new Router();\nk.get('/b', h);\n" +
          "const hono = new Hono();\nhono.get('/c', h);\nconst cache = new Map();\ncache.get('key');\nexport function untyped(router) { router.get('/d', h); }\n",
      }),
    ).toEqual([]);
  });

  it('reads a mount path from a const or a name that says path, and keeps other first arguments as handlers', () => {
    expect(
      registrations({
        'src/app.ts': "import express from 'express';\nconst app = express();\nconst PREFIX = '/v2';\napp.use(PREFIX, api);\napp.use(config.basePath, api);\napp.use(cors(), api);\n",
      }),
    ).toEqual(["app(app) use PREFIX → api", 'app(app) use config.basePath → api', 'app(app) use - → cors() | api']);
  });

  // A receiver exported by another module is known from the project facts' `expressReceiver`.
  it('recognises an app or router exported by another project module', () => {
    expect(
      registrations({
        'src/app.ts': "import express from 'express';\nexport const app = express();\n",
        'src/router.js': "const { Router } = require('express');\nmodule.exports = Router();\n",
        'src/routes.ts': "import { app } from './app';\nimport router from './router';\napp.get('/a', h);\nrouter.post('/b', h);\n",
      }),
    ).toEqual(["app(app) get '/a' → h", "router(router) post '/b' → h"]);
  });
});

describe('expressMajor', () => {
  it('reads the lowest major of the range, 4 when express is not listed, 5 for dist-tags', () => {
    expect(expressMajor(fakeProject({ express: '^4.19.2' }))).toBe(4);
    expect(expressMajor(fakeProject({ express: '~4.18.1' }))).toBe(4);
    expect(expressMajor(fakeProject({ express: '>=4' }))).toBe(4);
    expect(expressMajor(fakeProject({ express: '^5' }))).toBe(5);
    expect(expressMajor(fakeProject({ express: '5.x' }))).toBe(5);
    expect(expressMajor(fakeProject({ express: '>=5.0.0' }))).toBe(5);
    expect(expressMajor(fakeProject({ express: 'latest' }))).toBe(5);
    expect(expressMajor(fakeProject({ express: 'workspace:*' }))).toBe(4);
    expect(expressMajor(fakeProject({}))).toBe(4);
  });
});

describe('rejectionGap', () => {
  it('is null only when a non-rethrowing try covers every await and throw', () => {
    expect(gapOf('async function h(req, res, next) { try { await a(); } catch (e) { next(e); } }')).toBeNull();
    expect(gapOf('async function h(req, res, next) { const id = req.params.id; try { await a(id); } catch (e) { await log(e); next(e); } }')).toBeNull();
    expect(gapOf('async function h(req, res, next) { if (x) { try { await a(); } catch (e) { next(e); } } }')).toBeNull();
    expect(gapOf('async function h(req, res) { try { await a(); } catch (e) { res.status(500).end(); } finally { await release(); } }')).toBeNull();
    expect(gapOf('async function h(req, res) { try { await a(); } catch { queue.push(async () => { throw new Error("later"); }); } }')).toBeNull();
  });

  it('names the gap: no try, an await or throw outside it, or a rethrow', () => {
    expect(gapOf('async function h(req, res) { res.json(await a()); }')).toBe('no-try');
    expect(gapOf('async function h(req, res) { res.json(compute()); }')).toBe('no-try');
    expect(gapOf('async function h(req, res, next) { const x = await a(); try { await b(x); } catch (e) { next(e); } }')).toBe('outside-try');
    expect(gapOf('async function h(req, res, next) { for await (const row of rows()) {} try { await b(); } catch (e) { next(e); } }')).toBe('outside-try');
    expect(gapOf('async function h(req, res) { try { await a(); } catch (e) { if (e.code) return; throw e; } }')).toBe('rethrows');
    expect(gapOf('async function h(req, res) { try { await a(); } finally { done(); } }')).toBe('no-try');
  });
});
