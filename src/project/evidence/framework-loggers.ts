// Framework-made pino loggers (`request.log`, `fastify.log`, pino-http's `req.log`) are configured
// where the framework or middleware is created, often in another file than the handlers that log:
// this collector records what those creation options say about `redact`, for no-sensitive-data-in-logs.
import { ts } from '../../core/typescript.js';
import { pinoOptions } from '../../core/loggers.js';
import { unwrap } from '../../core/references.js';
import type { CollectorFactory } from './index.js';
import { mentions } from './mentions.js';

export interface FrameworkLoggerConfig {
  /** Redact paths of the logger options; null when none; 'unknown' when they cannot be read. */
  redact: readonly string[] | 'unknown' | null;
}

/** Creations whose options object configures a pino logger: `fastify({ logger })`, `pinoHttp(opts)`. */
const CREATORS: Record<string, 'logger-option' | 'options' | 'pinoHttp-option'> = {
  fastify: 'logger-option',
  'fastify.default': 'logger-option',
  'fastify.fastify': 'logger-option',
  'pino-http': 'options',
  'pino-http.default': 'options',
  'pino-http.pinoHttp': 'options',
  'express-pino-logger': 'options',
  'koa-pino-logger': 'options',
  'nestjs-pino.LoggerModule.forRoot': 'pinoHttp-option',
};

/** Every dot-prefix of a CREATORS key: a module outside it cannot start one (checked before joining the path). */
const CREATOR_PREFIXES = new Set(Object.keys(CREATORS).flatMap((key) => key.split('.').map((_, i, parts) => parts.slice(0, i + 1).join('.'))));

/** Every CREATORS module names one of these. */
const CREATOR_NAMES = ['fastify', 'pino'];
const KINDS = [ts.SyntaxKind.CallExpression];

const identity = (e: ts.Expression) => unwrap(e);

function optionValue(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined | 'unknown' {
  for (const p of obj.properties) {
    if (ts.isSpreadAssignment(p)) return 'unknown';
    if (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name) {
      return ts.isPropertyAssignment(p) ? unwrap(p.initializer) : 'unknown';
    }
  }
  return undefined;
}

function redactOf(options: ts.Expression | undefined): FrameworkLoggerConfig['redact'] {
  if (!options) return null;
  const o = unwrap(options);
  if (!ts.isObjectLiteralExpression(o)) return 'unknown';
  // pino-http given a ready logger (`{ logger }`): its options live elsewhere.
  if (optionValue(o, 'logger') !== undefined) return 'unknown';
  return pinoOptions(o, identity).redact;
}

/** The logger set-ups of Fastify and pino-http in this file. */
export type FrameworkLoggersEvidence = FrameworkLoggerConfig[];

export const collectFrameworkLoggers: CollectorFactory = (context) => {
  const found: FrameworkLoggerConfig[] = [];
  return {
    // Each creation is a call of a CREATORS module's export: a file that never names one has none.
    kinds: mentions(context.sourceFile, CREATOR_NAMES) ? KINDS : [],
    visit(node) {
      if (!ts.isCallExpression(node)) return;
      const ref = context.referenceOf(node.expression);
      if (ref?.kind !== 'module' || ref.resolved || !CREATOR_PREFIXES.has(ref.module)) return;
      const kind = CREATORS[[ref.module, ...ref.path].join('.')];
      if (!kind) return;
      const options = node.arguments[0] && unwrap(node.arguments[0]);
      if (kind === 'options') {
        found.push({ redact: redactOf(options) });
        return;
      }
      if (!options) return;
      if (!ts.isObjectLiteralExpression(options)) {
        found.push({ redact: 'unknown' });
        return;
      }
      const inner = optionValue(options, kind === 'logger-option' ? 'logger' : 'pinoHttp');
      const instance = kind === 'logger-option' ? optionValue(options, 'loggerInstance') : undefined;
      if (inner === 'unknown' || instance !== undefined) found.push({ redact: 'unknown' });
      else if (inner && ts.isObjectLiteralExpression(inner)) found.push({ redact: redactOf(inner) });
      else if (inner && inner.kind !== ts.SyntaxKind.TrueKeyword && inner.kind !== ts.SyntaxKind.FalseKeyword) found.push({ redact: 'unknown' });
    },
    finish(evidence) {
      evidence.frameworkLoggers = found;
    },
  };
};
