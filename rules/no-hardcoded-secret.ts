// no-hardcoded-secret: secrets written into the source — a string literal held by a name that
// says "secret" (`jwtSecret`, `apiKey`, `DB_PASSWORD`), the literal an env read falls back to
// (`process.env.JWT_SECRET || 'dev'`), a password inside a connection string, or a token with an
// unmistakable shape (AWS, GitHub, Stripe, Slack, PEM private key). Code is copied to laptops, CI
// logs, forks and vendors; a secret in it is a secret everyone with the code holds, and a fallback
// means production silently runs on the well-known value when the variable is missing.
import { ts } from '../src/core/typescript.js';
import type { Helpers } from '../src/core/helpers.js';
import { unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';
import { isSecretName, isSecretReference, looksLikeSecret, maskSecret, secretShapeIn, urlCredentials } from '../src/core/secrets.js';

/** Documentation copies of a config (`config.example.ts`, `settings.sample.js`) hold placeholders by design. */
const EXAMPLE_FILE = /\.(?:example|sample)\.[^/]+$/i;
/** Translation catalogs (`locales/de/…`, `i18n/fr.ts`): `password: 'Passwort'` is a label, whatever the language. */
const TRANSLATION_CATALOG = /(?:^|\/)(?:locales?|i18n|l10n)\//i;
/** `Authorization: 'Bearer <token>'`: the credential is what follows the scheme. */
const AUTH_SCHEME = /^(?:Bearer|Basic|Token|Digest)\s+(\S+)$/i;

/** Arguments that are a secret or key whatever they are called. */
const SECRET_ARGUMENTS: ReadonlyArray<{ module: string; path: string[]; index: number; what: string }> = [
  { module: 'jsonwebtoken', path: ['sign'], index: 1, what: 'signing secret' },
  { module: 'jsonwebtoken', path: ['verify'], index: 1, what: 'verification secret' },
  { module: 'cookie-parser', path: [], index: 0, what: 'cookie signing secret' },
  { module: 'crypto', path: ['createHmac'], index: 1, what: 'HMAC key' },
  { module: 'crypto', path: ['createCipheriv'], index: 1, what: 'encryption key' },
  { module: 'crypto', path: ['createDecipheriv'], index: 1, what: 'encryption key' },
];

type Literal = ts.StringLiteral | ts.NoSubstitutionTemplateLiteral;
/** A literal a place may hold, whether it is what a read falls back to, and the env variable it is the fallback of, if any. */
interface Candidate {
  literal: Literal;
  fallback?: boolean;
  env?: string;
}

function isLiteral(e: ts.Node): e is Literal {
  return ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e);
}

function isFallback(e: ts.Expression): e is ts.BinaryExpression {
  return ts.isBinaryExpression(e) && (e.operatorToken.kind === ts.SyntaxKind.BarBarToken || e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken);
}

/** `process.env.JWT_SECRET` (or the first env read of `process.env.A || process.env.B`) → its name. */
function envReadName(expr: ts.Expression, helpers: Helpers): string | undefined {
  const e = unwrap(expr);
  if (isFallback(e)) return envReadName(e.left, helpers) ?? envReadName(e.right, helpers);
  const ref = helpers.referenceOf(e);
  return ref?.kind === 'global' && ref.name === 'process' && ref.path.length === 2 && ref.path[0] === 'env' ? ref.path[1] : undefined;
}

/** The string literals an expression can evaluate to: itself, a fallback's right side, a conditional's branches, a const. */
function candidatesOf(expr: ts.Expression, helpers: Helpers, fallbacks: Set<ts.Node>): Candidate[] {
  const e = unwrap(expr);
  if (isLiteral(e)) return [{ literal: e }];
  if (isFallback(e)) {
    fallbacks.add(e);
    const env = envReadName(e.left, helpers);
    return candidatesOf(e.right, helpers, fallbacks).map((c) => ({ ...c, fallback: true, ...(env === undefined || c.env ? {} : { env }) }));
  }
  if (ts.isConditionalExpression(e)) return [...candidatesOf(e.whenTrue, helpers, fallbacks), ...candidatesOf(e.whenFalse, helpers, fallbacks)];
  if (ts.isIdentifier(e)) {
    const value = helpers.valueOf(e);
    if (value !== e && isLiteral(value)) return [{ literal: value }];
  }
  return [];
}

/**
 * A value that configures a secret — a literal, an env read, a fallback or choice between them — as
 * opposed to one computed at run time (`password: await hash(input)`, `token: jwt.sign(…)`): the
 * sites the score counts.
 */
function isSetting(expr: ts.Expression, helpers: Helpers): boolean {
  const e = unwrap(expr);
  if (isLiteral(e) || ts.isTemplateExpression(e) || isFallback(e) || ts.isConditionalExpression(e)) return true;
  if (envReadName(e, helpers) !== undefined) return true;
  return ts.isIdentifier(e) && isLiteral(helpers.valueOf(e));
}

