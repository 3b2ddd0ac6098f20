// Code that only runs outside production: a branch under `if (NODE_ENV === 'development')`,
// `!isProduction ? … : …`, `isDev && …`. Security rules that accept a relaxed setting in
// development (TLS verification, CORS) ask here.
import { ts } from './typescript.js';
import { chainNames } from './names.js';
import { unwrap } from './references.js';

const DEV_ENVS = new Set(['development', 'dev', 'test', 'testing', 'local']);
const PROD_ENVS = new Set(['production', 'prod']);
const DEV_FLAG = /^(is)?(dev|development|local|test|testing)(env|mode)?$|^__DEV__$/i;
const PROD_FLAG = /^(is)?(prod|production)(env|mode)?$/i;

/** The condition, when true (`when`) or false, only holds outside production. */
function meansDevelopment(cond: ts.Expression, when: boolean): boolean {
  const e = unwrap(cond);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) return meansDevelopment(e.operand, !when);
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) return when ? meansDevelopment(e.left, true) || meansDevelopment(e.right, true) : false;
    if (op === ts.SyntaxKind.BarBarToken) return when ? meansDevelopment(e.left, true) && meansDevelopment(e.right, true) : meansDevelopment(e.left, false) || meansDevelopment(e.right, false);
    const equal = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken;
    const notEqual = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
    if (!equal && !notEqual) return false;
    const env = [e.left, e.right].find((side) => /^(node_?env|env)$/i.test(chainNames(side).pop() ?? ''));
    const other = env === e.left ? e.right : e.left;
    const value = ts.isStringLiteralLike(unwrap(other)) ? (unwrap(other) as ts.StringLiteral).text.toLowerCase() : undefined;
    if (!env || value === undefined) return false;
    const holds = equal ? when : !when; // NODE_ENV === value holds
    return holds ? DEV_ENVS.has(value) : PROD_ENVS.has(value);
  }
  const flag = chainNames(e).pop();
  if (flag === undefined) return false;
  return when ? DEV_FLAG.test(flag) : PROD_FLAG.test(flag);
}

/** The node sits in a branch that only runs in development or test. */
export function isDevelopmentOnly(node: ts.Node): boolean {
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (ts.isIfStatement(parent) && child !== parent.expression && meansDevelopment(parent.expression, child === parent.thenStatement)) return true;
    if (ts.isConditionalExpression(parent) && child !== parent.condition && meansDevelopment(parent.condition, child === parent.whenTrue)) return true;
    if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken && child === parent.right && meansDevelopment(parent.left, true)) return true;
  }
  return false;
}
