// Evidence for require-db-timeout: a pg statement/query timeout set for the whole process rather
// than on one pool's options: `pg.defaults.statement_timeout = n` (every client falls back to
// `pg.defaults` for `statement_timeout` and `query_timeout`), or a `SET statement_timeout …` the
// project sends (usually from `pool.on('connect', …)`). Either can live in a module other than the
// one that builds the pool, so the rule reads it from the facts of every module.
import { ts } from '../../core/typescript.js';
import { memberName, unwrap } from '../../core/references.js';
import type { CollectorFactory } from './index.js';
import { mayEscape } from './mentions.js';

/** The names both tests need in a file's text (see ./mentions.ts; the SQL test is case-insensitive). */
const TIMEOUT_NAMES = /statement_timeout|query_timeout/i;
const KINDS = [ts.SyntaxKind.StringLiteral, ts.SyntaxKind.NoSubstitutionTemplateLiteral, ts.SyntaxKind.TemplateHead, ts.SyntaxKind.BinaryExpression];

const DEFAULT_TIMEOUTS = new Set(['statement_timeout', 'query_timeout']);
/** A session-wide `SET statement_timeout` (not `SET LOCAL`, which ends with the transaction). */
const SET_STATEMENT_TIMEOUT = /\bset\s+(session\s+)?statement_timeout\b/i;

const isZero = (e: ts.Expression) => ts.isNumericLiteral(e) && Number(e.text) === 0;

export const pgTimeouts: CollectorFactory = ({ referenceOf, sourceFile }) => {
  let found = false;
  // A file that never names either timeout (and has no escape that could spell one) can show neither.
  const text = sourceFile.text;
  // Either name, in any case, holds `_t` or `_T`: two plain searches spare most files the case-insensitive one.
  const relevant = mayEscape(sourceFile) || ((text.includes('_t') || text.includes('_T')) && TIMEOUT_NAMES.test(text));
  return {
    kinds: relevant ? KINDS : [],
    visit(node) {
      if (found) return;
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node)) {
        if (SET_STATEMENT_TIMEOUT.test(node.text)) found = true;
        return;
      }
      // pg.defaults.statement_timeout = 5000
      if (!ts.isBinaryExpression(node) || node.operatorToken.kind !== ts.SyntaxKind.EqualsToken || isZero(unwrap(node.right))) return;
      const left = unwrap(node.left);
      if (!(ts.isPropertyAccessExpression(left) || ts.isElementAccessExpression(left))) return;
      const name = memberName(left);
      if (name === undefined || !DEFAULT_TIMEOUTS.has(name)) return;
      const ref = referenceOf(left.expression);
      if (ref?.kind === 'module' && !ref.resolved && ref.module === 'pg' && ref.path.length === 1 && ref.path[0] === 'defaults') found = true;
    },
    finish(evidence) {
      evidence.pgTimeoutSet = found;
    },
  };
};
