// The request-handler model, per framework. Each fixture project under fixtures/handlers/ marks
// lines with `// request-time` (inside request handling: a handler, a function it calls in the
// same file, or an export that handlers in other files reach) or `// start-up` (not).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ts } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { loadSources } from '../../src/core/discover.js';
import { handlerModelOf } from '../../src/core/handlers.js';
import { createHelpers } from '../../src/core/helpers.js';
import type { FileInfo } from '../../src/core/types.js';
import { buildProjectFacts } from '../../src/project/facts.js';
import { FIXTURES } from '../support/fixtures.js';

const HANDLERS = join(FIXTURES, 'handlers');

/** The deepest node that starts at `pos`. */
function nodeAt(sf: ts.SourceFile, pos: number): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (node: ts.Node) => {
    if (node.getStart(sf) === pos) found = node;
    if (node.getStart(sf) <= pos && pos < node.end) ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function analyse(project: string) {
  const root = join(HANDLERS, project);
  const loaded = loadSources(root, []);
  const facts = buildProjectFacts({ root, files: loaded.parsed });
  const handlers: string[] = [];
  const marks: Array<{ at: string; expected: boolean; actual: boolean }> = [];
  for (const p of loaded.parsed) {
    const file: FileInfo = { path: p.path, relPath: p.relPath, sourceFile: p.sourceFile, text: p.text, roles: facts.roles(p.path) };
    const helpers = createHelpers(p.path, facts);
    const model = handlerModelOf({ file, helpers, project: facts });
    const line = (n: ts.Node) => p.sourceFile.getLineAndCharacterOfPosition(n.getStart(p.sourceFile)).line + 1;
    for (const h of model.handlers) handlers.push(`${p.relPath}:${line(h.fn)} ${h.framework} ${h.kind}${h.request && ts.isIdentifier(h.request.name) ? ` (${h.request.name.text})` : ''}${h.hasSchema ? ' schema' : ''}`);
    p.text.split('\n').forEach((text, i) => {
      const mark = /\/\/ (request-time|start-up)/.exec(text);
      if (!mark) return;
      const pos = p.sourceFile.getPositionOfLineAndCharacter(i, text.length - text.trimStart().length);
      const node = nodeAt(p.sourceFile, pos);
      marks.push({ at: `${p.relPath}:${i + 1}`, expected: mark[1] === 'request-time', actual: !!node && !!model.requestContext(node) });
    });
  }
  return { handlers: handlers.sort(), marks };
}

describe('request-handler model', () => {
  const expected: Record<string, string[]> = {
    express: [
      'src/configure.ts:5 express route (_req)',
      // registered on the Router that app.js passes to the route module (src/legacy/app.js → routes/index.js → routes/invoices.js)
      'src/legacy/routes/invoices.js:10 express route (req)',
      'src/routes/orders.ts:11 express route (req)',
      'src/routes/orders.ts:17 express route (_req)',
      'src/server.ts:13 express route (_req)',
      'src/server.ts:16 express middleware (_req)',
    ],
    fastify: [
      'src/auth.ts:10 fastify middleware (request)',
      'src/routes/products.js:11 fastify route (request) schema',
      'src/routes/products.js:4 fastify route',
      'src/server.ts:12 fastify route',
      'src/server.ts:8 fastify route',
    ],
    hono: ['src/app.ts:10 hono route (c)', 'src/app.ts:6 hono middleware (c)'],
    koa: ['src/server.js:11 koa route (ctx)', 'src/server.js:15 koa middleware (ctx)'],
    nestjs: ['src/orders/orders.controller.ts:13 nestjs route', 'src/orders/orders.controller.ts:8 nestjs route'],
    'routing-controllers': ['src/api/controllers/ContactController.ts:13 routing-controllers route', 'src/api/controllers/ContactController.ts:8 routing-controllers route'],
    'node-http': ['src/server.js:10 node-http route (req)', 'src/server.js:7 node-http route (req)'],
    socketio: ['src/server.ts:8 socket.io event (socket)'],
  };

  it('has a fixture project for every framework it tests', () => {
    expect(readdirSync(HANDLERS).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [project, handlers] of Object.entries(expected)) {
    describe(project, () => {
      const result = analyse(project);
      it('finds the handlers by their registration', () => {
        expect(result.handlers).toEqual(handlers);
      });
      it('knows which marked lines run during request handling', () => {
        expect(result.marks.length).toBeGreaterThan(1);
        expect(result.marks.filter((m) => m.expected !== m.actual)).toEqual([]);
      });
    });
  }
});
