// no-tls-bypass: code that turns off TLS certificate verification — `rejectUnauthorized: false`
// (https/tls agents, axios `httpsAgent`, pg/mysql/redis `ssl`/`tls` options), `strictSSL: false`,
// a `checkServerIdentity` that accepts any host, and `NODE_TLS_REJECT_UNAUTHORIZED=0`. Encryption
// without verification talks to whoever answers: anyone on the network path can present their own
// certificate and read or change the traffic, database passwords and API keys included.
// Settings guarded to development or test (`if (NODE_ENV === 'development')`) are left alone.
import { ts } from '../src/core/typescript.js';
import { isDevelopmentOnly } from '../src/core/environment.js';
import { chainNames } from '../src/core/names.js';
import { memberName, unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';
import type { Helpers } from '../src/core/helpers.js';

const TLS_ENV = 'NODE_TLS_REJECT_UNAUTHORIZED';

function propertyName(p: ts.ObjectLiteralElementLike): string | undefined {
  const name = p.name;
  return name && (ts.isIdentifier(name) || ts.isStringLiteral(name)) ? name.text : undefined;
}

/** `false`, or a const holding it. */
function isFalse(expr: ts.Expression, helpers: Helpers): boolean {
  const e = helpers.valueOf(expr);
  return e.kind === ts.SyntaxKind.FalseKeyword || (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken && ts.isNumericLiteral(e.operand) && e.operand.text === '1');
}

/** `'0'` or `0`: the value that makes Node skip verification for every connection. */
function isZero(expr: ts.Expression, helpers: Helpers): boolean {
  const e = helpers.valueOf(expr);
  return (ts.isNumericLiteral(e) && e.text === '0') || helpers.staticString(e) === '0';
}

/** A function that returns nothing: `() => undefined`, `() => {}`, `function () { return; }`. */
function acceptsAnyHost(fn: ts.Node): boolean {
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn) || ts.isMethodDeclaration(fn))) return false;
  const body = fn.body;
  if (!body) return false;
  const empty = (e: ts.Expression | undefined) =>
    !e || (ts.isIdentifier(e) && e.text === 'undefined') || e.kind === ts.SyntaxKind.NullKeyword || ts.isVoidExpression(e);
  if (!ts.isBlock(body)) return empty(unwrap(body));
  return body.statements.every((s) => ts.isReturnStatement(s) && empty(s.expression && unwrap(s.expression)));
}

const COMMAND_RUNNERS = /^(exec|execSync|execFile|execFileSync|spawn|spawnSync|fork|execa|execaSync|execaCommand|execaCommandSync)$/;

/** The string is (an element of) an argument of a child-process call. */
function isCommandArgument(node: ts.Node): boolean {
  let n = node;
  if (ts.isArrayLiteralExpression(n.parent)) n = n.parent;
  const call = n.parent;
  return ts.isCallExpression(call) && call.arguments.includes(n as ts.Expression) && COMMAND_RUNNERS.test(chainNames(call.expression).pop() ?? '');
}

