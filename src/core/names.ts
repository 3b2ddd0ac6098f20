// What a value is called: the name it is stored under, the function that returns it, the words of
// an identifier. Security rules decide "is this random number a token?" or "is this hash a password
// hash?" from these names, because the code itself says nothing else about a value's purpose.
import { ts } from './typescript.js';
import { memberName, unwrap } from './references.js';
import { isFunctionLike } from './scope.js';

/** The lower-case words of an identifier: `resetPasswordToken` → reset, password, token; `API_KEY` → api, key. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** The names read along a member chain, without `this`: `this.user.resetToken` → user, resetToken. */
export function chainNames(expr: ts.Expression): string[] {
  const names: string[] = [];
  let e = unwrap(expr);
  for (;;) {
    if (ts.isIdentifier(e)) {
      names.unshift(e.text);
      return names;
    }
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      const name = memberName(e);
      if (name !== undefined) names.unshift(name);
      e = unwrap(e.expression);
      continue;
    }
    return names;
  }
}

/** The name a function is known by: its own name, the method, or the variable/property it is assigned to. */
export function functionName(fn: ts.Node): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isMethodDeclaration(fn) || ts.isGetAccessorDeclaration(fn)) && fn.name) {
    if (ts.isIdentifier(fn.name) || ts.isStringLiteral(fn.name) || ts.isPrivateIdentifier(fn.name)) return fn.name.text;
  }
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return undefined;
  const parent = fn.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.initializer === fn) {
    return ts.isIdentifier(parent.name) || ts.isStringLiteral(parent.name) ? parent.name.text : undefined;
  }
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === fn) {
    return chainNames(parent.left).pop();
  }
  return undefined;
}

/** The nearest enclosing function that has a name (anonymous callbacks are looked through). */
export function enclosingFunctionName(node: ts.Node): string | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (isFunctionLike(n)) {
      const name = functionName(n);
      if (name !== undefined) return name;
    }
  }
  return undefined;
}

/** Where a value ends up within its statement. */
export type Destination =
  /** Stored under a name: `const token = …`, `user.salt = …`, `{ nonce: … }`, a class field, a default parameter. */
  | { kind: 'name'; names: string[] }
  /** Returned from a function (or an arrow's expression body). */
  | { kind: 'return'; fn: ts.SignatureDeclaration }
  /** Passed to a call that does not just reshape it (`setTimeout(fn, …)`, `redis.set(key, …)`). */
  | { kind: 'argument'; call: ts.CallExpression | ts.NewExpression }
  /** Compared or tested: `Math.random() < 0.1`, `if (…)`. */
  | { kind: 'test' }
  | { kind: 'none' };

const COMPARISONS = new Set([
  ts.SyntaxKind.LessThanToken,
  ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
]);
/** Calls whose result is still the value, reshaped: `Math.floor(x)`, `chars.charAt(x)`, `String(x)`. */
const RESHAPING_METHODS = new Set(['charAt', 'charCodeAt', 'codePointAt', 'at', 'fromCharCode', 'fromCodePoint', 'concat', 'padStart', 'padEnd', 'repeat', 'slice', 'substring', 'substr']);
const RESHAPING_FUNCTIONS = new Set(['String', 'Number', 'BigInt', 'parseInt', 'parseFloat', 'Math']);
const ARRAY_COLLECTORS = new Set(['push', 'unshift']);

function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/**
 * Follows a value up through operators, templates, member calls on it (`.toString(36).slice(2)`)
 * and reshaping calls (`Math.floor(…)`, `chars[…]`) to where the statement puts it. A value
 * returned from an anonymous callback (`Array.from(…, () => …)`, `.replace(re, () => …)`) goes on
 * as the result of the call it was given to.
 */
