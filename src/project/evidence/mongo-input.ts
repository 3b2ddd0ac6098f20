// Evidence for no-nosql-injection: how the application parses query strings, and whether it strips
// Mongo operators from all request input. `app.set('query parser', 'extended')` (or a function,
// such as `qs.parse`) lets `?email[$ne]=x` become an object in `req.query` (Express 4's default;
// Express 5 and NestJS 11 default to `simple`: strings and arrays only).
// `app.use(mongoSanitize())` of express-mongo-sanitize removes `$`-keys from body, query and params
// before any route runs.
import { ts } from '../../core/typescript.js';
import { unwrap } from '../../core/references.js';
import type { CollectorFactory } from './index.js';
import { mentions } from './mentions.js';

const KINDS = [ts.SyntaxKind.CallExpression];

export interface MongoInputEvidence {
  /** The `query parser` setting this file makes: `extended` (qs, or a custom function) or `simple` (or turned off). */
  queryParser: 'extended' | 'simple' | null;
  /** This file installs express-mongo-sanitize as an application middleware. */
  sanitizeMiddleware: boolean;
}

export const mongoInputCollector: CollectorFactory = (context) => {
  let queryParser: MongoInputEvidence['queryParser'] = null;
  let sanitizeMiddleware = false;
  const isSanitizer = (e: ts.Expression) => {
    const v = unwrap(e);
    const ref = context.referenceOf(ts.isCallExpression(v) ? v.expression : v);
    return ref?.kind === 'module' && !ref.resolved && ref.module === 'express-mongo-sanitize';
  };
  return {
    // Either setting names its string or the package: other files make neither (see ./mentions.ts).
    kinds: mentions(context.sourceFile, ['query parser', 'express-mongo-sanitize']) ? KINDS : [],
    visit(node) {
      if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return;
      const method = node.expression.name.text;
      const [first, second] = node.arguments;
      // app.set('query parser', 'extended' | 'simple' | false | fn)
      if (method === 'set' && first && ts.isStringLiteral(first) && first.text === 'query parser' && second) {
        const v = unwrap(second);
        queryParser = ts.isStringLiteral(v) ? (v.text === 'extended' ? 'extended' : 'simple') : v.kind === ts.SyntaxKind.FalseKeyword ? 'simple' : 'extended';
      }
      if (method === 'use' && node.arguments.some(isSanitizer)) sanitizeMiddleware = true;
    },
    finish(evidence) {
      evidence.mongoInput = { queryParser, sanitizeMiddleware };
    },
  };
};
