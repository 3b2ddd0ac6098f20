// What a secret looks like, shared by the rules that find secrets (in source, in committed files)
// and by the scan that keeps them out of every output. A secret is recognised three ways: a name
// that says it holds one plus a value that could be one (not a label, placeholder, env var name,
// path or URL), a connection string with a password in it, or a token whose shape is unmistakable
// (AWS, GitHub, Stripe, Slack, PEM private keys…). Whatever is found is only ever shown masked.

/** How many leading characters of a secret an output may show, at most. */
export const SECRET_PREFIX_MAX = 4;

/**
 * A secret as every output shows it: a short prefix and an ellipsis (`sk_l…`). The prefix is at
 * most 4 characters and at most a quarter of the value, and stops at the first character that is
 * not a plain token character, so a short password reveals one or two characters, never half.
 */
export function maskSecret(value: string): string {
  const n = Math.min(SECRET_PREFIX_MAX, Math.floor(value.length / 4));
  const prefix = /^[\w+/=.:-]*/.exec(value.slice(0, n))?.[0] ?? '';
  return `${prefix}…`;
}

/**
 * `text` with the secret between `start` and `end` masked in place: the prefix `maskSecret` shows
 * is kept, every other character except line breaks becomes `*`, so offsets, lines and columns of
 * everything else stay where they were. Quotes around the range are kept.
 */
export function redactRange(text: string, start: number, end: number): string {
  let from = start;
  let to = end;
  const quote = text[from];
  if ((quote === "'" || quote === '"' || quote === '`') && to - from >= 2 && text[to - 1] === quote) {
    from += 1;
    to -= 1;
  }
  const value = text.slice(from, to);
  const keep = maskSecret(value).length - 1;
  const masked = value.slice(0, keep) + value.slice(keep).replace(/[^\r\n]/g, '*');
  return text.slice(0, from) + masked + text.slice(to);
}

/** `jwtSecret` → [jwt, secret]; `API_KEY` → [api, key]; `x-api-key` → [x, api, key]. */
export function nameWords(name: string): string[] {
  return (name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? []).map((w) => w.toLowerCase());
}

