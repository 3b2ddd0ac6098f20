// Module facts are plain data: worker threads post them to the main thread and the cache stores them
// as JSON, so no syntax tree node may be reachable from them (a node would drag its whole tree along).
import { describe, expect, it } from 'vitest';
import { moduleFactsOf } from '../support/module-facts.js';

/** The path to the first syntax tree node reachable from `value`, or null. */
function nodeIn(value: unknown, path = 'module', seen = new Set<object>()): string | null {
  if (!value || typeof value !== 'object' || seen.has(value)) return null;
  seen.add(value);
  const v = value as { kind?: unknown; pos?: unknown; end?: unknown };
  if (typeof v.kind === 'number' && typeof v.pos === 'number' && typeof v.end === 'number' && 'parent' in value) return path;
  const entries: Array<[string, unknown]> = value instanceof Map ? [...value].map(([k, x]) => [String(k), x]) : value instanceof Set ? [...value].map((x, i) => [String(i), x]) : Object.entries(value);
  for (const [k, x] of entries) {
    const found = nodeIn(x, `${path}.${k}`, seen);
    if (found) return found;
  }
  return null;
}

describe('module facts', () => {
  it('keep a local alias export and a local defaults.timeout target without their declarations', () => {
    const facts = moduleFactsOf(
      '/srv/billing/src/lib/http.ts',
      [
        "import axios from 'axios';",
        '',
        'const billingClient = axios.create({ baseURL: process.env.BILLING_URL });',
        'billingClient.defaults.timeout = 4000;',
        '',
        'export { billingClient };',
        'export default billingClient;',
        'const clients = { payments: billingClient };',
        'const { payments } = clients;',
        'export { payments as paymentsClient };',
      ].join('\n'),
    );
    expect(facts.defaultsTimeout).toMatchObject([{ kind: 'local', name: 'billingClient' }]);
    expect(facts.exports.get('paymentsClient')?.alias).toMatchObject({ kind: 'local', name: 'payments' });
    expect(nodeIn(facts)).toBeNull();
  });

  it('hold no syntax tree node in a CommonJS module with handlers, loggers and evidence of every collector', () => {
    const facts = moduleFactsOf(
      '/srv/orders/src/app.js',
      [
        "const express = require('express');",
        "const pino = require('pino');",
        "const { Pool } = require('pg');",
        '',
        'const logger = pino();',
        'const pool = new Pool({ statement_timeout: 5000 });',
        'const app = express();',
        "app.set('query parser', 'extended');",
        "app.get('/orders/:id', async (req, res) => {",
        "  const { rows } = await pool.query('select * from orders where id = $1', [req.params.id]);",
        '  res.json(rows[0]);',
        '});',
        "process.on('SIGTERM', () => server.close());",
        'const server = app.listen(process.env.PORT);',
        'const findOrder = (id) => pool.query(`select * from orders where id = ${id}`);',
        'module.exports = { app, logger, findOrder, alias: findOrder };',
      ].join('\n'),
    );
    expect(facts.listens).toBe(true);
    expect(nodeIn(facts)).toBeNull();
  });
});

