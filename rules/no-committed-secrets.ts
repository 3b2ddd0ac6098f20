// no-committed-secrets: secret files committed to the repository — `.env` files with credentials,
// private keys and key stores, `.npmrc` with a registry token, cloud service-account JSON — that
// .gitignore does not keep out. Everyone who can clone the repository holds them, git history
// keeps them after the file is deleted, and a `.env` that is not ignored collects the next real
// production value someone pastes into it. Findings name the file and line; values are masked.
import { basename } from 'node:path';
import { defineProjectRule } from '../src/core/rule.js';
import { isPlaceholder, isSecretName, isSecretReference, maskSecret, secretShapeIn, urlCredentials } from '../src/core/secrets.js';
import { SECRET_FILE_KINDS, type RepositoryFile } from '../src/project/repository-files.js';
import { fileRoles } from '../src/project/roles.js';

/**
 * Env files meant to be committed: documentation templates (`.env.example`, and in the prefix form
 * `example.env`, `prod.sample.env`, as compose projects name them), test settings, dotenv-vault's
 * encrypted file.
 */
const COMMITTABLE_ENV = /\.(?:example|sample|template|dist|defaults|schema|vault)(?:\.|$)|^(?:example|sample|template)\.env$|^\.env\.test(?:ing)?(?:\.|$)|(?:^|\.)test\.env$/i;
/**
 * The development defaults Next.js and dotenv-flow tell you to commit (secrets go to the ignored
 * `.env.development.local`): a URL's credentials there for a database on this machine or a compose
 * service (`postgres://app:app@127.0.0.1:5432/app`, `redis://default:redis@redis:6379`) are a
 * default, not a secret; for any other host they count as in every env file.
 */
const DEVELOPMENT_ENV = /^\.env\.development$/i;
/** `${NPM_TOKEN}`, `$SECRET`, `%APPDATA%`: a reference, not a value. */
const REFERENCE = /^(?:\$\{?\w+\}?|%\w+%)$/;
const PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;
const NO_EVIDENCE = { shebang: false, browserSyntax: false, serverImports: false, readsArgv: false, listens: false };

interface Hit {
  line: number;
  column: number;
  messageId: string;
  data: Record<string, string>;
}

