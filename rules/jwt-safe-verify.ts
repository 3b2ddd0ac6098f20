// jwt-safe-verify: jsonwebtoken used in ways that let a forged or eternal token through —
// `verify` without an `algorithms` allow-list, `algorithms` (or a signing `algorithm`) of `none`,
// `sign` without `expiresIn` or an `exp` claim, and `decode` used to authenticate a request
// (decode reads a token without checking its signature). Any of these lets a stolen or
// hand-made token act as a user: for ever, or without the signing key at all.
import { ts } from '../src/core/typescript.js';
import { addArgumentEdit, addPropertyEdit } from '../src/core/edits.js';
import type { Helpers } from '../src/core/helpers.js';
import { consoleCall, isLoggerCall } from '../src/core/matchers.js';
import { chainNames } from '../src/core/names.js';
import { unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';
import { isFunctionLike } from '../src/core/scope.js';

const JWT = 'jsonwebtoken';
/** Names a value read from an incoming request passes through. */
const REQUEST_NAMES = new Set(['req', 'request', 'headers', 'cookies', 'signedCookies', 'authorization', 'handshake']);
/** Where an authenticated identity is stored on a request. */
const REQUEST_STATE = new Set(['req', 'request', 'locals', 'state']);
const EXPIRES_IN = "expiresIn: '1h'";

const isFunctionValue = (e: ts.Expression | undefined) => !!e && (ts.isArrowFunction(unwrap(e)) || ts.isFunctionExpression(unwrap(e)));

/** `'none'` in an algorithms array or as the algorithm. */
function namesNone(expr: ts.Expression | undefined, helpers: Helpers): boolean {
  if (!expr) return false;
  const e = helpers.valueOf(expr);
  if (ts.isArrayLiteralExpression(e)) return e.elements.some((el) => helpers.staticString(helpers.valueOf(el))?.toLowerCase() === 'none');
  return helpers.staticString(e)?.toLowerCase() === 'none';
}

/** The token expression is read from the request: `req.headers.authorization.split(' ')[1]`, or a local set from it. */
function fromRequest(expr: ts.Expression, helpers: Helpers, depth = 0): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || isFunctionLike(n)) return;
    if (ts.isIdentifier(n)) {
      if (REQUEST_NAMES.has(n.text)) found = true;
      else if (depth < 3) {
        const decl = helpers.declarationOf(n);
        if (decl && ts.isVariableDeclaration(decl) && decl.initializer) found = fromRequest(decl.initializer, helpers, depth + 1);
      }
      return;
    }
    if (ts.isPropertyAccessExpression(n)) {
      if (REQUEST_NAMES.has(n.name.text)) found = true;
      else visit(n.expression);
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(expr);
  return found;
}

/** The statement that holds `call`'s value, and the local it is stored in, if any. */
function storedIn(call: ts.CallExpression): ts.Identifier | undefined {
  let n: ts.Node = call;
  while (ts.isAsExpression(n.parent) || ts.isParenthesizedExpression(n.parent) || ts.isNonNullExpression(n.parent) || ts.isAwaitExpression(n.parent)) n = n.parent;
  const p = n.parent;
  return ts.isVariableDeclaration(p) && p.initializer === n && ts.isIdentifier(p.name) ? p.name : undefined;
}

/** The decoded value is only read for its header (to pick a verification key), not for its claims. */
function readsOnlyHeader(call: ts.CallExpression, fnBody: ts.Node, helpers: Helpers): boolean {
  let n: ts.Node = call;
  while (ts.isAsExpression(n.parent) || ts.isParenthesizedExpression(n.parent) || ts.isNonNullExpression(n.parent)) n = n.parent;
  const p = n.parent;
  if (ts.isPropertyAccessExpression(p) && p.name.text === 'header') return true;
  if (ts.isVariableDeclaration(p) && ts.isObjectBindingPattern(p.name)) {
    return p.name.elements.every((el) => (el.propertyName ?? el.name).getText() === 'header');
  }
  const local = storedIn(call);
  if (!local) return false;
  let onlyHeader = true;
  const visit = (x: ts.Node): void => {
    if (!onlyHeader) return;
    if (ts.isIdentifier(x) && x !== local && x.text === local.text && helpers.declarationOf(x) === local.parent) {
      const parent = x.parent;
      if (!(ts.isPropertyAccessExpression(parent) && parent.expression === x && parent.name.text === 'header')) onlyHeader = false;
    }
    ts.forEachChild(x, visit);
  };
  visit(fnBody);
  return onlyHeader;
}

