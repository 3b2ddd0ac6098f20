// The process lifecycle evidence of one file: the handlers it installs and what each does, and what
// its exported functions do (a handler in another file imports them: computed apart, on demand). What a function does is
// folded from the functions nested in it and the local functions it calls.
import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/core/parse.js';
import { lifecycleExportsOf } from '../../src/project/modules.js';
import { moduleFactsOf } from '../support/module-facts.js';

const PATH = '/srv/orders/src/server.ts';
/** The file's evidence, with what its exported functions do (computed apart, when a handler elsewhere imports one). */
const lifecycleOf = (code: string) => ({
  ...moduleFactsOf(PATH, code).evidence.processLifecycle,
  exported: lifecycleExportsOf(parseText(PATH, code).sourceFile, () => null),
});

describe('process lifecycle evidence', () => {
  it('folds a handler’s nested callbacks and the local functions it calls', () => {
    const evidence = lifecycleOf(
      [
        "import { createServer } from 'node:http';",
        "import { closePool } from './db/pool';",
        'const server = createServer();',
        'function stopAccepting() {',
        '  server.close(() => {',
        '    process.exit(0);',
        '  });',
        '}',
        "process.on('SIGTERM', () => {",
        '  stopAccepting();',
        '  closePool();',
        '});',
        "process.once('unhandledRejection', (reason) => {",
        '  setImmediate(() => { throw reason; });',
        '});',
        "process.on('warning', () => process.exit(1));",
      ].join('\n'),
    );
    expect(evidence.handlers).toEqual([
      { event: 'SIGTERM', line: 9, column: 1, handler: { kind: 'effects', effects: { exits: true, closes: true, opaque: false, calls: [] } } },
      { event: 'unhandledRejection', line: 13, column: 1, handler: { kind: 'effects', effects: { exits: true, closes: false, opaque: false, calls: [] } } },
    ]);
  });

  it('tells what exported functions do, through their nested functions and local callees, cycles included', () => {
    const evidence = lifecycleOf(
      [
        "import { EventEmitter } from 'node:events';",
        "import { flushMetrics } from './metrics';",
        'const emitter = new EventEmitter();',
        'const state = { closing: false };',
        'function drain(): void {',
        '  if (state.closing) finish();',
        '}',
        'function finish(): void {',
        '  drain();',
        '  process.exitCode = 1;',
        '  queue.disconnect();',
        '}',
        'export function shutdown(): void {',
        '  const later = () => finish();',
        '  setTimeout(later, 10);',
        '}',
        'export const notify = (): void => {',
        '  emitter.emit("stopping");',
        '  console.error("stopping");',
        '};',
        'export function report(): void {',
        '  flushMetrics();',
        '}',
        'export class Worker {',
        '  stop(): void { process.exit(0); }',
        '}',
      ].join('\n'),
    );
    expect(evidence.exported).toEqual({
      shutdown: { exits: true, closes: true, opaque: false, calls: [] },
      notify: { exits: false, closes: false, opaque: true, calls: [] },
      report: { exits: false, closes: false, opaque: false, calls: [] },
    });
  });

  it('records error reporters, shutdown hooks and handlers installed through aliases', () => {
    const evidence = lifecycleOf(
      [
        "import * as Sentry from '@sentry/node';",
        "import { NestFactory } from '@nestjs/core';",
        "import { on as listen } from 'node:process';",
        'Sentry.init({ dsn: process.env.SENTRY_DSN });',
        'async function bootstrap() {',
        '  const app = await NestFactory.create(AppModule);',
        '  app.enableShutdownHooks();',
        "  for (const signal of ['SIGTERM', 'SIGINT']) listen(signal, () => app.close());",
        '}',
        'void bootstrap();',
      ].join('\n'),
    );
    expect(evidence.errorReporters).toEqual(['@sentry/node']);
    expect(evidence.shutdownHooks).toEqual(['enableShutdownHooks()']);
    expect(evidence.handlers.map((h) => [h.event, h.line, h.handler])).toEqual([
      ['SIGTERM', 8, { kind: 'effects', effects: { exits: false, closes: true, opaque: false, calls: [] } }],
      ['SIGINT', 8, { kind: 'effects', effects: { exits: false, closes: true, opaque: false, calls: [] } }],
    ]);
  });

  it('finds handlers installed through element access, a required process and an alias of process', () => {
    const evidence = lifecycleOf(
      [
        "const proc = require('process');",
        'const runtime = process;',
        "process['once']('SIGINT', () => process.exit(0));",
        "proc.on('SIGTERM', () => server.close());",
        "runtime.prependListener('uncaughtException', (error) => { throw error; });",
        "emitter.on('SIGTERM', () => process.exit(0));",
        "process.on('message', () => process.exit(0));",
      ].join('\n'),
    );
    expect(evidence.handlers.map((h) => `${h.event}:${h.line}`)).toEqual(['SIGINT:3', 'SIGTERM:4', 'uncaughtException:5']);
  });

  it('records shutdown hooks and reporter starts in a file that never names process', () => {
    const evidence = lifecycleOf(
      [
        "import { init } from '@sentry/node';",
        "import { NestFactory } from '@nestjs/core';",
        "init({ dsn: 'https://key@o1.ingest.sentry.io/1' });",
        'export async function bootstrap(): Promise<void> {',
        '  const app = await NestFactory.create(AppModule);',
        '  app.enableShutdownHooks();',
        '  await app.listen(3000);',
        '}',
      ].join('\n'),
    );
    expect(evidence.errorReporters).toEqual(['@sentry/node']);
    expect(evidence.shutdownHooks).toEqual(['enableShutdownHooks()']);
    expect(evidence.handlers).toEqual([]);
  });

  it('follows a chain of local functions longer than the call stack is deep', () => {
    // 20,000 functions, each calling the next: the fold keeps its own stack. The last one exits.
    const count = 20_000;
    const lines = ["process.on('SIGTERM', () => step0());"];
    for (let i = 0; i < count; i++) lines.push(`function step${i}(): void { step${i + 1}(); }`);
    lines.push(`function step${count}(): void { process.exit(0); }`, 'export function stop(): void { step0(); }');
    const evidence = lifecycleOf(lines.join('\n'));
    expect(evidence.handlers).toEqual([{ event: 'SIGTERM', line: 1, column: 1, handler: { kind: 'effects', effects: { exits: true, closes: false, opaque: false, calls: [] } } }]);
    expect(evidence.exported).toEqual({ stop: { exits: true, closes: false, opaque: false, calls: [] } });
  });

  it('gives every function of a cycle what the cycle does, whichever handler is registered first', () => {
    // b closes the server and exits; a only calls b. Folded from b first, a used to be kept without b.
    const exitsAndCloses = { kind: 'effects', effects: { exits: true, closes: true, opaque: false, calls: [] } };
    const cycle = ["import { createServer } from 'node:http';", 'const server = createServer();', 'function a() { b(); }', 'function b() { a(); server.close(); process.exit(0); }'];
    const bFirst = lifecycleOf([...cycle, "process.on('SIGTERM', b);", "process.on('uncaughtException', a);"].join('\n'));
    const aFirst = lifecycleOf([...cycle, "process.on('uncaughtException', a);", "process.on('SIGTERM', b);"].join('\n'));
    expect(bFirst.handlers.map((h) => [h.event, h.handler])).toEqual([
      ['SIGTERM', exitsAndCloses],
      ['uncaughtException', exitsAndCloses],
    ]);
    expect(aFirst.handlers.map((h) => [h.event, h.handler])).toEqual([
      ['uncaughtException', exitsAndCloses],
      ['SIGTERM', exitsAndCloses],
    ]);
  });
});