export function destinationOf(expr: ts.Expression): Destination {
  let n: ts.Node = expr;
  for (let guard = 0; guard < 64; guard++) {
    const p: ts.Node = n.parent;
    if (!p) return { kind: 'none' };
    if (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isNonNullExpression(p) || ts.isTypeAssertionExpression(p) || ts.isSatisfiesExpression(p) || ts.isAwaitExpression(p)) {
      n = p;
    } else if (ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p) || ts.isSpreadElement(p) || ts.isArrayLiteralExpression(p) || ts.isTemplateSpan(p) || ts.isTemplateExpression(p)) {
      n = p;
    } else if (ts.isConditionalExpression(p)) {
      if (p.condition === n) return { kind: 'test' };
      n = p;
    } else if (ts.isBinaryExpression(p)) {
      const op = p.operatorToken.kind;
      if (COMPARISONS.has(op)) return { kind: 'test' };
      if (isAssignment(op)) return p.right === n ? { kind: 'name', names: chainNames(p.left) } : { kind: 'none' };
      n = p;
    } else if (ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p)) {
      n = p; // x.toString(36), chars[x], x.length
    } else if (ts.isCallExpression(p) || ts.isNewExpression(p)) {
      if (p.expression === n) {
        n = p;
        continue;
      }
      const callee = unwrap(p.expression);
      const method = memberName(callee);
      const root = chainNames(callee)[0];
      if (method !== undefined && ARRAY_COLLECTORS.has(method) && (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee))) {
        return { kind: 'name', names: chainNames(callee.expression) };
      }
      if ((method !== undefined && RESHAPING_METHODS.has(method)) || (root !== undefined && RESHAPING_FUNCTIONS.has(root))) n = p;
      else return { kind: 'argument', call: p };
    } else if (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isParameter(p)) {
      if (p.initializer !== n) return { kind: 'none' };
      return ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) ? { kind: 'name', names: [p.name.text] } : { kind: 'none' };
    } else if (ts.isReturnStatement(p) || (ts.isArrowFunction(p) && p.body === n)) {
      const fn = ts.isArrowFunction(p) ? p : findFunction(p);
      if (!fn) return { kind: 'none' };
      // The return value of an anonymous callback becomes (part of) the call's result.
      if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && functionName(fn) === undefined && ts.isCallExpression(fn.parent) && fn.parent.arguments.includes(fn as ts.Expression)) {
        n = fn.parent;
        continue;
      }
      return { kind: 'return', fn };
    } else if (ts.isIfStatement(p) || ts.isWhileStatement(p) || ts.isDoStatement(p) || ts.isForStatement(p) || ts.isSwitchStatement(p) || ts.isCaseClause(p)) {
      return { kind: 'test' };
    } else {
      return { kind: 'none' };
    }
  }
  return { kind: 'none' };
}

function findFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) if (isFunctionLike(n)) return n;
  return undefined;
}

/** Words that make a value a secret on their own: `resetToken`, `salt`, `otp`, `csrfSecret`. */
const SECRET_WORDS = new Set(['token', 'secret', 'password', 'passwd', 'pwd', 'passphrase', 'passcode', 'otp', 'totp', 'hotp', 'pin', 'salt', 'nonce', 'csrf', 'xsrf', 'credential', 'credentials', 'apikey', 'sid', 'iv', 'signature']);
/** `key`, `code` and `id` are secrets only next to one of these: `apiKey`, `verificationCode`, `sessionId`. */
const QUALIFIED: Record<string, ReadonlySet<string>> = {
  key: new Set(['api', 'secret', 'private', 'access', 'signing', 'encryption', 'session', 'auth', 'hmac', 'client']),
  code: new Set(['verification', 'verify', 'reset', 'auth', 'invite', 'invitation', 'confirm', 'confirmation', 'activation', 'mfa', '2fa', 'login', 'security', 'recovery', 'sms', 'otp']),
  id: new Set(['session']),
};
/** Words that say the value is about a secret but is not one: `tokenTtl`, `passwordLength`, `otpExpiresAt`, `retryJitter`. */
const NOT_A_SECRET = new Set([
  'count', 'length', 'len', 'index', 'idx', 'ttl', 'expiry', 'expires', 'expiration', 'exp', 'delay', 'timeout', 'interval', 'jitter', 'backoff',
  'retry', 'retries', 'attempt', 'attempts', 'size', 'offset', 'position', 'ms', 'seconds', 'duration', 'wait', 'sleep', 'time', 'at', 'color',
  'colour', 'sample', 'sampling', 'rate', 'ratio', 'percent', 'chance', 'probability', 'weight', 'shuffle', 'label', 'hint', 'placeholder',
  'field', 'input', 'policy', 'strength', 'rule', 'rules', 'cache', 'etag', 'checksum', 'fingerprint', 'gravatar', 'avatar', 'dedupe', 'min', 'max',
]);

export type NamePurpose = 'secret' | 'not-secret' | 'unknown';

/** Whether a name says its value is a security secret (token, password, salt, …), says it is not, or says nothing. */
export function namePurpose(name: string): NamePurpose {
  const words = nameWords(name);
  if (words.some((w) => NOT_A_SECRET.has(w))) return 'not-secret';
  const secret = words.some((w, i) => {
    if (SECRET_WORDS.has(w)) return true;
    const qualifiers = QUALIFIED[w];
    return qualifiers !== undefined && i > 0 && qualifiers.has(words[i - 1] ?? '');
  });
  return secret ? 'secret' : 'unknown';
}

/** The first of `names` (read right to left: `user.resetToken` asks `resetToken` first) that decides a purpose. */
export function purposeOfNames(names: readonly string[]): { purpose: NamePurpose; name?: string } {
  for (let i = names.length - 1; i >= 0; i--) {
    const name = names[i] ?? '';
    const purpose = namePurpose(name);
    if (purpose !== 'unknown') return { purpose, name };
  }
  return { purpose: 'unknown' };
}