/** Inside the argument list of a logger or console call. */
function inLogCall(node: ts.Node, helpers: Helpers): boolean {
  for (let n: ts.Node | undefined = node.parent; n && !isFunctionLike(n); n = n.parent) {
    if (ts.isCallExpression(n) && n.arguments.some((a) => a.pos <= node.pos && node.end <= a.end) && (isLoggerCall(n) || consoleCall(n, helpers))) return true;
  }
  return false;
}

/** The decoded claims are only logged (`logger.info({ sub: claims.sub })`): reading them is not trusting them. */
function onlyLogged(call: ts.CallExpression, fnBody: ts.Node, helpers: Helpers): boolean {
  if (inLogCall(call, helpers)) return true;
  const local = storedIn(call);
  if (!local) return false;
  let uses = 0;
  let logged = 0;
  const visit = (x: ts.Node): void => {
    if (ts.isIdentifier(x) && x !== local && x.text === local.text && helpers.declarationOf(x) === local.parent) {
      uses++;
      if (inLogCall(x, helpers)) logged++;
    }
    ts.forEachChild(x, visit);
  };
  visit(fnBody);
  return uses > 0 && uses === logged;
}

/** The decoded claims are put on the request as its identity: `req.user = decoded`, `res.locals.user = payload.sub`. */
function storedOnRequest(call: ts.CallExpression, fnBody: ts.Node, helpers: Helpers): boolean {
  const local = storedIn(call);
  let found = false;
  const visit = (x: ts.Node): void => {
    if (found) return;
    if (ts.isBinaryExpression(x) && x.operatorToken.kind === ts.SyntaxKind.EqualsToken && chainNames(x.left).some((name) => REQUEST_STATE.has(name)) && chainNames(x.left).length > 1) {
      const right = unwrap(x.right);
      const root = chainNames(right)[0];
      if (right === call || right.pos <= call.pos && call.end <= right.end || (local && root === local.text && helpers.declarationOf(ts.isIdentifier(right) ? right : local) === local.parent)) found = true;
    }
    ts.forEachChild(x, visit);
  };
  visit(fnBody);
  return found;
}