export default defineFileRule({
  id: 'no-tls-bypass',
  category: 'security',
  severity: 'critical',
  recommended: true,
  hasSuggestions: true,
  cwe: [295],
  defaultOptions: {},
  messages: {
    disabledOption: '`{{option}}: false` turns off TLS certificate verification: anyone on the network path can impersonate the server — remove it, and pass `ca` if the server uses a private CA',
    acceptAnyHost: '`checkServerIdentity` accepts every certificate\'s host name: return the result of `tls.checkServerIdentity(host, cert)` instead',
    envBypass: '`NODE_TLS_REJECT_UNAUTHORIZED=0` turns off certificate verification for every TLS connection of the process: remove it, and set `NODE_EXTRA_CA_CERTS` for a private CA',
    verify: 'Verify certificates (`{{option}}: true`)',
  },
  docs: {
    description: 'Disallow turning off TLS certificate verification.',
    why:
      'With certificate verification off, a TLS connection is encrypted to whoever answers: anyone between the service and ' +
      'its database, payment provider or internal API (a compromised container, a cloud network neighbour, a rogue proxy) can ' +
      'present their own certificate and read or rewrite the traffic, credentials included. `NODE_TLS_REJECT_UNAUTHORIZED=0` does ' +
      'this for every connection the process makes. Settings guarded to development or test (`NODE_ENV === \'development\'`) are not flagged.',
    fix:
      'Remove the option. If the server has a self-signed or private-CA certificate, pass its CA (`ca: fs.readFileSync(\'rds-ca.pem\')`, ' +
      'or `NODE_EXTRA_CA_CERTS`) so it is verified instead of trusted blindly.',
    sites: 'TLS verification settings',
    examples: {
      invalid: [
        {
          filename: 'src/db.ts',
          code:
            "import { Pool } from 'pg';\n\n" +
            "export const pool = new Pool({\n  connectionString: process.env.DATABASE_URL,\n  ssl: { rejectUnauthorized: false },\n});\n",
        },
      ],
      valid: [
        {
          filename: 'src/db.ts',
          code:
            "import { readFileSync } from 'node:fs';\nimport { Pool } from 'pg';\n\n" +
            "export const pool = new Pool({\n  connectionString: process.env.DATABASE_URL,\n  ssl: { ca: readFileSync('/etc/ssl/rds-ca.pem', 'utf8') },\n});\n",
        },
        {
          filename: 'src/db.ts',
          code:
            "import { Pool } from 'pg';\n\n" +
            "export const pool = new Pool({\n  connectionString: process.env.DATABASE_URL,\n" +
            "  ssl: process.env.NODE_ENV === 'development' ? { rejectUnauthorized: false } : true,\n});\n",
        },
      ],
    },
  },
  create(context) {
    const { helpers } = context;
    if (context.file.roles.has('test')) return {};
    const report = (node: ts.Node, messageId: string, data?: Record<string, string>, valueNode?: ts.Node) => {
      if (isDevelopmentOnly(node)) return;
      const suggest = valueNode && data?.option ? [{ messageId: 'verify', data, edits: [{ start: valueNode.getStart(), end: valueNode.end, text: 'true' }] }] : undefined;
      context.report({ node, messageId, data, suggest });
    };
    return {
      ObjectLiteralExpression(object) {
        for (const p of object.properties) {
          const name = propertyName(p);
          if (name !== 'rejectUnauthorized' && name !== 'strictSSL' && name !== 'checkServerIdentity' && name !== TLS_ENV) continue;
          context.countSite(p);
          const value = ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : undefined;
          if (name === 'checkServerIdentity') {
            const fn = ts.isMethodDeclaration(p) ? p : value && unwrap(value);
            if (fn && acceptsAnyHost(fn)) report(p, 'acceptAnyHost');
          } else if (name === TLS_ENV) {
            if (value && isZero(value, helpers)) report(p, 'envBypass');
          } else if (value && isFalse(value, helpers)) {
            report(p, 'disabledOption', { option: name }, ts.isPropertyAssignment(p) && unwrap(value).kind === ts.SyntaxKind.FalseKeyword ? value : undefined);
          }
        }
      },
      BinaryExpression(node) {
        // process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'
        if (node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
        const target = unwrap(node.left);
        if (!(ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target)) || memberName(target) !== TLS_ENV) return;
        const ref = helpers.referenceOf(target);
        if (ref?.kind !== 'global' || ref.name !== 'process' || ref.path.join('.') !== `env.${TLS_ENV}`) return;
        context.countSite(node);
        if (isZero(node.right, helpers)) report(node, 'envBypass');
      },
      StringLiteral(node) {
        // A command line that sets it: execSync('NODE_TLS_REJECT_UNAUTHORIZED=0 node sync.js'); an error
        // message that mentions the variable is not a command.
        if (/\bNODE_TLS_REJECT_UNAUTHORIZED=["']?0\b/.test(node.text) && isCommandArgument(node)) {
          context.countSite(node);
          report(node, 'envBypass');
        }
      },
    };
  },
});
