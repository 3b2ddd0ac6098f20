import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSources } from '../../src/core/discover.js';
import { buildProjectFacts, type ProjectFacts } from '../../src/project/facts.js';

function factsOf(files: Record<string, string>): { root: string; facts: ProjectFacts } {
  const root = mkdtempSync(join(tmpdir(), 'prodcheck-loggers-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return { root, facts: buildProjectFacts({ root, files: loadSources(root, []).parsed }) };
}

describe('logger facts', () => {
  it('records logger exports: pino with redact and error keys, a child, winston, bunyan, a wrapper class, CommonJS', () => {
    const { root, facts } = factsOf({
      'src/logger.ts':
        "import pino from 'pino';\n" +
        "const opts = { redact: { paths: ['req.headers.authorization', '*.password'] }, errorKey: 'error' };\n" +
        'export const logger = pino(opts);\n' +
        "export const jobs = logger.child({ module: 'jobs' });\n" +
        'export const dynamic = pino({ ...base });\n' +
        'export const notALogger = { level: 1 };\n',
      'src/win.ts': "import winston from 'winston';\nexport default winston.createLogger({});\n",
      'src/bun.js': "const bunyan = require('bunyan');\nmodule.exports = bunyan.createLogger({ name: 'api' });\n",
      'src/app-logger.ts':
        "import winston from 'winston';\nconst base = winston.createLogger({});\n" +
        'export class AppLogger {\n  info(m: string) { base.info(m); }\n  error(m: string) { base.error(m); }\n}\n',
      'src/index.ts': "export { logger as rootLogger } from './logger';\n",
    });
    const at = (file: string, name: string) => facts.lookupExport(join(root, file), name)?.info.logger;
    expect(at('src/logger.ts', 'logger')).toEqual({ library: 'pino', wrapper: false, redact: ['req.headers.authorization', '*.password'], errorKeys: ['err', 'error'], remapsArguments: false });
    expect(at('src/logger.ts', 'jobs')?.redact).toEqual(['req.headers.authorization', '*.password']);
    expect(at('src/logger.ts', 'dynamic')).toMatchObject({ library: 'pino', redact: 'unknown', remapsArguments: true });
    expect(at('src/logger.ts', 'notALogger')).toBeNull();
    expect(at('src/win.ts', 'default')?.library).toBe('winston');
    expect(at('src/bun.js', 'default')?.library).toBe('bunyan');
    expect(at('src/app-logger.ts', 'AppLogger')).toMatchObject({ library: 'winston', wrapper: true });
    expect(at('src/index.ts', 'rootLogger')?.library).toBe('pino');
  });

  it('collects the redact paths of framework-made loggers (Fastify, pino-http)', () => {
    const { root, facts } = factsOf({
      'src/app.ts': "import Fastify from 'fastify';\nexport const app = Fastify({ logger: { redact: ['body.password'] } });\n",
      'src/http.ts': "import pinoHttp from 'pino-http';\nimport { logger } from './logger';\nexport const a = pinoHttp({ logger });\nexport const b = pinoHttp();\n",
    });
    expect(facts.modules.get(join(root, 'src/app.ts'))?.evidence.frameworkLoggers).toEqual([{ redact: ['body.password'] }]);
    expect(facts.modules.get(join(root, 'src/http.ts'))?.evidence.frameworkLoggers).toEqual([{ redact: 'unknown' }, { redact: null }]);
  });
});