describe('module facts: listens', () => {
  const listens = (code: string[]) => moduleFactsOf('/srv/flags/src/server.ts', code.join('\n')).listens;

  it('counts a listen with a port, a callback or options, whatever the receiver', () => {
    expect(listens(["import { app } from './app';", 'await app.listen(3000);'])).toBe(true);
    expect(listens(['export function start(server: Server, port: number) {', '  server.listen(port, () => console.log(port));', '}'])).toBe(true);
    expect(listens(["import Fastify from 'fastify';", 'const fastify = Fastify();', 'await fastify.listen({ port: 8080 });'])).toBe(true);
  });

  it('counts a listen without arguments on a value a package made', () => {
    expect(listens(["import http from 'node:http';", "import { app } from './app';", 'const server = http.createServer(app);', 'server.listen();'])).toBe(true);
    expect(listens(["import Koa from 'koa';", 'const app = new Koa();', 'app.listen();'])).toBe(true);
    expect(listens(["import { NestFactory } from '@nestjs/core';", "import { AppModule } from './app.module';", 'async function bootstrap() {', '  const app = await NestFactory.create(AppModule);', '  await app.listen();', '}'])).toBe(true);
  });

  it('does not count a listen without arguments on a service: a domain method subscribing to events', () => {
    expect(
      listens([
        "import { FeatureLifecycleService } from './features/lifecycle/feature-lifecycle-service';",
        "import { createOnboardingService } from '@/features/onboarding';",
        'export function createServices(stores: Stores, config: Config) {',
        '  const lifecycleService = new FeatureLifecycleService(stores, config);',
        '  lifecycleService.listen();',
        '  const onboardingService = createOnboardingService(config);',
        '  onboardingService.listen();',
        '  config.eventBus.listen();',
        '  return { lifecycleService, onboardingService };',
        '}',
      ]),
    ).toBe(false);
    expect(listens(["import { ipcMain } from 'electron';", "ipcMain.listen('file-saved', () => undefined);"])).toBe(false);
  });

  it('does not count a listen given a constructed object: ShareDB attaching a client stream', () => {
    const gateway = (body: string[]) => [
      "import ShareDB from 'sharedb';",
      "import WebSocketJSONStream from '@teamwork/websocket-json-stream';",
      'const backend = new ShareDB();',
      'export function attach(socket: WebSocket, request: IncomingMessage) {',
      ...body,
      '}',
    ];
    expect(listens(gateway(['  const stream = new WebSocketJSONStream(socket);', '  backend.listen(stream, request);']))).toBe(false);
    expect(listens(gateway(['  backend.listen(new WebSocketJSONStream(socket));']))).toBe(false);
    // A port, even one built by a call or `new Number`, or a local holding one, is a server's.
    expect(listens(gateway(['  const port = Number(process.env.PORT);', '  backend.listen(port);']))).toBe(true);
    expect(listens(gateway(['  backend.listen(new Number(process.env.PORT));']))).toBe(true);
    // A handle Node's net module built (an inherited socket) is a server's too.
    expect(listens(["import net from 'node:net';", 'const server = net.createServer();', 'const handle = new net.Socket({ fd: 3 });', 'server.listen(handle);'])).toBe(true);
    expect(listens(["import { Server, Socket } from 'net';", 'new Server().listen(new Socket({ fd: 3 }));'])).toBe(true);
  });

  it('see UI code in React\u2019s hooks, Next.js\u2019s client router and a use client directive, not in next/navigation\u2019s redirect', () => {
    const browser = (path: string, code: string) => moduleFactsOf(path, code).roleEvidence.browserSyntax;
    expect(browser('/web/src/hooks/useCart.ts', "import { useState } from 'react';\nexport const useCart = () => useState(0);\n")).toBe(true);
    expect(browser('/web/src/hooks/useNav.ts', "import { usePathname as path } from 'next/navigation';\nexport const useNav = () => path();\n")).toBe(true);
    expect(browser('/web/src/lib/go.ts', "import router from 'next/router';\nexport const go = (id: string) => router.push(id);\n")).toBe(true);
    expect(browser('/web/src/lib/chat.ts', "'use client';\nexport const ping = () => 1;\n")).toBe(true);
    expect(browser('/web/src/app/actions.ts', "import { redirect } from 'next/navigation';\nexport async function done() { redirect('/'); }\n")).toBe(false);
    expect(browser('/web/src/lib/types.ts', "import type { useState } from 'react';\nexport type Setter = ReturnType<typeof useState>;\n")).toBe(false);
    expect(browser('/web/src/lib/mail.tsx', "import { createElement } from 'react';\nexport const body = createElement('p', null, 'hi');\n")).toBe(false);
  });

  it('count an exported async function as settling only when no call it returns escapes the try', () => {
    const facts = moduleFactsOf(
      '/srv/accounts/src/users.repository.ts',
      [
        "import { db } from './db';",
        "import { audit, logger } from './audit';",
        '',
        'export async function touchUser(id: string) {',
        '  try {',
        '    return await db.user.update({ where: { id }, data: { seenAt: new Date() } });',
        '  } catch (err) {',
        "    logger.warn({ err }, 'touch failed');",
        '    return null;',
        '  }',
        '}',
        '',
        'export async function loadUser(id: string) {',
        '  try {',
        '    audit(id);',
        '  } catch (err) {',
        "    logger.warn({ err }, 'audit failed');",
        '  }',
        '  return db.user.findUnique({ where: { id } });',
        '}',
        '',
      ].join('\n'),
    );
    expect(facts.exports.get('touchUser')?.settles).toBe(true);
    expect(facts.exports.get('loadUser')?.settles).toBe(false);
    // What async-handler-errors reads: a returned call is taken for a value (`return res.send(…)`).
    expect(facts.exports.get('loadUser')?.catchesAll).toBe(true);
  });
});
