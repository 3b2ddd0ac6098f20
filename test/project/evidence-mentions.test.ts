// The evidence collectors that skip a file whose text never names what they look for (see
// src/project/evidence/mentions.ts) must record the same evidence as a full look would: a name
// written with an escape sequence, an alias of an import, a require, and a file that names none.
import { describe, expect, it } from 'vitest';
import { moduleFactsOf } from '../support/module-facts.js';

describe('evidence collectors skipping files that never name their subject', () => {
  it('still see names spelled with escapes', () => {
    const facts = moduleFactsOf(
      '/srv/app/src/server.js',
      [
        "const h = require('hel\\u006det');",
        "const { Pool } = require('p\\x67');",
        "const pg = require('\\u0070g');",
        'pg.defaults.statement\\u005ftimeout = 5000;',
        "const app = require('expr\\u0065ss')();",
        'app.use(h());',
        "app.set('query\\u0020parser', 'extended');",
        'const port = proc\\u0065ss.env.PORT;',
      ].join('\n'),
    );
    expect(facts.evidence.securityHeaders.helmet).toBe(true);
    expect(facts.evidence.securityHeaders.apps.map((a) => a.framework)).toEqual(['Express']);
    expect(facts.evidence.pgTimeoutSet).toBe(true);
    expect(facts.evidence.mongoInput.queryParser).toBe('extended');
    expect(facts.evidence.env.reads.map((r) => r.name)).toEqual(['PORT']);
  });

  it('still follow aliases, requires and template specifiers', () => {
    const facts = moduleFactsOf(
      '/srv/app/src/main.ts',
      [
        "import * as common from '@nestjs/common';",
        "import { Server as IoServer } from 'socket.io';",
        'const Pipe = common.ValidationPipe;',
        'app.useGlobalPipes(new Pipe());',
        'const io = new IoServer(httpServer);',
        'io.adapter(createAdapter(pub, sub));',
        'const fastify = require(`fastify`);',
        'const server = fastify({ logger: { redact: ["req.headers.authorization"] } });',
        "client.query('SET statement_timeout = 5000');",
      ].join('\n'),
    );
    expect(facts.evidence.validation.globalPipe).toBe(true);
    expect(facts.evidence.socketIo.servers).toEqual([{ line: 5, column: 12, adapterOption: false, adapterCall: true }]);
    expect(facts.evidence.frameworkLoggers).toEqual([{ redact: ['req.headers.authorization'] }]);
    expect(facts.evidence.securityHeaders.apps.map((a) => a.framework)).toEqual(['Fastify']);
    expect(facts.evidence.pgTimeoutSet).toBe(true);
  });

  it('still see a timeout setting written in upper or mixed case', () => {
    expect(moduleFactsOf('/srv/app/src/db.ts', "await client.query('SET STATEMENT_TIMEOUT TO 5000');").evidence.pgTimeoutSet).toBe(true);
    expect(moduleFactsOf('/srv/app/src/db.ts', "await client.query('set Statement_Timeout = 5000');").evidence.pgTimeoutSet).toBe(true);
  });

  it('record nothing for a file that names none of them', () => {
    const facts = moduleFactsOf('/srv/app/src/util.ts', ['export function add(a: number, b: number) {', '  return a + b;', '}'].join('\n'));
    expect(facts.evidence.env).toEqual({ reads: [], parsesWholeEnv: false });
    expect(facts.evidence.frameworkLoggers).toEqual([]);
    expect(facts.evidence.mongoInput).toEqual({ queryParser: null, sanitizeMiddleware: false });
    expect(facts.evidence.pgTimeoutSet).toBe(false);
    expect(facts.evidence.securityHeaders).toEqual({ apps: [], helmet: false, headers: [], poweredByOff: false });
    expect(facts.evidence.socketIo).toEqual({ servers: [], importedAdapterCalls: [], unboundAdapterCalls: 0 });
    expect(facts.evidence.validation).toEqual({ globalPipe: false, zodPipes: [], zodClasses: new Map() });
  });

  it('see an APP_PIPE provider in a file that imports nothing from @nestjs/common, and zod DTOs spelled with an alias', () => {
    const providers = moduleFactsOf(
      '/srv/app/src/middleware/index.ts',
      ["import { APP_PIPE } from '@nestjs/core';", "import * as zod from 'nestjs-zod';", 'export const commonMiddleware = [{ provide: APP_PIPE, useClass: zod.ZodValidationPipe }];'].join('\n'),
    );
    expect(providers.evidence.validation.zodPipes).toEqual([{ package: 'nestjs-zod', kind: 'pipe' }]);
    const dtos = moduleFactsOf(
      '/srv/app/src/dtos/album.dto.ts',
      [
        "const { createZodDto: dto } = require('nestjs-\\u007aod');",
        'class UpdateAlbumDto extends dto(UpdateAlbumSchema) {}',
        'export class CreateAlbumDto extends dto(CreateAlbumSchema) {}',
        'export { UpdateAlbumDto as AlbumUpdateDto };',
      ].join('\n'),
    );
    expect(dtos.evidence.validation.zodClasses).toEqual(
      new Map([
        ['CreateAlbumDto', { package: 'nestjs-zod', kind: 'dto' }],
        ['AlbumUpdateDto', { package: 'nestjs-zod', kind: 'dto' }],
      ]),
    );
  });
});
