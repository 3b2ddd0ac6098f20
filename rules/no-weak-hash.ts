// no-weak-hash: passwords hashed with a plain `createHash` (any algorithm) instead of a slow,
// salted password hash; MD5/SHA-1 hashing of tokens, secrets and signatures; and the deprecated
// `createCipher`/`createDecipher` and broken ciphers (DES, RC4). A leaked table of SHA-256
// password hashes is cracked by a GPU in hours, MD5/SHA-1 collisions are practical, and
// `createCipher` derives its key with one MD5 round and no IV (and is gone from Node 22).
// Checksums, ETags, cache keys and Gravatar URLs are not security uses and are left alone.
import { ts } from '../src/core/typescript.js';
import type { Helpers } from '../src/core/helpers.js';
import { chainNames, destinationOf, enclosingFunctionName, functionName, nameWords, purposeOfNames } from '../src/core/names.js';
import { unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';

const WEAK_HASHES = /^(md2|md4|md5|sha1|sha-1|rsa-md5|rsa-sha1|ripemd|ripemd160)$/;
const WEAK_CIPHERS = /^(des|des3|des-ede|des-ede3|rc2|rc4|bf|blowfish|cast|cast5|idea)(-|$)/;
/** Callees a digest may be handed to without being the stored password hash. */
const PASSWORD_HASHERS = /^(timingSafeEqual|bcrypt|bcryptjs|argon2|scrypt|scryptSync|pbkdf2|pbkdf2Sync)$/;
const PASSWORD_WORDS = new Set(['password', 'passwd', 'pwd', 'passphrase', 'passcode']);
/** `passwordResetToken`, `passwordChangedAt`, `passwordHash`: a value about a password, not the password. */
const NOT_THE_PASSWORD = new Set(['token', 'key', 'code', 'link', 'url', 'hint', 'label', 'policy', 'length', 'field', 'reset', 'expires', 'expiry', 'changed', 'updated', 'at', 'date', 'version', 'hash', 'hashed', 'digest']);

/** Names say this is a password (not a reset token or a label about one). */
function isPasswordName(name: string): boolean {
  const words = nameWords(name);
  return words.some((w) => PASSWORD_WORDS.has(w)) && !words.some((w) => NOT_THE_PASSWORD.has(w));
}

/** The names of the values a `createHash(…)` chain hashes: `.update(user.password)`, `.update(`${salt}${pwd}`)`. */
function hashedNames(create: ts.CallExpression): { names: string[]; top: ts.Expression } {
  const names: string[] = [];
  let top: ts.Expression = create;
  while (ts.isPropertyAccessExpression(top.parent) && top.parent.expression === top && ts.isCallExpression(top.parent.parent)) {
    const call = top.parent.parent;
    if (top.parent.name.text === 'update') for (const arg of call.arguments) names.push(...namesIn(arg));
    top = call;
  }
  return { names, top };
}

/** Identifier and member names read by an expression (`user.password + salt` → user, password, salt). */
function namesIn(expr: ts.Expression): string[] {
  const names: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) names.push(n.text);
    else if (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) names.push(...chainNames(n));
    else ts.forEachChild(n, visit);
  };
  visit(unwrap(expr));
  return names;
}

/** Names around a hash: where its digest goes and the function it is computed in. */
function destinationNames(top: ts.Expression): string[] {
  const dest = destinationOf(top);
  const names = dest.kind === 'name' ? [...dest.names] : [];
  if (dest.kind === 'return') {
    const fn = functionName(dest.fn);
    if (fn) names.push(fn);
  }
  const fn = enclosingFunctionName(top);
  if (fn) names.unshift(fn);
  return names;
}

function algorithmOf(arg: ts.Expression | undefined, helpers: Helpers): string | undefined {
  return arg ? helpers.staticString(helpers.valueOf(arg))?.toLowerCase() : undefined;
}