/** `session({ secret: … })` of express-session or cookie-session: the value can only be the session secret. */
function isSessionSecret(place: ts.Node, helpers: Helpers): boolean {
  if (!ts.isPropertyAssignment(place) || nameOf(place.name) !== 'secret') return false;
  const call = place.parent.parent;
  return ts.isCallExpression(call) && call.arguments[0] === place.parent && (helpers.isCallTo(call, 'express-session') || helpers.isCallTo(call, 'cookie-session'));
}

/** The name a declaration, property or assignment target gives its value. */
function nameOf(name: ts.Node): string | undefined {
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || isLiteral(name)) return name.text;
  if (ts.isPropertyAccessExpression(name)) return name.name.text;
  if (ts.isElementAccessExpression(name) && isLiteral(name.argumentExpression)) return name.argumentExpression.text;
  return undefined;
}

export default defineFileRule({
  id: 'no-hardcoded-secret',
  category: 'security',
  severity: 'critical',
  recommended: true,
  cwe: [798],
  reportsSecrets: true,
  defaultOptions: {},
  messages: {
    named: '`{{name}}` holds a hard-coded secret (`{{masked}}`): read it from the environment or a secret manager, and rotate the value that was committed',
    fallback:
      '`process.env.{{env}}` falls back to a hard-coded secret (`{{masked}}`): fail at start-up when the variable is missing instead of running on a value everyone with the code knows',
    argument: 'The {{what}} passed to `{{callee}}` is hard-coded (`{{masked}}`): read it from the environment or a secret manager, and rotate the value that was committed',
    connection: 'The {{scheme}} connection string has a hard-coded password (`{{masked}}`): read the URL or its password from the environment, and rotate the password',
    shape: 'Hard-coded {{kind}} (`{{masked}}`): revoke it with its issuer now, then load it from the environment or a secret manager',
  },
  docs: {
    description: 'Disallow secrets written into source code: secret-named literals, env fallbacks, connection-string passwords and well-known tokens.',
    why:
      'Source code is copied to every laptop, CI log, fork, backup and vendor that touches the repository, and git keeps every version: a ' +
      'secret committed once is known to all of them until it is rotated. A fallback such as `process.env.JWT_SECRET || \'dev\'` is worse than ' +
      'it looks: when the variable is missing in production the service starts anyway, signing tokens with a secret anyone can read, so ' +
      'anyone can forge a session. Leaked cloud, GitHub and Stripe keys are harvested from public repositories within minutes.',
    fix:
      'Read the value from the environment (or a secret manager) and fail at start-up when it is missing; then rotate the committed value, ' +
      "because removing it from the code does not remove it from git history. A setting that holds a secret manager's reference " +
      "(`dbPassword: 'arn:aws:secretsmanager:…:secret:orders/db'`) is not a secret; as an env fallback or a key argument it is the key itself.",
    sites: 'secret-named settings and secret arguments',
    examples: {
      invalid: [
        {
          filename: 'src/auth/tokens.ts',
          code:
            "import jwt from 'jsonwebtoken';\n\n" +
            "export function issueToken(userId: string): string {\n" +
            "  return jwt.sign({ sub: userId }, process.env.JWT_SECRET || 'k3y-f0r-l0cal-dev', { expiresIn: '1h' });\n}\n",
        },
        {
          filename: 'src/config.ts',
          code: "export const config = {\n  database: { url: 'postgres://orders:Wq7pL2vX9s@db.acme-corp.com:5432/orders' },\n};\n",
        },
      ],
      valid: [
        {
          filename: 'src/config.ts',
          code:
            "function required(name: string): string {\n  const value = process.env[name];\n  if (!value) throw new Error(`${name} is not set`);\n  return value;\n}\n\n" +
            "export const config = {\n  jwtSecret: required('JWT_SECRET'),\n  database: { url: required('DATABASE_URL') },\n};\n",
        },
        {
          filename: 'src/i18n/en.ts',
          code: "export const labels = {\n  password: 'Password',\n  passwordHint: 'At least 12 characters',\n  invalidPassword: 'The password you entered is incorrect',\n};\n",
        },
        {
          filename: 'src/locales/de/account.ts',
          code: "export default {\n  password: 'Passwort',\n  applicationSecret: 'App-Geheimnis',\n  invalidToken: 'Token ungültig.',\n};\n",
        },
      ],
    },
  },
  create(context) {
    const { helpers, file } = context;
    if (file.roles.has('test') || EXAMPLE_FILE.test(file.relPath)) return {};
    const browser = file.roles.has('browser');
    // In a translation catalog a secret-named key holds a label; env fallbacks, secret arguments, shapes and URLs are still checked.
    const catalog = TRANSLATION_CATALOG.test(file.relPath);
    const reported = new Set<ts.Node>();
    const judgedFallbacks = new Set<ts.Node>();
    const sf = file.sourceFile;

    /** The range of `secret` inside a literal's source text, or the whole literal. */
    const report = (node: ts.Node, secret: string, messageId: string, data: Record<string, string>) => {
      if (reported.has(node)) return;
      reported.add(node);
      const start = node.getStart(sf);
      const at = node.getText(sf).indexOf(secret);
      const range = at >= 0 && secret.length < node.end - start - 2 ? { start: start + at, end: start + at + secret.length } : undefined;
      context.report({ ...(range ? { range } : { node }), messageId, data: { ...data, masked: maskSecret(secret) } });
    };

    /** A literal held by a secret-named place, env fallback or secret argument. Shapes and URLs are the literal listener's. */
    const judge = (c: Candidate, name: string | undefined, argument?: { what: string; callee: string }, passphrase = argument !== undefined) => {
      const value = c.literal.text;
      if (secretShapeIn(value) || urlCredentials(value).length > 0) return;
      // A named setting holding a secret manager's reference (`dbPassword: 'arn:aws:secretsmanager:…:secret:orders/db'`) says
      // where the secret lives. What a read falls back to, a secret argument or a session secret is used as the key itself:
      // nothing resolves the reference there, whatever it spells.
      if (!c.fallback && !argument && !passphrase && isSecretReference(value)) return;
      const secret = AUTH_SCHEME.exec(value)?.[1] ?? value;
      if (!looksLikeSecret(secret, name, { passphrase })) return;
      if (c.env !== undefined) report(c.literal, secret, 'fallback', { env: c.env });
      else if (argument) report(c.literal, secret, 'argument', argument);
      else report(c.literal, secret, 'named', { name: name ?? '' });
    };

    const checkNamed = (place: ts.Node, nameNode: ts.Node, value: ts.Expression | undefined) => {
      const name = nameOf(nameNode);
      // A key with spaces is a lookup key (`'get /configs/id-token': 'GetIdTokenConfig'`), not a name holding a value.
      if (catalog || !value || name === undefined || /\s/.test(name) || !isSecretName(name)) return;
      if (isSetting(value, helpers)) context.countSite(place);
      const passphrase = isSessionSecret(place, helpers);
      for (const c of candidatesOf(value, helpers, judgedFallbacks)) judge(c, name, undefined, passphrase);
    };

    const checkLiteralText = (node: ts.Node, text: string, urlsToo: boolean) => {
      const shape = secretShapeIn(text, { browser });
      if (shape) return report(node, shape.token, 'shape', { kind: shape.kind });
      if (browser || !urlsToo) return;
      const [credential] = urlCredentials(text);
      if (credential) report(node, credential.password, 'connection', { scheme: credential.scheme });
    };

    const named = {
      VariableDeclaration: (node: ts.VariableDeclaration) => checkNamed(node, node.name, node.initializer),
      PropertyAssignment: (node: ts.PropertyAssignment) => checkNamed(node, node.name, node.initializer),
      PropertyDeclaration: (node: ts.PropertyDeclaration) => checkNamed(node, node.name, node.initializer),
      BinaryExpression(node: ts.BinaryExpression) {
        if (node.operatorToken.kind === ts.SyntaxKind.EqualsToken) return checkNamed(node, node.left, node.right);
        if (!isFallback(node) || judgedFallbacks.has(node)) return;
        const env = envReadName(node.left, helpers);
        if (env === undefined || !isSecretName(env)) return;
        context.countSite(node);
        for (const c of candidatesOf(node, helpers, judgedFallbacks)) judge(c, env);
      },
      CallExpression(call: ts.CallExpression) {
        const sink = SECRET_ARGUMENTS.find((s) => helpers.isCallTo(call, s.module, ...s.path));
        const arg = sink && call.arguments[sink.index];
        if (!sink || !arg) return;
        context.countSite(call);
        const callee = call.expression.getText(sf);
        for (const c of candidatesOf(arg, helpers, judgedFallbacks)) judge(c, undefined, { what: sink.what, callee });
      },
    };
    return {
      ...(browser ? {} : named),
      StringLiteral: (node: ts.StringLiteral) => checkLiteralText(node, node.text, true),
      NoSubstitutionTemplateLiteral: (node: ts.NoSubstitutionTemplateLiteral) => checkLiteralText(node, node.text, true),
      // `postgres://app:s3cr3t@${host}/orders`: the credentials sit in the template's head.
      TemplateExpression(node: ts.TemplateExpression) {
        checkLiteralText(node.head, node.head.text, true);
        for (const span of node.templateSpans) checkLiteralText(span.literal, span.literal.text, false);
      },
    };
  },
});