/** Last words that name a secret on their own (`password`, `dbPassword`, `clientSecret`, `authToken`). */
const SECRET_LAST_WORDS = new Set(['password', 'passwd', 'pwd', 'pass', 'passphrase', 'secret', 'token', 'apikey', 'privatekey', 'secretkey', 'authorization']);
/** Single-word forms that end with a secret word (`dbpassword`, `clientsecret`, `authtoken`). */
const SECRET_SUFFIXES = ['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'privatekey', 'secretkey'];
/** `…Key` names a secret after these words (`apiKey`, `privateKey`, `signingKey`), or anywhere after `secret`/`private` (`secretOrKey`). */
const KEY_QUALIFIERS = new Set(['api', 'private', 'secret', 'access', 'signing', 'encryption', 'auth', 'master', 'hmac', 'client', 'license']);

/** The name (variable, property, env var) says it holds a secret; words after the secret word make it something else (`passwordLabel`, `tokenUrl`). */
export function isSecretName(name: string): boolean {
  const words = nameWords(name);
  const last = words[words.length - 1];
  if (last === undefined) return false;
  if (SECRET_LAST_WORDS.has(last) || SECRET_SUFFIXES.some((s) => last.endsWith(s))) return true;
  if (last === 'key' && words.length > 1) {
    const before = words[words.length - 2] ?? '';
    return KEY_QUALIFIERS.has(before) || words.includes('secret') || words.includes('private');
  }
  return false;
}

/** Placeholders people put where a secret goes. */
const PLACEHOLDER = /change[-_ ]?(?:me|it|this)|your|example|placeholder|replace|dummy|sample|fake|mock|redacted|\btest|_test|x{4,}|X{4,}|\*{3,}|\.{3}|…|<[^>]*>|\$\{|\{\{|%[sd]|todo|fixme|insert|not[-_ ]?set|^(?:none|null|undefined|default|secret|password|token)$/i;
/** Words that only describe a credential: a value made of these names one (`x-access-token`, `resetPassword`), it is not one. */
const CREDENTIAL_VOCABULARY = new Set(
  ('x access refresh id auth authorization reset api csrf xsrf bearer session sid jwt token tokens key keys secret secrets password passwords pwd pass ' +
    'header cookie client user verify verification email confirm confirmation type oauth private public signing hmac otp code new old current forgot ' +
    'change invite magic link remember me admin app bot personal name field value').split(' '),
);
/** Authorization schemes and algorithm names: the words around a secret, not secrets. */
const SCHEME_OR_ALGORITHM = /^(?:bearer|basic|digest|negotiate|oauth|dpop|token|apikey|jwt|aws4-hmac-sha256|hmac-sha\d{1,3}|sha-?\d{1,3}|[hrep]s(?:256|384|512)|aes-\d{3}-[a-z]{3}|chacha20-poly1305)$/i;
const ENV_VAR_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;
const PATH_LIKE = /^(?:\.{0,2}\/|~\/)|\.(?:pem|key|crt|cer|pub|json|txt|p12|pfx|jks)$/i;
const PASSWORD_HASH = /^\$(?:2[abxy]?|argon2(?:id|i|d)|scrypt|pbkdf2[\w-]*)\$/;
const DOTTED_KEY = /^[a-z][\w-]*(?:\.[a-z][\w-]*)+$/i;
const EMAIL = /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i;

/** Shannon entropy in bits per character. */
export function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value);
}

/** A vault, item, section or field name in a 1Password reference: letters, digits, `-`, `_`, `.`; inside quotes single spaces between them too (`Orders Prod`). */
const OP_NAME = String.raw`[\w.-]+`;
const OP_SPACED_NAME = String.raw`[\w.-]+(?: [\w.-]+)*`;
/** An ARN's partition (`aws`, `aws-us-gov`, `aws-cn`) and, after the service, its region and account: `eu-west-1:123456789012`. */
const ARN = String.raw`arn:aws(?:-[a-z]+)*`;
const REGION_ACCOUNT = String.raw`[a-z]{2}(?:-[a-z]+)+-\d{1,2}:\d{12}`;

/**
 * The documented syntaxes of a secret manager's reference to a secret, which a tool resolves when
 * the program starts, limited to the forms with no slot a literal credential could ride along in
 * (no query, fragment, version field or trailing text), each anchored to the whole value:
 * - 1Password `op://vault/item[/section]/field` (`op run`, `op inject`), without the `?attribute=`
 *   query; names with spaces only when the value is quoted, as 1Password requires, and never in the
 *   field, so a reference followed by a space and text (`op://prod/db/password Wq7p…`) is judged;
 * - AWS Secrets Manager secret ARNs ending at the secret's name (`…:secret:orders/postgres-Xy12Ab`,
 *   nothing after it: ECS `valueFrom`'s `:json-key:stage:version` tail is a free slot) and SSM
 *   Parameter Store parameter ARNs;
 * - Azure App Service Key Vault references, `@Microsoft.KeyVault(SecretUri=https://<vault>.vault.azure.net/secrets/<name>[/<version>])`
 *   and `@Microsoft.KeyVault(VaultName=…;SecretName=…[;SecretVersion=…])`, nothing else inside.
 * Not accepted: vals `ref+…://` (its query carries an AppRole `secret_id`, `ref+envsubst://` and
 * `ref+echo://` return their own text), Kong `{vault://…}` (its query can carry a token),
 * Bank-Vaults `vault:path#KEY` and Berglas `sm://`, `berglas://` (fragment and query slots).
 */
const SECRET_REFERENCES: readonly RegExp[] = [
  new RegExp(String.raw`^op://${OP_NAME}(?:/${OP_NAME}){2,3}$`),
  new RegExp(String.raw`^${ARN}:secretsmanager:${REGION_ACCOUNT}:secret:[\w/+=.@-]+$`),
  new RegExp(String.raw`^${ARN}:ssm:${REGION_ACCOUNT}:parameter/[\w./-]+$`),
  /^@Microsoft\.KeyVault\((?:SecretUri=https:\/\/[A-Za-z0-9-]{3,24}\.vault\.azure\.net\/secrets\/[A-Za-z0-9-]{1,127}(?:\/[0-9a-fA-F]{32})?\/?|VaultName=[A-Za-z0-9-]{3,24};SecretName=[A-Za-z0-9-]{1,127}(?:;SecretVersion=[0-9a-fA-F]{32})?)\)$/,
];
/** Inside quotes, 1Password names may hold spaces: `"op://Orders Prod/Postgres Admin/password"`. */
const QUOTED_OP_REFERENCE = new RegExp(String.raw`^op://${OP_SPACED_NAME}(?:/${OP_SPACED_NAME}){1,2}/${OP_NAME}$`);

/**
 * The value is a secret manager's reference to the secret (`op://tf/cloudflare/api_token`), not the
 * secret. `quoted`: the value was written between quotes (an env file's `KEY="…"`), where a
 * 1Password reference may name a vault, item or section with spaces.
 */
export function isSecretReference(value: string, options: { quoted?: boolean } = {}): boolean {
  return SECRET_REFERENCES.some((re) => re.test(value)) || (options.quoted === true && QUOTED_OP_REFERENCE.test(value));
}

/**
 * A string held by a secret-named place could be the secret: at least 8 characters, one word
 * (or a short passphrase where only a secret can stand), varied enough, and none of the things such names also hold (labels and sentences, env var
 * names, placeholders, paths, URLs, schemes and algorithms, password hashes, i18n keys, the name
 * itself spelled as a value).
 */
const ERROR_CODE = /^[a-z]{2,}(?:[/:][a-z]{2,}(?:[_.-][a-z]{2,})*)+$/;
const NON_ASCII_LETTER = /(?![\u0000-\u007f])\p{L}/u;

export function looksLikeSecret(value: string, name?: string, options: { passphrase?: boolean } = {}): boolean {
  const v = value.trim();
  if (v.length < 8 || /^\d+$/.test(v)) return false;
  // Words in a language written with letters outside ASCII (`Contraseña`, `パスワードを忘れましたか`, `Token inválido.`):
  // no digit and no symbol but word punctuation. `Contraseña#2024!` and `clave_súper_secreta_2024` stay secrets.
  if (NON_ASCII_LETTER.test(v) && !/[\d_#$%&*+=<>@^|~{}[\]\\/]/.test(v)) return false;
  // Where the value can only be a secret (a session or JWT secret), words with spaces are a passphrase (`keyboard cat`).
  if (/\s/.test(v) && !(options.passphrase && !/\s\s|\n/.test(v) && v.split(/\s/).length <= 4)) return false;
  if (ENV_VAR_NAME.test(v) || URL_LIKE.test(v) || PATH_LIKE.test(v) || PASSWORD_HASH.test(v) || EMAIL.test(v)) return false;
  if (PLACEHOLDER.test(v) || SCHEME_OR_ALGORITHM.test(v)) return false;
  if (DOTTED_KEY.test(v) && !/\d/.test(v)) return false;
  // An error or message code: lowercase words joined by `/`, `:`, `.`, `_` or `-` (`auth/invalid_access_token`).
  if (ERROR_CODE.test(v)) return false;
  const words = nameWords(v);
  // A field or header name made of credential words (`x-access-token`), a one-letter prefix allowed (`g_csrf_token`).
  const named = words.length > 1 && /^[a-z]$/.test(words[0] ?? '') ? words.slice(1) : words;
  if (named.length > 0 && named.every((w) => CREDENTIAL_VOCABULARY.has(w)) && words.join('').length >= v.replace(/[^a-z]/gi, '').length) return false;
  if (name !== undefined && nameWords(name).join('') === words.join('')) return false;
  return entropy(v) >= 2.5;
}

export interface UrlCredential {
  scheme: string;
  password: string;
  /** Offset of the password in the text. */
  index: number;
}

/** The host may be empty: in a template's head (`redis://app:pw@${host}`) it is a substitution. */
const URL_WITH_PASSWORD = /\b([a-z][a-z0-9+.-]{1,30}):\/\/([^\s:@/?#'"`]*):([^\s@/?#'"`]+)@([^\s/:?#'"`]*)/gi;
const COMMON_DEFAULT_PASSWORDS = new Set(['password', 'pass', 'postgres', 'root', 'admin', 'secret', 'mysql', 'guest', 'test', 'changeme', 'example', 'pwd']);

function isLocalHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h.startsWith('127.') || h === '0.0.0.0' || h === '[::1]' || h === 'host.docker.internal' || h.endsWith('.localhost');
}

/**
 * Passwords written into URLs (`postgres://app:s3cr3t@db.example.com/orders`). In source code
 * (`'code'`), a local or single-label host (a compose service) and well-known defaults are a
 * developer's machine, not a leak; in a committed env file (`'env'`) every literal password counts;
 * in committed development defaults (`'local-env'`) every one but a local or single-label host's.
 * An unknown host (a template substitution) is taken to be a real one.
 */
export function urlCredentials(text: string, where: 'code' | 'env' | 'local-env' = 'code'): UrlCredential[] {
  if (!text.includes('://') || !text.includes('@')) return [];
  const out: UrlCredential[] = [];
  for (const m of text.matchAll(URL_WITH_PASSWORD)) {
    const [whole, scheme = '', user = '', password = '', host = ''] = m;
    if (/^[$%<{]/.test(password) || password.includes('${') || isPlaceholder(password)) continue;
    const localHost = host !== '' && (isLocalHost(host) || !host.includes('.'));
    if (where === 'code' && (password === user || COMMON_DEFAULT_PASSWORDS.has(password.toLowerCase()) || localHost)) continue;
    if (where === 'local-env' && localHost) continue;
    out.push({ scheme: scheme.toLowerCase(), password, index: (m.index ?? 0) + whole.indexOf(`:${password}@`, scheme.length + 3) + 1 });
  }
  return out;
}

interface Shape {
  kind: string;
  pattern: RegExp;
  /** Published in front-end code by design (Google browser keys). */
  publicInBrowser?: boolean;
  /** The token is structure, not randomness: no entropy check (PEM). */
  structured?: boolean;
}

// Prefixes and lengths from the issuers' documented formats (as the gitleaks rules encode them).
const SHAPES: readonly Shape[] = [
  { kind: 'AWS access key id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b/ },
  { kind: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/ },
  { kind: 'GitHub fine-grained token', pattern: /\bgithub_pat_\w{70,}\b/ },
  { kind: 'GitLab token', pattern: /\bglpat-[\w-]{20,}/ },
  { kind: 'Stripe live secret key', pattern: /\b[rs]k_live_[A-Za-z0-9]{20,}\b/ },
  { kind: 'Slack token', pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,}/ },
  { kind: 'Slack webhook URL', pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{20,}/ },
  { kind: 'npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { kind: 'SendGrid API key', pattern: /\bSG\.[\w-]{20,24}\.[\w-]{40,50}/ },
  { kind: 'OpenAI API key', pattern: /\bsk-(?:proj|svcacct|admin)-[\w-]{40,}|\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}\b/ },
  { kind: 'Anthropic API key', pattern: /\bsk-ant-(?:api|admin)\d\d-[\w-]{80,}/ },
  { kind: 'Google API key', pattern: /\bAIza[\w-]{35}(?![\w-])/, publicInBrowser: true },
  { kind: 'private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[A-Za-z0-9+/=\s:,-]{64,}/, structured: true },
];

export interface ShapeMatch {
  kind: string;
  token: string;
  index: number;
}

/** The first well-known secret token in `text`, skipping documented examples and fakes (`AKIA…EXAMPLE`, `ghp_xxxx…`). */
export function secretShapeIn(text: string, options: { browser?: boolean } = {}): ShapeMatch | undefined {
  if (text.length < 20) return undefined;
  for (const shape of SHAPES) {
    if (options.browser && shape.publicInBrowser) continue;
    const m = shape.pattern.exec(text);
    if (!m) continue;
    const token = shape.structured ? m[0].trimEnd() : m[0];
    if (!shape.structured && (isPlaceholder(token) || entropy(token) < 3)) continue;
    return { kind: shape.kind, token, index: m.index };
  }
  return undefined;
}

/** The texts of `textOf` with every secret range masked in place (`redactRange`); other files' texts as they are. */
export function redactSources(textOf: (file: string) => string | undefined, ranges: ReadonlyArray<{ file: string; start: number; end: number }>): (file: string) => string | undefined {
  const masked = new Map<string, string>();
  for (const { file, start, end } of ranges) {
    const text = masked.get(file) ?? textOf(file);
    if (text !== undefined && end > start) masked.set(file, redactRange(text, start, end));
  }
  return (file) => masked.get(file) ?? textOf(file);
}