export default defineFileRule({
  id: 'no-weak-hash',
  category: 'security',
  severity: 'high',
  recommended: true,
  cwe: [327, 916],
  defaultOptions: {},
  messages: {
    passwordHash:
      '`createHash(\'{{algorithm}}\')` hashes the password `{{name}}`: a fast hash is brute-forced offline from a leaked table — use bcrypt, argon2 or `crypto.scrypt` with a per-user salt',
    weakHash:
      '`createHash(\'{{algorithm}}\')` is used for `{{name}}`, a security value: MD5 and SHA-1 are broken — use SHA-256 or an HMAC (`createHmac(\'sha256\', key)`)',
    deprecatedCipher:
      '`{{method}}` derives its key with one MD5 round and uses no IV, and is removed in Node 22: use `{{replacement}}` with a random IV (`aes-256-gcm`)',
    weakCipher: '`{{method}}(\'{{algorithm}}\')` uses a broken cipher: use `aes-256-gcm` with a random IV',
  },
  docs: {
    description: 'Disallow passwords hashed with `createHash`, MD5/SHA-1 for security values, and `createCipher` or broken ciphers.',
    why:
      'SHA-256, SHA-1 and MD5 are built to be fast: a leaked table of such password hashes is cracked by a single GPU at billions ' +
      'of guesses a second. Passwords need a slow, salted hash (bcrypt, argon2, scrypt). MD5 and SHA-1 collisions are practical, so ' +
      'they must not protect tokens, signatures or secrets either. `crypto.createCipher` derives its key from the password with one ' +
      'MD5 round and no IV, and was removed in Node 22. Hashes used as checksums, ETags, cache keys or Gravatar URLs are not flagged: ' +
      'the rule reads the names of the hashed value, of where the digest goes and of the function around it.',
    fix:
      'Hash passwords with `bcrypt.hash(password, 12)`, `argon2.hash(password)` or `crypto.scrypt(password, salt, 64)`; hash tokens with ' +
      'SHA-256 or an HMAC; encrypt with `createCipheriv(\'aes-256-gcm\', key, iv)` and a random 12-byte IV. Existing stored hashes must be ' +
      'migrated (re-hash on next login), so the rule offers no automatic edit.',
    sites: 'hash and cipher constructions',
    examples: {
      invalid: [
        {
          filename: 'src/users/users.service.ts',
          code:
            "import { createHash } from 'node:crypto';\n\n" +
            "export function hashPassword(password: string): string {\n  return createHash('sha256').update(password).digest('hex');\n}\n",
        },
      ],
      valid: [
        {
          filename: 'src/users/users.service.ts',
          code: "import bcrypt from 'bcrypt';\n\nexport function hashPassword(password: string): Promise<string> {\n  return bcrypt.hash(password, 12);\n}\n",
        },
        {
          filename: 'src/users/gravatar.ts',
          code:
            "import { createHash } from 'node:crypto';\n\n" +
            "export function gravatarUrl(email: string): string {\n  const md5 = createHash('md5').update(email.trim().toLowerCase()).digest('hex');\n  return `https://gravatar.com/avatar/${md5}`;\n}\n",
        },
      ],
    },
  },
  create(context) {
    const { helpers } = context;
    if (context.file.roles.has('test') || context.file.roles.has('browser')) return {};
    /** `createHash` for `crypto.createHash(…)` / an import of it from crypto: the one member of `crypto` called, else undefined. */
    const cryptoMethod = (call: ts.CallExpression): string | undefined => {
      const ref = helpers.calleeOf(call);
      return ref?.kind === 'module' && !ref.resolved && ref.module === 'crypto' && ref.path.length === 1 ? ref.path[0] : undefined;
    };
    return {
      CallExpression(call) {
        const method = cryptoMethod(call);
        if (method === undefined) return;
        if (method === 'createCipher' || method === 'createDecipher') {
          context.countSite(call);
          context.report({ node: call, messageId: 'deprecatedCipher', data: { method, replacement: `${method}iv` } });
          return;
        }
        if (method === 'createCipheriv' || method === 'createDecipheriv') {
          context.countSite(call);
          const algorithm = algorithmOf(call.arguments[0], helpers);
          if (algorithm && WEAK_CIPHERS.test(algorithm)) context.report({ node: call, messageId: 'weakCipher', data: { method, algorithm } });
          return;
        }
        if (method !== 'createHash') return;
        context.countSite(call);
        const algorithm = algorithmOf(call.arguments[0], helpers);
        if (!algorithm) return;
        const { names: hashed, top } = hashedNames(call);
        // Pre-hashing for a constant-time compare or before bcrypt's 72-byte limit is not storage.
        const dest = destinationOf(top);
        if (dest.kind === 'argument' && chainNames(dest.call.expression).some((n) => PASSWORD_HASHERS.test(n))) return;
        const around = destinationNames(top);
        const around_ = purposeOfNames(around);
        if (around_.purpose === 'not-secret') return;
        const password = [...hashed, ...around].find(isPasswordName);
        if (password) {
          context.report({ node: call, messageId: 'passwordHash', data: { algorithm, name: password } });
          return;
        }
        if (!WEAK_HASHES.test(algorithm)) return;
        const secret = around_.purpose === 'secret' ? around_ : purposeOfNames(hashed);
        if (secret.purpose === 'secret' && secret.name) context.report({ node: call, messageId: 'weakHash', data: { algorithm, name: secret.name } });
      },
    };
  },
});
