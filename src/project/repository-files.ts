// Repository files that are not sources but that hold secrets when someone commits them: env
// files, private keys, `.npmrc`, credential JSON. Source discovery reads only JS/TS; this reads
// these few kinds, honouring .gitignore files the way git does (a file ignored there is not committed),
// and hands their text to project rules through the facts, so that no rule touches the disk.
import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { globbySync, isGitIgnoredSync } from 'globby';
import { BUILTIN_IGNORES } from '../core/discover.js';

export type RepositoryFileKind = 'env' | 'private-key' | 'npmrc' | 'credentials-json';

export interface RepositoryFile {
  /** POSIX path relative to the root. */
  relPath: string;
  kind: RepositoryFileKind;
  /** The text, or null for a binary file (a `.p12` keystore) or one too large to be a secret file. */
  text: string | null;
}

const PATTERNS = ['**/.env', '**/.env.*', '**/*.env', '**/*.pem', '**/*.key', '**/*.p12', '**/*.pfx', '**/id_rsa', '**/id_dsa', '**/id_ecdsa', '**/id_ed25519', '**/.npmrc', '**/*.json'];
/** JSON files that are never credentials, skipped without reading. */
const NOT_CREDENTIALS_JSON = /(^|\/)(package(-lock)?|tsconfig[\w.-]*|jsconfig|composer|lerna|nx|turbo|project|angular|vercel|renovate|\.?eslintrc|\.?prettierrc|\.?babelrc)\.json$/i;
/** Secret files are small; anything bigger is data or generated. */
const MAX_BYTES = 256 * 1024;

function kindOf(relPath: string): RepositoryFileKind | undefined {
  const name = basename(relPath).toLowerCase();
  if (name === '.npmrc') return 'npmrc';
  if (name === '.env' || name.startsWith('.env.') || name.endsWith('.env')) return 'env';
  if (/\.(pem|key|p12|pfx)$/.test(name) || /^id_(rsa|dsa|ecdsa|ed25519)$/.test(name)) return 'private-key';
  if (name.endsWith('.json') && !NOT_CREDENTIALS_JSON.test(relPath)) return 'credentials-json';
  return undefined;
}

function readText(path: string, kind: RepositoryFileKind): string | null {
  try {
    if (statSync(path).size > MAX_BYTES) return null;
    const buf = readFileSync(path);
    if (buf.subarray(0, 8000).includes(0)) return null;
    const text = buf.toString('utf8');
    // Credential JSON is read for one key; other JSON is not kept.
    if (kind === 'credentials-json' && !text.includes('"private_key"')) return null;
    return text;
  } catch {
    return null;
  }
}

/** The repository's secret-prone files that git would commit, sorted by path. JSON files without a `private_key` are left out. */
export function readRepositoryFiles(root: string, ignores: readonly string[] = []): RepositoryFile[] {
  const paths = globbySync(PATTERNS, {
    cwd: root,
    ignore: [...BUILTIN_IGNORES, ...ignores],
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: false,
  }).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: RepositoryFile[] = [];
  for (const relPath of paths) {
    const kind = kindOf(relPath);
    if (!kind) continue;
    const text = readText(join(root, relPath), kind);
    if (kind === 'credentials-json' && text === null) continue;
    out.push({ relPath, kind, text });
  }
  // Reading every .gitignore costs more than the glob: only when there is something to check.
  if (out.length === 0) return out;
  const ignored = isGitIgnoredSync({ cwd: root });
  return out.filter((f) => !ignored(f.relPath));
}
