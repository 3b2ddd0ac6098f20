// no-insecure-random: `Math.random()` used to make a security value — a token, password, OTP,
// salt, nonce, session id, API key — decided by the name the value is stored under or returned
// from. Math.random is a fast PRNG whose internal state can be recovered from a handful of outputs,
// so reset links, one-time codes and session ids made from it can be predicted and taken over.
// Jitter, sampling, shuffles, slugs and request ids are left alone: their names say what they are.
import { ts } from '../src/core/typescript.js';
import { chainNames, destinationOf, enclosingFunctionName, functionName, purposeOfNames, type NamePurpose } from '../src/core/names.js';
import { defineFileRule } from '../src/core/rule.js';
import { isFunctionLike } from '../src/core/scope.js';

/** Who receives the value when it is passed on: timers and sleeps take delays, loggers take noise. */
const NON_SECRET_CALLEES = /^(setTimeout|setInterval|setImmediate|sleep|delay|wait|timeout|log|info|debug|warn|error|trace)$/i;

/** The name that decides what a `Math.random()` value is for, and what it says. */
function purposeOf(call: ts.CallExpression): { purpose: NamePurpose; name?: string } {
  const dest = destinationOf(call);
  if (dest.kind === 'test') return { purpose: 'not-secret' };
  let decided: { purpose: NamePurpose; name?: string } = { purpose: 'unknown' };
  if (dest.kind === 'name') decided = purposeOfNames(dest.names);
  if (dest.kind === 'return') {
    const name = functionName(dest.fn);
    if (name) decided = purposeOfNames([name]);
  }
  if (dest.kind === 'argument') {
    const callee = chainNames(dest.call.expression).pop();
    if (callee !== undefined && NON_SECRET_CALLEES.test(callee)) return { purpose: 'not-secret' };
  }
  if (decided.purpose !== 'unknown') return decided;
  // A local with a name that says nothing (`out`, `result`) speaks for its function only if returned:
  // `let out = ''; for (…) out += chars[…]; return out;` inside `generateResetToken()`.
  if (dest.kind === 'name' && !(dest.names.length === 1 && isReturned(dest.names[0] ?? '', call))) return decided;
  const fn = enclosingFunctionName(call);
  return fn ? purposeOfNames([fn]) : decided;
}

/** The enclosing function returns an expression that reads the local `name`. */
function isReturned(name: string, from: ts.Node): boolean {
  let fn: ts.Node | undefined = from.parent;
  while (fn && !isFunctionLike(fn)) fn = fn.parent;
  if (!fn) return false;
  // Inside an object literal the property's own name says what the value is (`return { requestId }`).
  const reads = (n: ts.Node): boolean => (ts.isIdentifier(n) && n.text === name) || (!isFunctionLike(n) && !ts.isObjectLiteralExpression(n) && ts.forEachChild(n, reads) === true);
  const visit = (n: ts.Node): boolean => {
    if (isFunctionLike(n)) return false;
    if (ts.isReturnStatement(n)) return n.expression !== undefined && reads(n.expression);
    return ts.forEachChild(n, visit) === true;
  };
  const body = (fn as ts.FunctionLikeDeclaration).body;
  if (!body) return false;
  return ts.isBlock(body) ? visit(body) : reads(body);
}

export default defineFileRule({
  id: 'no-insecure-random',
  category: 'security',
  severity: 'high',
  recommended: true,
  cwe: [338],
  defaultOptions: {},
  messages: {
    insecureRandom:
      '`Math.random()` makes `{{name}}`, a security value, and its output can be predicted: use `crypto.randomBytes(32).toString(\'hex\')`, `crypto.randomInt()` or `crypto.randomUUID()`',
  },
  docs: {
    description: 'Disallow `Math.random()` for tokens, passwords, one-time codes, salts, nonces and session ids.',
    why:
      '`Math.random()` is not a cryptographic generator: V8 uses xorshift128+, whose state can be reconstructed from a few ' +
      'observed outputs, after which every later value is known. A password-reset token, an OTP, an invite code or a session ' +
      'id made from it can be predicted by anyone who has seen a few others, and the account behind it taken over. ' +
      'The rule decides what a value is for by the name it is stored under (`resetToken`, `otp`, `salt`, `sessionId`) or ' +
      'the function that returns it (`generateApiKey`); jitter, sampling, shuffles, slugs and request ids are not flagged.',
    fix:
      'Use `node:crypto`: `randomBytes(32).toString(\'hex\')` or `.toString(\'base64url\')` for tokens, `randomInt(0, 1_000_000)` for ' +
      'numeric codes, `randomUUID()` for ids. Mind the format: a 6-digit OTP becomes `randomInt(100_000, 1_000_000)`, not a UUID.',
    sites: '`Math.random()` calls',
    examples: {
      invalid: [
        {
          filename: 'src/auth/password-reset.service.ts',
          code:
            "export function createResetLink(userId: string) {\n" +
            "  const resetToken = Math.random().toString(36).slice(2);\n" +
            "  return { userId, resetToken, url: `/reset?token=${resetToken}` };\n}\n",
        },
      ],
      valid: [
        {
          filename: 'src/auth/password-reset.service.ts',
          code:
            "import { randomBytes } from 'node:crypto';\n\n" +
            "export function createResetLink(userId: string) {\n" +
            "  const resetToken = randomBytes(32).toString('hex');\n" +
            "  return { userId, resetToken, url: `/reset?token=${resetToken}` };\n}\n",
        },
        {
          filename: 'src/http/retry.ts',
          code: "export function backoff(attempt: number): number {\n  const jitter = Math.random() * 100;\n  return 2 ** attempt * 100 + jitter;\n}\n",
        },
      ],
    },
  },
  create(context) {
    const { helpers } = context;
    if (context.file.roles.has('test') || context.file.roles.has('browser')) return {};
    return {
      CallExpression(call) {
        if (!helpers.isGlobalCall(call, 'Math', 'random')) return;
        context.countSite(call);
        const { purpose, name } = purposeOf(call);
        if (purpose === 'secret' && name) context.report({ node: call, messageId: 'insecureRandom', data: { name } });
      },
    };
  },
});