export default defineFileRule({
  id: 'jwt-safe-verify',
  category: 'security',
  severity: 'high',
  recommended: true,
  hasSuggestions: true,
  cwe: [347],
  defaultOptions: {},
  messages: {
    verifyNoAlgorithms: '`{{callee}}` has no `algorithms` list, so the token\'s own header picks the algorithm it is checked with: pin it — `{ algorithms: [\'HS256\'] }` (or the one your keys use)',
    algorithmNone: '`{{callee}}` allows the `none` algorithm: an unsigned token is accepted as valid — list only the algorithm your keys use',
    signNoExpiry: '`{{callee}}` makes a token with no `expiresIn` and no `exp` claim: a leaked token works for ever — pass `{ expiresIn }`',
    signNone: '`{{callee}}` signs with the `none` algorithm: the token carries no signature, so anyone can make one — sign with the algorithm your keys use',
    decodeAuth: '`{{callee}}` does not check the signature, yet the claims it returns are used as the caller\'s identity: anyone can forge them — use `jwt.verify(token, key, { algorithms })`',
    addExpiry: "Expire the token after one hour (`{ expiresIn: '1h' }`)",
  },
  docs: {
    description: 'Require jsonwebtoken tokens to be verified with an algorithm list, to expire, and never to be trusted after `decode` alone.',
    why:
      '`jwt.verify` without `algorithms` lets the token\'s header pick the algorithm; with jsonwebtoken before 9 a token signed with ' +
      'HS256 using the server\'s RSA public key as the secret passes (algorithm confusion), and listing `none` accepts unsigned tokens. ' +
      '`jwt.decode` checks nothing: claims read from it and trusted as the caller\'s identity can be written by anyone. A token signed ' +
      'without `expiresIn` or an `exp` claim never expires, so a leaked one is a permanent credential.',
    fix:
      'Verify with an explicit list: `jwt.verify(token, key, { algorithms: [\'RS256\'] })`; sign with `{ expiresIn: \'15m\' }` and refresh; ' +
      'use `decode` only to read the header (`kid`) before verifying.',
    sites: 'jsonwebtoken sign, verify and decode calls',
    examples: {
      invalid: [
        {
          filename: 'src/auth/auth.middleware.ts',
          code:
            "import jwt from 'jsonwebtoken';\nimport type { NextFunction, Request, Response } from 'express';\n\n" +
            "export function requireUser(req: Request, res: Response, next: NextFunction) {\n" +
            "  const token = req.headers.authorization?.replace('Bearer ', '') ?? '';\n" +
            "  res.locals.user = jwt.verify(token, process.env.JWT_PUBLIC_KEY!);\n  next();\n}\n",
        },
      ],
      valid: [
        {
          filename: 'src/auth/auth.middleware.ts',
          code:
            "import jwt from 'jsonwebtoken';\nimport type { NextFunction, Request, Response } from 'express';\n\n" +
            "export function requireUser(req: Request, res: Response, next: NextFunction) {\n" +
            "  const token = req.headers.authorization?.replace('Bearer ', '') ?? '';\n" +
            "  res.locals.user = jwt.verify(token, process.env.JWT_PUBLIC_KEY!, { algorithms: ['RS256'] });\n  next();\n}\n",
        },
      ],
    },
  },
  create(context) {
    const { helpers } = context;
    if (context.file.roles.has('test') || context.file.roles.has('browser')) return {};
    const calleeText = (call: ts.CallExpression) => `${call.expression.getText()}(…)`;
    /** Functions (or the file) that call `verify` themselves: a `decode` there reads a token that is checked too. */
    const verifies = new Set<ts.Node>();
    const decodes: ts.CallExpression[] = [];
    const scopeOf = (n: ts.Node): ts.Node => helpers.enclosingFunction(n) ?? n.getSourceFile();

    const checkVerify = (call: ts.CallExpression) => {
      verifies.add(scopeOf(call));
      const options = isFunctionValue(call.arguments[2]) ? undefined : call.arguments[2];
      const algorithms = options ? helpers.property(options, 'algorithms') : ({ kind: 'missing' } as const);
      if (algorithms.kind === 'missing') context.report({ node: call, messageId: 'verifyNoAlgorithms', data: { callee: calleeText(call) } });
      else if (algorithms.kind === 'found' && namesNone(algorithms.value, helpers)) context.report({ node: algorithms.property, messageId: 'algorithmNone', data: { callee: calleeText(call) } });
    };

    const checkSign = (call: ts.CallExpression) => {
      const [payload, , third] = call.arguments;
      const options = isFunctionValue(third) ? undefined : third;
      const algorithm = options ? helpers.property(options, 'algorithm') : ({ kind: 'missing' } as const);
      if (algorithm.kind === 'found' && namesNone(algorithm.value, helpers)) {
        context.report({ node: algorithm.property, messageId: 'signNone', data: { callee: calleeText(call) } });
        return;
      }
      // Only an object literal payload can be seen to lack `exp`; a string payload cannot carry one.
      const claims = payload && helpers.valueOf(payload);
      if (!claims || !ts.isObjectLiteralExpression(claims) || helpers.property(claims, 'exp').kind !== 'missing') return;
      const expiry = options ? helpers.property(options, 'expiresIn') : ({ kind: 'missing' } as const);
      if (expiry.kind !== 'missing') return;
      const literal = options && unwrap(options);
      const edit =
        literal && ts.isObjectLiteralExpression(literal) ? addPropertyEdit(literal, EXPIRES_IN) : !options && call.arguments.length === 2 && call.arguments[1] ? addArgumentEdit(call.arguments[1], `{ ${EXPIRES_IN} }`) : undefined;
      context.report({
        node: call,
        messageId: 'signNoExpiry',
        data: { callee: calleeText(call) },
        suggest: edit ? [{ messageId: 'addExpiry', edits: [edit] }] : undefined,
      });
    };

    return {
      CallExpression(call) {
        if (helpers.isCallTo(call, JWT, 'verify')) {
          context.countSite(call);
          checkVerify(call);
        } else if (helpers.isCallTo(call, JWT, 'sign')) {
          context.countSite(call);
          checkSign(call);
        } else if (helpers.isCallTo(call, JWT, 'decode')) {
          context.countSite(call);
          decodes.push(call);
        }
      },
      'SourceFile:exit'() {
        // Decided at the end of the file: a `verify` may come after the `decode` in the same function.
        for (const call of decodes) {
          const scope = scopeOf(call);
          if (verifies.has(scope)) continue;
          if (readsOnlyHeader(call, scope, helpers) || onlyLogged(call, scope, helpers)) continue;
          const token = call.arguments[0];
          if (!token) continue;
          if (fromRequest(token, helpers) || storedOnRequest(call, scope, helpers)) {
            context.report({ node: call, messageId: 'decodeAuth', data: { callee: calleeText(call) } });
          }
        }
      },
    };
  },
});