/** 1-based line and column of an offset. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** `KEY=value`, `export KEY="value" # comment` → key, unquoted value, whether it was quoted, and the value's offset in the line. */
function envEntry(line: string): { key: string; value: string; quoted: boolean; at: number } | undefined {
  const m = /^(\s*(?:export\s+)?([A-Za-z_][\w.-]*)\s*[=:]\s*)(.*)$/.exec(line);
  if (!m) return undefined;
  const [, lead = '', key = '', raw = ''] = m;
  let value = raw.trim();
  const quote = value[0];
  if ((quote === '"' || quote === "'" || quote === '`') && value.length > 1) {
    const close = value.indexOf(quote, 1);
    value = close > 0 ? value.slice(1, close) : value.slice(1);
    return { key, value, quoted: true, at: lead.length + 1 };
  }
  value = value.replace(/\s+#.*$/, '');
  return { key, value, quoted: false, at: lead.length };
}

/**
 * The secrets of an env file: secret-named keys with a real value, passwords in URLs, well-known
 * tokens. In development defaults (`DEVELOPMENT_ENV`), a URL's password to a local host is not one.
 */
function envSecrets(text: string, developmentDefaults: boolean): Hit[] {
  const hits: Hit[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (/^\s*#/.test(line)) return;
    const entry = envEntry(line);
    if (!entry || entry.value === '') return;
    const { key, value, quoted, at } = entry;
    const shape = secretShapeIn(value);
    const [credential] = urlCredentials(value, developmentDefaults ? 'local-env' : 'env');
    const secret = shape?.token ?? credential?.password ?? (isSecretName(key) && !REFERENCE.test(value) && !isSecretReference(value, { quoted }) && !isPlaceholder(value) ? value : undefined);
    if (secret === undefined) return;
    const column = at + 1 + Math.max(0, value.indexOf(secret));
    hits.push({ line: i + 1, column, messageId: developmentDefaults ? 'developmentEnvFile' : 'envFile', data: { key, masked: maskSecret(secret) } });
  });
  return hits;
}

function keyHit(file: RepositoryFile): Hit | undefined {
  const name = basename(file.relPath);
  if (file.text === null) {
    return /\.(p12|pfx)$/i.test(name) ? { line: 1, column: 1, messageId: 'keyStore', data: { name } } : undefined;
  }
  const m = PEM_PRIVATE_KEY.exec(file.text);
  if (!m) return undefined; // a certificate or public key
  return { ...position(file.text, m.index), messageId: 'privateKey', data: { masked: maskSecret(m[0]) } };
}

function npmrcHit(text: string): Hit | undefined {
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    const m = /^(\s*[^#;\s][^=]*?(_authToken|_auth|_password)\s*=\s*)(.*)$/.exec(line);
    const value = m?.[3]?.trim().replace(/^"(.*)"$/, '$1') ?? '';
    if (!m || value === '' || REFERENCE.test(value) || value.includes('${') || isSecretReference(value) || isPlaceholder(value)) continue;
    return { line: i + 1, column: (m[1]?.length ?? 0) + 1, messageId: 'npmrc', data: { key: m[2] ?? '_authToken', masked: maskSecret(value) } };
  }
  return undefined;
}

function credentialsJsonHit(text: string): Hit | undefined {
  const m = /"private_key"\s*:\s*"(-----BEGIN[^"]*PRIVATE KEY[^"]*)"/.exec(text);
  if (!m) return undefined;
  return { ...position(text, m.index), messageId: 'credentialsJson', data: { masked: maskSecret(m[1] ?? '') } };
}

export default defineProjectRule({
  id: 'no-committed-secrets',
  repository: true,
  category: 'security',
  severity: 'critical',
  recommended: true,
  // CWE-540, inclusion of sensitive information in source code: the weakness is that the repository
  // carries the secret to everyone who can read it, not how the file stores it (CWE-312).
  cwe: [540],
  reportsSecrets: true,
  defaultOptions: {},
  messages: {
    envFile:
      'Committed env file sets `{{key}}` (`{{masked}}`){{more}}: remove the file from the repository, list it in .gitignore, rotate the values, and commit a `.env.example` without them',
    developmentEnvFile:
      'Committed development defaults set `{{key}}` (`{{masked}}`){{more}}: the file is shared with everyone who clones the repository, so keep only local values in it — move this one to the ignored `.env.development.local` and rotate it',
    privateKey: 'Committed private key (`{{masked}}`): remove the file, list it in .gitignore and replace the key pair — git history keeps the old key',
    keyStore: 'Committed key store `{{name}}` (PKCS#12 files hold private keys): remove it, list it in .gitignore and replace the keys it holds',
    npmrc: '`.npmrc` commits a registry credential (`{{key}}` = `{{masked}}`): write `${NPM_TOKEN}` instead and revoke the token',
    credentialsJson:
      'Committed service-account credentials (`private_key` = `{{masked}}`): delete the key in the cloud console, remove the file, and load credentials from a secret store',
  },
  docs: {
    description: 'Disallow committed secret files: `.env` files with credentials, private keys, `.npmrc` tokens and service-account JSON not covered by .gitignore.',
    why:
      'A file in the repository is in every clone, fork, CI cache and backup, and deleting it later does not remove it from git history. ' +
      'An `.env` that .gitignore does not cover is also a trap: the next person who pastes a production credential into it commits it. ' +
      'Private keys and cloud service-account files give whoever holds them the identity of the service; registry tokens let them publish packages.',
    fix:
      'Remove the file (`git rm --cached`), add it to .gitignore, rotate every credential it held, and commit a `.env.example` with empty ' +
      'values or placeholders instead; for `.npmrc`, write `//registry.npmjs.org/:_authToken=${NPM_TOKEN}`. ' +
      'A `.env.development` of development defaults (the Next.js and dotenv-flow convention) stays committed: keep local values in it ' +
      '(a database on 127.0.0.1 or a compose service) and move real credentials to the ignored `.env.development.local`. ' +
      'Templates may also be named in the prefix form (`example.env`, `prod.sample.env`), and an env file whose secret values are a ' +
      "secret manager's references (`op://vault/item/field` for `op run`, `arn:aws:secretsmanager:…:secret:name` for ECS, `@Microsoft.KeyVault(…)`) " +
      'can stay committed; a reference with anything after it (a query, a fragment, a version tail, text) is judged as a value.',
    sites: 'committed env, key, .npmrc and credential files',
    examples: {
      invalid: [{ filename: '.env', code: 'PORT=3000\nDATABASE_URL=postgres://orders:Wq7pL2vX9s@db.acme-corp.com:5432/orders\nJWT_SECRET=9f8c1e4b7a2d6f3c\n' }],
      valid: [{ filename: '.env.example', code: 'PORT=3000\nDATABASE_URL=postgres://user:password@localhost:5432/orders\nJWT_SECRET=\n' }],
    },
  },
  check(context) {
    for (const file of context.facts.repositoryFiles()) {
      if (!SECRET_FILE_KINDS.has(file.kind)) continue;
      const name = basename(file.relPath);
      if (fileRoles(file.relPath, NO_EVIDENCE).has('test')) continue;
      if (file.kind === 'env' && COMMITTABLE_ENV.test(name)) continue;
      context.countSite();
      let hit: Hit | undefined;
      if (file.kind === 'env' && file.text !== null) {
        const hits = envSecrets(file.text, DEVELOPMENT_ENV.test(name));
        const more = hits.length > 1 ? ` and ${hits.length - 1} more secret${hits.length > 2 ? 's' : ''}` : '';
        hit = hits[0] && { ...hits[0], data: { ...hits[0].data, more } };
      } else if (file.kind === 'private-key') {
        hit = keyHit(file);
      } else if (file.kind === 'npmrc' && file.text !== null) {
        hit = npmrcHit(file.text);
      } else if (file.kind === 'credentials-json' && file.text !== null) {
        hit = credentialsJsonHit(file.text);
      }
      if (hit) context.report({ file: file.relPath, line: hit.line, column: hit.column, messageId: hit.messageId, data: hit.data });
    }
  },
});
